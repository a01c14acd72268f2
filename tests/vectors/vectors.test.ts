// The vectors themselves, checked against node:crypto (OpenSSL), independent of src/lib/crypto.
import { createCipheriv, createDecipheriv } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { FIPS197_BLOCKS } from './fips-197';
import { RFC3602_CBC } from './rfc3602';
import { SP800_38A_CBC, SP800_38A_F21_INPUT_BLOCKS } from './sp800-38a';

const hex = (s: string) => Buffer.from(s, 'hex');

function run(alg: string, encrypt: boolean, key: string, iv: string | null, data: string): string {
  const c = encrypt
    ? createCipheriv(alg, hex(key), iv === null ? null : hex(iv))
    : createDecipheriv(alg, hex(key), iv === null ? null : hex(iv));
  c.setAutoPadding(false);
  return Buffer.concat([c.update(hex(data)), c.final()]).toString('hex');
}

describe('vector data agrees with OpenSSL', () => {
  for (const v of [...SP800_38A_CBC, ...RFC3602_CBC]) {
    it(v.source, () => {
      const alg = `aes-${v.keySize}-cbc`;
      expect(hex(v.key).length * 8).toBe(v.keySize);
      expect(run(alg, true, v.key, v.iv, v.plaintext)).toBe(v.ciphertext);
      expect(run(alg, false, v.key, v.iv, v.ciphertext)).toBe(v.plaintext);
    });
  }

  for (const v of FIPS197_BLOCKS) {
    it(v.source, () => {
      const alg = `aes-${v.keySize}-ecb`;
      expect(run(alg, true, v.key, null, v.plaintext)).toBe(v.ciphertext);
      expect(run(alg, false, v.key, null, v.ciphertext)).toBe(v.plaintext);
    });
  }

  it('SP 800-38A F.2.1 input blocks are Pᵢ ⊕ Cᵢ₋₁', () => {
    const v = SP800_38A_CBC[0];
    const p = hex(v.plaintext);
    const chain = Buffer.concat([hex(v.iv), hex(v.ciphertext)]);
    const xored = Buffer.from(p.map((b, i) => b ^ chain[i]));
    expect(xored.toString('hex')).toBe(SP800_38A_F21_INPUT_BLOCKS.join(''));
  });

  it('RFC 3602 ASCII plaintexts are the quoted strings', () => {
    expect(hex(RFC3602_CBC[0].plaintext).toString('latin1')).toBe('Single block msg');
    expect(hex(RFC3602_CBC[2].plaintext).toString('latin1')).toBe('This is a 48-byte message (exactly 3 AES blocks)');
  });
});
