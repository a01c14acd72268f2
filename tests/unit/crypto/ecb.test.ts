// ECB (lesson 4's anti-example) and the resumable raw CBC the picture lesson uses, against
// node:crypto's aes-xxx-ecb and aes-xxx-cbc.
import { createCipheriv } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { blockRepeats, cbcEncryptBlocks, ecbDecrypt, ecbEncrypt, ecbEncryptBlocks } from '$lib/crypto/ecb';
import { createBlockCipher, CryptoError } from '$lib/crypto';

const keyArb = fc.constantFrom(16, 24, 32).chain((n) => fc.uint8Array({ minLength: n, maxLength: n }));
const blocksArb = fc.integer({ min: 0, max: 12 }).chain((n) => fc.uint8Array({ minLength: 16 * n, maxLength: 16 * n }));
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

function nodeRaw(mode: 'ecb' | 'cbc', key: Uint8Array, data: Uint8Array, iv: Uint8Array | null = null): Uint8Array {
  const c = createCipheriv(`aes-${key.length * 8}-${mode}`, key, iv);
  c.setAutoPadding(false);
  return new Uint8Array(Buffer.concat([c.update(data), c.final()]));
}

describe('ecbEncrypt', () => {
  it('equals node:crypto aes-xxx-ecb (no padding) for every key size, and decrypts back', () => {
    fc.assert(
      fc.property(keyArb, blocksArb, (key, pt) => {
        const ours = ecbEncrypt(key, pt);
        expect(hex(ours)).toBe(hex(nodeRaw('ecb', key, pt)));
        expect(hex(ecbDecrypt(key, ours))).toBe(hex(pt));
      }),
      { numRuns: 300 }
    );
  });

  it('SP 800-38A F.1.1 ECB-AES128.Encrypt', () => {
    const key = Buffer.from('2b7e151628aed2a6abf7158809cf4f3c', 'hex');
    const pt = Buffer.from('6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51', 'hex');
    expect(hex(ecbEncrypt(key, pt))).toBe('3ad77bb40d7a3660a89ecaf32466ef97f5d3d58503b9699de785895a96fdbaaf');
  });

  it('equal plaintext blocks give equal ciphertext blocks, wherever they sit', () => {
    fc.assert(
      fc.property(
        keyArb,
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
        fc.array(fc.boolean(), { minLength: 2, maxLength: 10 }),
        (key, block, pattern) => {
          // a message of `pattern.length` blocks: `block` where true, a distinct filler elsewhere
          const pt = new Uint8Array(16 * pattern.length);
          pattern.forEach((same, i) => (same ? pt.set(block, 16 * i) : pt.fill(i + 1, 16 * i, 16 * i + 16)));
          const ct = ecbEncrypt(key, pt);
          const at = pattern.flatMap((same, i) => (same ? [hex(ct.subarray(16 * i, 16 * i + 16))] : []));
          expect(new Set(at).size).toBeLessThanOrEqual(1);
        }
      ),
      { numRuns: 200 }
    );
  });

  it('rejects a length that is not whole blocks with ERR_PLAINTEXT_LENGTH', () => {
    expect(() => ecbEncrypt(new Uint8Array(16), new Uint8Array(17))).toThrow(CryptoError);
    try {
      ecbEncrypt(new Uint8Array(16), new Uint8Array(17));
    } catch (e) {
      expect((e as CryptoError).code).toBe('ERR_PLAINTEXT_LENGTH');
    }
  });
});

describe('chunked ECB and CBC (the picture lesson encrypts in slices)', () => {
  it('any split into consecutive ranges equals node:crypto over the whole input', () => {
    fc.assert(
      fc.property(
        keyArb,
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
        fc
          .integer({ min: 1, max: 20 })
          .chain((n) =>
            fc.tuple(
              fc.uint8Array({ minLength: 16 * n, maxLength: 16 * n }),
              fc.array(fc.integer({ min: 0, max: n }), { maxLength: 5 })
            )
          ),
        (key, iv, [pt, cuts]) => {
          const n = pt.length / 16;
          const bounds = [0, ...cuts.sort((a, b) => a - b), n];
          const aes = createBlockCipher(key);
          const ecb = new Uint8Array(pt.length);
          const cbc = new Uint8Array(pt.length);
          for (let i = 0; i + 1 < bounds.length; i++) {
            ecbEncryptBlocks(aes, pt, ecb, bounds[i], bounds[i + 1]);
            cbcEncryptBlocks(aes, iv, pt, cbc, bounds[i], bounds[i + 1]);
          }
          expect(hex(ecb)).toBe(hex(nodeRaw('ecb', key, pt)));
          expect(hex(cbc)).toBe(hex(nodeRaw('cbc', key, pt, iv)));
        }
      ),
      { numRuns: 200 }
    );
  });
});

describe('blockRepeats', () => {
  it('a flat picture repeats under ECB and not under CBC', () => {
    const key = new Uint8Array(16).fill(7);
    const iv = new Uint8Array(16).fill(9);
    const pt = new Uint8Array(16 * 64).fill(255);
    pt.fill(0, 16 * 10, 16 * 20);
    const ecb = blockRepeats(ecbEncrypt(key, pt));
    expect(ecb).toMatchObject({ blocks: 64, distinct: 2, repeated: 64 });
    expect(ecb.top?.count).toBe(54);
    const cbc = new Uint8Array(pt.length);
    cbcEncryptBlocks(createBlockCipher(key), iv, pt, cbc, 0, 64);
    expect(blockRepeats(cbc)).toMatchObject({ blocks: 64, distinct: 64, repeated: 0 });
  });

  it('counts distinct blocks exactly', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 30 }), (ids) => {
        const bytes = new Uint8Array(16 * ids.length);
        ids.forEach((v, i) => bytes.fill(v, 16 * i, 16 * i + 16));
        const r = blockRepeats(bytes);
        const counts = new Map<number, number>();
        for (const v of ids) counts.set(v, (counts.get(v) ?? 0) + 1);
        expect(r.distinct).toBe(counts.size);
        expect(r.repeated).toBe([...counts.values()].filter((c) => c > 1).reduce((a, c) => a + c, 0));
      })
    );
  });
});
