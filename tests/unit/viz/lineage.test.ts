import { describe, expect, it } from 'vitest';
import { lineage } from '../../../src/lib/viz/lineage';

const sorted = (m: Map<string, string>) =>
  Object.fromEntries([...m].sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true })));
const block = (space: string, from: number, except: number) => {
  const o: Record<string, string> = {};
  for (let i = from; i < from + 16; i++) if (i !== except) o[`${space}:${i}`] = 'block';
  return o;
};

describe('lineage, encrypt (2 blocks, 48 wire bytes)', () => {
  it('a plaintext byte feeds its XOR byte, its cipher byte (and via AES its block) and two base64 chars', () => {
    expect(sorted(lineage({ space: 'p', index: 21 }, 32, 'encrypt'))).toEqual({
      ...block('c', 16, 21),
      'b:49': 'feeds',
      'b:50': 'feeds',
      'c:21': 'feeds',
      'p:21': 'self',
      'x:21': 'feeds'
    });
  });
  it('a cipher byte comes from X, P and the IV, and feeds the next block and chars 28-29', () => {
    expect(sorted(lineage({ space: 'c', index: 5 }, 32, 'encrypt'))).toEqual({
      ...block('x', 0, 5),
      'b:28': 'feeds',
      'b:29': 'feeds',
      'c:5': 'self',
      'c:21': 'feeds',
      'iv:5': 'source',
      'p:5': 'source',
      'x:5': 'source',
      'x:21': 'feeds'
    });
  });
  it('a base64 char is carried by the wire bytes whose bits it holds', () => {
    expect(sorted(lineage({ space: 'b', index: 29 }, 32, 'encrypt'))).toEqual({
      'b:29': 'self',
      'c:5': 'source',
      'c:6': 'source'
    });
    expect(sorted(lineage({ space: 'b', index: 1 }, 32, 'encrypt'))).toEqual({
      'b:1': 'self',
      'iv:0': 'source',
      'iv:1': 'source'
    });
  });
  it('an IV byte feeds X₁ and C₁ at its position', () => {
    expect(sorted(lineage({ space: 'iv', index: 3 }, 32, 'encrypt'))).toEqual({
      'b:4': 'feeds',
      'b:5': 'feeds',
      'c:3': 'feeds',
      'iv:3': 'self',
      'x:3': 'feeds'
    });
  });
});

describe('lineage, decrypt: the same bytes, flowing backwards', () => {
  it('a recovered plaintext byte comes from X, its cipher byte and the previous cipher block', () => {
    expect(sorted(lineage({ space: 'p', index: 21 }, 32, 'decrypt'))).toEqual({
      'c:5': 'source',
      'c:21': 'source',
      'p:21': 'self',
      'x:21': 'source'
    });
  });
  it('a cipher byte comes from its base64 chars and feeds X, P and the next block’s P', () => {
    expect(sorted(lineage({ space: 'c', index: 5 }, 32, 'decrypt'))).toEqual({
      ...block('x', 0, 5),
      'b:28': 'source',
      'b:29': 'source',
      'c:5': 'self',
      'p:5': 'feeds',
      'p:21': 'feeds',
      'x:5': 'feeds'
    });
  });
});
