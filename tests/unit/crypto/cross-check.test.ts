// Random cross-checks (fast-check) against node:crypto and node-forge's own AES-CBC.
// 1,500 fast-check cases, every length 0..100 for each key size, and 12 large inputs up to 1 MiB.
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decryptTrace, encryptTrace } from '$lib/crypto';
import { forgeEncrypt, hex, nodeDecrypt, nodeEncrypt } from '../../helpers/oracles';

const keyArb = fc.constantFrom(16, 24, 32).chain((n) => fc.uint8Array({ minLength: n, maxLength: n }));
const ivArb = fc.uint8Array({ minLength: 16, maxLength: 16 });

describe('PKCS#7, lengths 0..100', () => {
  it('encryptTrace = node:crypto = forge; decryptTrace recovers node:crypto ciphertext', () => {
    fc.assert(
      fc.property(keyArb, ivArb, fc.uint8Array({ minLength: 0, maxLength: 100 }), (key, iv, plaintext) => {
        const ours = encryptTrace({ key, iv, plaintext });
        const openssl = nodeEncrypt(key, iv, plaintext);
        expect(hex(ours.ciphertext)).toBe(hex(openssl));
        expect(hex(ours.ciphertext)).toBe(hex(forgeEncrypt(key, iv, plaintext)));
        const back = decryptTrace({ key, iv, ciphertext: openssl });
        expect(back.padding.ok).toBe(true);
        expect(hex(back.plaintext!)).toBe(hex(plaintext));
      }),
      { numRuns: 1000 }
    );
  });

  it('covers every length 0..100 for every key size at least once', () => {
    for (const n of [16, 24, 32]) {
      for (let len = 0; len <= 100; len++) {
        const key = new Uint8Array(randomBytes(n));
        const iv = new Uint8Array(randomBytes(16));
        const plaintext = new Uint8Array(randomBytes(len));
        const ours = encryptTrace({ key, iv, plaintext });
        expect(hex(ours.ciphertext)).toBe(hex(nodeEncrypt(key, iv, plaintext)));
        expect(hex(decryptTrace({ key, iv, ciphertext: ours.ciphertext }).plaintext!)).toBe(hex(plaintext));
      }
    }
  });

  it('text messages, as UTF-8', () => {
    fc.assert(
      fc.property(keyArb, ivArb, fc.string({ unit: 'grapheme', maxLength: 40 }), (key, iv, text) => {
        const plaintext = new TextEncoder().encode(text);
        expect(hex(encryptTrace({ key, iv, plaintext }).ciphertext)).toBe(
          hex(nodeEncrypt(key, iv, Buffer.from(text, 'utf8')))
        );
      }),
      { numRuns: 300 }
    );
  });
});

describe('padding none, whole blocks', () => {
  it('matches node:crypto with setAutoPadding(false), both directions', () => {
    fc.assert(
      fc.property(
        keyArb,
        ivArb,
        fc.integer({ min: 1, max: 7 }),
        fc.uint8Array({ minLength: 112, maxLength: 112 }),
        (key, iv, blocks, bytes) => {
          const plaintext = bytes.subarray(0, blocks * 16);
          const openssl = nodeEncrypt(key, iv, plaintext, false);
          expect(hex(encryptTrace({ key, iv, plaintext, padding: 'none' }).ciphertext)).toBe(hex(openssl));
          const back = decryptTrace({ key, iv, ciphertext: openssl, padding: 'none' });
          expect(hex(back.plaintext!)).toBe(hex(plaintext));
          expect(hex(back.padded)).toBe(hex(nodeDecrypt(key, iv, openssl, false)));
        }
      ),
      { numRuns: 200 }
    );
  });
});

describe('large inputs', () => {
  // 64 KiB exactly (a full pad block), 64 KiB ± a few bytes, and one 1 MiB message.
  const sizes = [65536, 65536 + 7, 65536 - 1, 1 << 20];
  for (const n of [16, 24, 32]) {
    for (const size of sizes) {
      it(`AES-${n * 8}, ${size} bytes`, () => {
        const key = new Uint8Array(randomBytes(n));
        const iv = new Uint8Array(randomBytes(16));
        const plaintext = new Uint8Array(randomBytes(size));
        const ours = encryptTrace({ key, iv, plaintext });
        const openssl = nodeEncrypt(key, iv, plaintext);
        expect(Buffer.compare(ours.ciphertext, openssl)).toBe(0);
        if (size <= 65536 + 16) expect(Buffer.compare(ours.ciphertext, forgeEncrypt(key, iv, plaintext))).toBe(0);
        const back = decryptTrace({ key, iv, ciphertext: openssl });
        expect(Buffer.compare(back.plaintext!, plaintext)).toBe(0);
        expect(ours.blocks.length).toBe(Math.floor(size / 16) + 1);
      });
    }
  }
});
