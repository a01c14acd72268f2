// The engine against the published vectors (tests/vectors/README.md), both directions.
import { describe, expect, it } from 'vitest';
import { createBlockCipher, decryptTrace, encryptTrace, hexToBytes } from '$lib/crypto';
import { FIPS197_BLOCKS } from '../../vectors/fips-197';
import { RFC3602_CBC } from '../../vectors/rfc3602';
import { SP800_38A_CBC, SP800_38A_F21_INPUT_BLOCKS } from '../../vectors/sp800-38a';
import { fromHex, hex } from '../../helpers/oracles';

describe('FIPS-197 appendix C: one block through createBlockCipher', () => {
  for (const v of FIPS197_BLOCKS) {
    it(`${v.source}: Cipher and InvCipher`, () => {
      const aes = createBlockCipher(fromHex(v.key));
      expect(aes.keySize).toBe(v.keySize);
      const out = new Uint8Array(16);
      aes.encryptBlock(fromHex(v.plaintext), 0, out, 0);
      expect(hex(out)).toBe(v.ciphertext);
      aes.decryptBlock(fromHex(v.ciphertext), 0, out, 0);
      expect(hex(out)).toBe(v.plaintext);
    });

    it(`${v.source}: at unaligned offsets inside larger buffers`, () => {
      const aes = createBlockCipher(fromHex(v.key));
      const src = new Uint8Array(37).fill(0xaa);
      src.set(fromHex(v.plaintext), 5);
      const dst = new Uint8Array(40).fill(0x55);
      aes.encryptBlock(src, 5, dst, 11);
      expect(hex(dst.subarray(11, 27))).toBe(v.ciphertext);
      expect(dst.subarray(0, 11).every((b) => b === 0x55)).toBe(true);
      expect(dst.subarray(27).every((b) => b === 0x55)).toBe(true);
    });
  }
});

describe.each([...SP800_38A_CBC, ...RFC3602_CBC])('$source', (v) => {
  const key = fromHex(v.key);
  const iv = fromHex(v.iv);

  it('encrypts to the published ciphertext (padding none)', () => {
    const t = encryptTrace({ key, iv, plaintext: fromHex(v.plaintext), padding: 'none' });
    expect(t.keySize).toBe(v.keySize);
    expect(hex(t.ciphertext)).toBe(v.ciphertext);
    expect(t.padding.padLength).toBe(0);
    expect(t.blocks.map((b) => hex(b.cipherBlock)).join('')).toBe(v.ciphertext);
  });

  it('decrypts the published ciphertext (padding none)', () => {
    const t = decryptTrace({ key, iv, ciphertext: fromHex(v.ciphertext), padding: 'none' });
    expect(t.padding.ok).toBe(true);
    expect(hex(t.plaintext!)).toBe(v.plaintext);
    expect(t.blocks.map((b) => hex(b.plaintextBlock)).join('')).toBe(v.plaintext);
  });

  it('takes the key and IV as the standard prints them (upper-case hex with spaces)', () => {
    const spaced = (s: string) =>
      s
        .toUpperCase()
        .replace(/(.{8})/g, '$1 ')
        .trim();
    const t = encryptTrace({
      key: hexToBytes(spaced(v.key)),
      iv: hexToBytes(spaced(v.iv)),
      plaintext: hexToBytes(v.plaintext),
      padding: 'none'
    });
    expect(hex(t.ciphertext)).toBe(v.ciphertext);
  });
});

it('SP 800-38A F.2.1: the trace shows the printed Input Blocks as `xored`', () => {
  const v = SP800_38A_CBC[0];
  const t = encryptTrace({ key: fromHex(v.key), iv: fromHex(v.iv), plaintext: fromHex(v.plaintext), padding: 'none' });
  expect(t.blocks.map((b) => hex(b.xored))).toEqual(SP800_38A_F21_INPUT_BLOCKS);
  // F.2.2 prints the same Input Blocks as the decryptor's Output Blocks (CIPH⁻¹_K(Cᵢ)).
  const d = decryptTrace({
    key: fromHex(v.key),
    iv: fromHex(v.iv),
    ciphertext: fromHex(v.ciphertext),
    padding: 'none'
  });
  expect(d.blocks.map((b) => hex(b.xored))).toEqual(SP800_38A_F21_INPUT_BLOCKS);
});
