// The /learn components' pure helpers: byte names, roles, the sentence for a picked byte and the
// roving arrow-key cursor inside a picture.
import { createCipheriv } from 'node:crypto';
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
  it('says what a picked byte is, where it came from and what it feeds: all of its C block', () => {
    // node:crypto as the reference: C₁ of the same message, and the wire form
    const c = createCipheriv('aes-128-cbc', key, iv);
    const ct = Buffer.concat([c.update('0123456789abcdefXYZ'), c.final()]);
    const wire = Buffer.concat([iv, ct]).toString('base64');
    const ref = { space: 'p' as const, index: 19 };
    const s = say(t, ref, lineage(ref, 32, 'encrypt'));
    expect(s.self).toBe('P₂[3] = 0x0d');
    // a pad byte comes from the PKCS#7 stage: 32 − 19 = 13 bytes of 0x0d (RFC 5652 §6.3)
    expect(s.sources).toBe('');
    expect(s.from).toEqual({ text: 'the PKCS#7 pad: 13 bytes of 0x0d', stage: 'pad' });
    const x = (0x0d ^ ct[3]).toString(16).padStart(2, '0'); // X₂[3] = P₂[3] ⊕ C₁[3]
    // C₂ is wire bytes 32–47, carried by chars 42–63 (RFC 4648 §4)
    expect(s.feeds).toBe(`X₂[3] = 0x${x}, all 16 bytes of C₂, base64 chars 42–63 “${wire.slice(42)}”`);
    expect(s.to).toBe(null); // the last block: no block after it
  });
  it('names the character a plaintext byte was typed as, and links the AES of its block', () => {
    const cafe = encryptTrace({ key, iv, plaintext: utf8ToBytes('Café') }); // 43 61 66 c3 a9 + 11 × 0b
    const ref = { space: 'p' as const, index: 4 };
    const s = say(cafe, ref, lineage(ref, 16, 'encrypt'));
    expect(s.self).toBe('P₁[4] = 0xa9');
    expect(s.from).toEqual({ text: 'the character “é” (byte 2 of its 2)', stage: 'text' });
    expect(s.feeds.startsWith('X₁[4] = 0xad, all 16 bytes of C₁, base64 chars ')).toBe(true); // 0xa9 ⊕ IV[4] = 0xa9 ⊕ 0x04
    // X₁ = P₁ ⊕ IV by hand; bit 32 is the top bit of byte 4 (the lesson counts bits from the left)
    const x1 = Buffer.from('436166c3a90b0b0b0b0b0b0b0b0b0b0b', 'hex').map((b, j) => b ^ j);
    expect(s.aes?.href).toBe(
      `/lessons/aes-rounds?key=2b7e151628aed2a6abf7158809cf4f3c&block=${Buffer.from(x1).toString('hex')}&bit=32`
    );
    expect(s.aes?.text).toContain('all of C₁');
  });
  it('decrypting, says which character a recovered byte becomes', () => {
    const d = decryptTrace({ key, iv, ciphertext: t.ciphertext });
    const ref = { space: 'p' as const, index: 16 };
    const s = say(d, ref, lineage(ref, 32, 'decrypt'));
    expect(s.self).toBe('P₂[0] = 0x58');
    expect(s.sources).toMatch(/^X₂\[0\] = 0x[0-9a-f]{2}, C₁\[0\] = 0x[0-9a-f]{2}, all 16 bytes of C₂$/);
    expect(s.sources).toContain('X₂[0] = 0x');
    expect(s.sources).toContain('all 16 bytes of C₂');
    expect(s.to).toEqual({ text: 'the character “X”', stage: 'text' });
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
