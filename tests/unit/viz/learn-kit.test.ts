// The /learn components' pure helpers: byte names, roles, the sentence for a picked byte and the
// roving arrow-key cursor inside a picture.
import { describe, expect, it } from 'vitest';
import { encryptTrace, decryptTrace, hexToBytes, utf8ToBytes } from '../../../src/lib/crypto';
import { lineage } from '../../../src/lib/viz/lineage';
import { describe as say, moveInGrid, nameOf, roleOf, sub } from '../../../src/lib/components/learn-kit';

const key = hexToBytes('2b7e151628aed2a6abf7158809cf4f3c');
const iv = hexToBytes('000102030405060708090a0b0c0d0e0f');
const t = encryptTrace({ key, iv, plaintext: utf8ToBytes('0123456789abcdefXYZ') }); // 19 bytes + 13 pad

describe('learn-kit', () => {
  it('names bytes as SP 800-38A does, blocks counted from 1', () => {
    expect(sub(29996)).toBe('₂₉₉₉₆');
    expect(nameOf('p', 21)).toBe('P₂[5]');
    expect(nameOf('c', 15)).toBe('C₁[15]');
    expect(nameOf('iv', 3)).toBe('IV[3]');
  });
  it('marks the PKCS#7 bytes as pad', () => {
    expect(roleOf(t, 'p', 18)).toBe('plain');
    expect(roleOf(t, 'p', 19)).toBe('pad');
    expect(roleOf(t, 'c', 19)).toBe('cipher');
    const wrong = decryptTrace({ key: new Uint8Array(16), iv, ciphertext: t.ciphertext });
    expect(roleOf(wrong, 'p', 31)).toBe('plain'); // a failed check marks no pad
  });
  it('says what a picked byte is, where it came from and what it feeds', () => {
    const ref = { space: 'p' as const, index: 19 };
    const s = say(t, ref, lineage(ref, 32, 'encrypt'));
    expect(s.self).toBe('P₂[3] = 0x0d');
    expect(s.sources).toBe('nothing on this page');
    const x = t.blocks[1].xored[3].toString(16).padStart(2, '0');
    expect(s.feeds.startsWith(`X₂[3] = 0x${x}, C₂[3] = 0x`)).toBe(true);
    expect(s.feeds).toMatch(/base64 chars 46–47 “..”$/);
  });
  it('moves a roving cursor with the arrow keys, 16 to a row', () => {
    const refs = Array.from({ length: 32 }, (_, i) => ({ space: 'p' as const, index: i }));
    expect(moveInGrid('ArrowRight', refs, null, 16)).toEqual(refs[0]);
    expect(moveInGrid('ArrowRight', refs, refs[3], 16)).toEqual(refs[4]);
    expect(moveInGrid('ArrowDown', refs, refs[3], 16)).toEqual(refs[19]);
    expect(moveInGrid('ArrowDown', refs, refs[19], 16)).toEqual(refs[31]);
    expect(moveInGrid('ArrowUp', refs, refs[3], 16)).toEqual(refs[0]);
    expect(moveInGrid('End', refs, refs[3], 16)).toEqual(refs[31]);
    expect(moveInGrid('Escape', refs, refs[3], 16)).toBe(null);
    expect(moveInGrid('a', refs, refs[3], 16)).toBe(undefined);
  });
});
