// worksheetInput: what the teacher did not give comes from the seed, each value from its own stream.
import { describe, expect, it } from 'vitest';
import { bytesToUtf8 } from '$lib/crypto';
import { WORKSHEET_TEXTS, worksheetInput } from '$lib/quiz';

describe('worksheetInput', () => {
  it('the same seed gives the same key, IV and message; another seed others', () => {
    const a = worksheetInput('class-7b');
    expect(worksheetInput('class-7b')).toEqual(a);
    expect(a.key).toHaveLength(16);
    expect(a.iv).toHaveLength(16);
    expect(WORKSHEET_TEXTS).toContain(bytesToUtf8(a.plaintext));
    const b = worksheetInput('class-7c');
    expect(b.key).not.toEqual(a.key);
    expect(b.iv).not.toEqual(a.iv);
  });

  it('a value given is used as is, and the others stay what the seed gives', () => {
    const drawn = worksheetInput('s');
    const key = new Uint8Array(32).fill(7);
    const given = worksheetInput('s', { key });
    expect(given.key).toBe(key);
    expect(given.iv).toEqual(drawn.iv);
    expect(given.plaintext).toEqual(drawn.plaintext);
    expect(worksheetInput('s', { plaintext: new Uint8Array(0) }).plaintext).toHaveLength(0);
  });
});
