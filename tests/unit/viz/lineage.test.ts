// The relations behind /learn's linked highlighting. Expected maps are derived by hand from
// SP 800-38A §6.2 (Xᵢ = Pᵢ ⊕ Cᵢ₋₁, Cᵢ = CIPH_K(Xᵢ)), FIPS-197 §5.1 (each output byte of the
// cipher depends on all 16 input bytes) and RFC 4648 §4 (wire byte w lies in group ⌊w/3⌋, whose
// four characters start at 4⌊w/3⌋).
import { describe, expect, it } from 'vitest';
import { lineage } from '../../../src/lib/viz/lineage';

const sorted = (m: Map<string, string>) =>
  Object.fromEntries([...m].sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true })));
const span = (space: string, from: number, to: number, rel: string) => {
  const o: Record<string, string> = {};
  for (let i = from; i <= to; i++) o[`${space}:${i}`] = rel;
  return o;
};
// 2 blocks: wire = IV (bytes 0–15) ‖ C₁ (16–31) ‖ C₂ (32–47), 64 base64 chars.
// C₁: byte 16 is the 2nd of group 5 (chars 20–23), its bits 8–15 are chars 21–22; byte 31 is the
// 2nd of group 10, chars 41–42. So C₁ is carried by chars 21–42.
// C₂: byte 32 is the 3rd of group 10 (bits 16–23: chars 42–43), byte 47 the 3rd of group 15. Chars 42–63.
const C1_CHARS = span('b', 21, 42, 'feeds');
const C2_CHARS = span('b', 42, 63, 'feeds');

describe('lineage, encrypt (2 blocks, 48 wire bytes)', () => {
  it('a plaintext byte feeds its XOR byte and, through AES, every byte of its C block and their chars', () => {
    expect(sorted(lineage({ space: 'p', index: 21 }, 32, 'encrypt'))).toEqual({
      ...C2_CHARS,
      ...span('c', 16, 31, 'feeds'),
      'p:21': 'self',
      'x:21': 'feeds'
    });
  });
  it('an XOR byte comes from its P byte and chain byte, and feeds all of its C block', () => {
    expect(sorted(lineage({ space: 'x', index: 5 }, 32, 'encrypt'))).toEqual({
      ...C1_CHARS,
      ...span('c', 0, 15, 'feeds'),
      'iv:5': 'source',
      'p:5': 'source',
      'x:5': 'self'
    });
  });
  it('a cipher byte comes from all of X₁ (so all of P₁ and the IV), and feeds X₂ at its place and all of C₂', () => {
    expect(sorted(lineage({ space: 'c', index: 5 }, 32, 'encrypt'))).toEqual({
      ...span('iv', 0, 15, 'source'),
      ...span('p', 0, 15, 'source'),
      ...span('x', 0, 15, 'source'),
      // C₁[5] is wire byte 21, the 1st of group 7: chars 28–29
      'b:28': 'feeds',
      'b:29': 'feeds',
      ...C2_CHARS,
      ...span('c', 16, 31, 'feeds'),
      'c:5': 'self',
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
  it('an IV byte feeds X₁ at its position and, through AES, all of C₁', () => {
    expect(sorted(lineage({ space: 'iv', index: 3 }, 32, 'encrypt'))).toEqual({
      ...C1_CHARS,
      // IV[3] is wire byte 3, the 1st of group 1: chars 4–5
      'b:4': 'feeds',
      'b:5': 'feeds',
      ...span('c', 0, 15, 'feeds'),
      'iv:3': 'self',
      'x:3': 'feeds'
    });
  });
});

describe('lineage, decrypt: the same bytes, flowing backwards', () => {
  it('a recovered plaintext byte comes from its X byte, all of its C block (AES⁻¹) and the chain byte', () => {
    expect(sorted(lineage({ space: 'p', index: 21 }, 32, 'decrypt'))).toEqual({
      'c:5': 'source',
      ...span('c', 16, 31, 'source'),
      'p:21': 'self',
      'x:21': 'source'
    });
  });
  it('a cipher byte comes from its base64 chars and feeds all of X₁ and P₁, and P₂ at its place', () => {
    expect(sorted(lineage({ space: 'c', index: 5 }, 32, 'decrypt'))).toEqual({
      'b:28': 'source',
      'b:29': 'source',
      'c:5': 'self',
      ...span('p', 0, 15, 'feeds'),
      'p:21': 'feeds',
      ...span('x', 0, 15, 'feeds')
    });
  });
  it('a base64 char feeds the wire bytes it carries', () => {
    expect(sorted(lineage({ space: 'b', index: 29 }, 32, 'decrypt'))).toEqual({
      'b:29': 'self',
      'c:5': 'feeds',
      'c:6': 'feeds'
    });
  });
});
