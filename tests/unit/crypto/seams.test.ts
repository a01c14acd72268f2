// The two seams to third-party crypto, each against node:crypto (OpenSSL) on random inputs:
// src/lib/crypto/forge-aes.ts (node-forge's public AES-CBC/ECB, padding off) and
// src/lib/crypto/suite-crypto.ts (@noble HMAC-SHA256, AES-GCM). And node-forge is reached
// through its seam only, and never through its private block functions.
import { createCipheriv, createHmac, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { forgeBlock, forgeCbc } from '$lib/crypto/forge-aes';
import { gcmOpen, gcmSeal, hmacSha256 } from '$lib/crypto/suite-crypto';
import { hex, nodeBlocks, nodeDecrypt, nodeEncrypt } from '../../helpers/oracles';

const keyArb = fc.constantFrom(16, 24, 32).chain((n) => fc.uint8Array({ minLength: n, maxLength: n }));
const blocksArb = fc.integer({ min: 0, max: 40 }).chain((n) => fc.uint8Array({ minLength: 16 * n, maxLength: 16 * n }));
const ivArb = fc.uint8Array({ minLength: 16, maxLength: 16 });

describe('forge-aes.ts equals node:crypto', () => {
  it('AES-CBC without padding, both directions', () => {
    fc.assert(
      fc.property(keyArb, ivArb, blocksArb, (key, iv, data) => {
        expect(forgeCbc('encrypt', key, iv, data)).toEqual(nodeEncrypt(key, iv, data, false));
        expect(forgeCbc('decrypt', key, iv, data)).toEqual(nodeDecrypt(key, iv, data, false));
      }),
      { numRuns: 200 }
    );
  });

  it('AES-CBC past its 64 KiB pieces (200,000 bytes)', () => {
    const key = new Uint8Array(randomBytes(32));
    const iv = new Uint8Array(randomBytes(16));
    const data = new Uint8Array(randomBytes(200_000 - (200_000 % 16)));
    // compared as hex: toEqual walks a 200 KB array element by element
    expect(hex(forgeCbc('encrypt', key, iv, data))).toBe(hex(nodeEncrypt(key, iv, data, false)));
    expect(hex(forgeCbc('decrypt', key, iv, data))).toBe(hex(nodeDecrypt(key, iv, data, false)));
  });

  it('the block function (AES-ECB), many calls on one key, at offsets', () => {
    fc.assert(
      fc.property(keyArb, blocksArb, fc.integer({ min: 0, max: 7 }), (key, data, at) => {
        const aes = forgeBlock(key);
        const n = data.length / 16;
        const enc = new Uint8Array(data.length + at);
        const dec = new Uint8Array(data.length);
        for (let b = 0; b < n; b++) aes.run('encrypt', data, 16 * b, enc, at + 16 * b, 1);
        expect(enc.subarray(at)).toEqual(nodeBlocks(key, data));
        aes.run('decrypt', enc, at, dec, 0, n);
        expect(dec).toEqual(data);
      }),
      { numRuns: 100 }
    );
  });
});

describe('suite-crypto.ts equals node:crypto', () => {
  it('HMAC-SHA256 over parts', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 80 }),
        fc.array(fc.uint8Array({ maxLength: 50 }), { maxLength: 4 }),
        (key, parts) => {
          const h = createHmac('sha256', key);
          for (const p of parts) h.update(p);
          expect(hmacSha256(key, ...parts)).toEqual(new Uint8Array(h.digest()));
        }
      ),
      { numRuns: 100 }
    );
  });

  it('AES-GCM seal, open, and a bad tag opens to nothing', () => {
    fc.assert(
      fc.property(
        keyArb,
        fc.uint8Array({ minLength: 12, maxLength: 12 }),
        fc.uint8Array({ maxLength: 20 }),
        fc.uint8Array({ maxLength: 100 }),
        (key, nonce, aad, plaintext) => {
          const c = createCipheriv(`aes-${key.length * 8}-gcm` as 'aes-128-gcm', key, nonce);
          c.setAAD(aad);
          const ct = new Uint8Array(Buffer.concat([c.update(plaintext), c.final()]));
          const tag = new Uint8Array(c.getAuthTag());
          expect(gcmSeal(key, nonce, aad, plaintext)).toEqual({ ciphertext: ct, tag });
          expect(gcmOpen(key, nonce, aad, ct, tag)).toEqual(plaintext);
          const bad = tag.slice();
          bad[0] ^= 1;
          expect(gcmOpen(key, nonce, aad, ct, bad)).toBeNull();
        }
      ),
      { numRuns: 100 }
    );
  });
});

describe('node-forge behind one file', () => {
  const ROOT = new URL('../../../', import.meta.url).pathname;
  const files = (dir: string): string[] =>
    readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? files(`${dir}/${e.name}`) : /\.(ts|js|svelte)$/.test(e.name) ? [`${dir}/${e.name}`] : []
    );

  it('only src/lib/crypto/forge-aes.ts imports it, and nothing calls its private functions', () => {
    const importers: string[] = [];
    for (const f of [...files('src'), ...files('server')]) {
      const text = readFileSync(join(ROOT, f), 'utf8');
      if (/from ['"]node-forge|import ['"]node-forge|require\(['"]node-forge/.test(text)) importers.push(f);
      expect(text, f).not.toMatch(/_expandKey|_updateBlock/);
    }
    expect(importers).toEqual(['src/lib/crypto/forge-aes.ts']);
  });
});
