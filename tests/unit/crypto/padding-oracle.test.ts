// Lesson 2's maths: the attack recovers random plaintexts (random key, random length) with an
// oracle built on node:crypto (decipher with autopadding: final() throws on bad padding), at most
// 256 queries per byte, and learns nothing from an oracle that does not depend on the padding.
import fc from 'fast-check';
import { createDecipheriv } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  paddingOracleAttack,
  localOracle,
  type AttackEvent,
  type BatchOracle,
  type PaddingOracle
} from '$lib/crypto/padding-oracle';
import { hex, nodeDecrypt, nodeEncrypt } from '../../helpers/oracles';

/** OpenSSL's verdict: the decipher with autopadding either finishes or throws "bad decrypt". */
function opensslOracle(key: Uint8Array): PaddingOracle & { calls: number } {
  const f = async (iv: Uint8Array, ciphertext: Uint8Array) => {
    f.calls++;
    const d = createDecipheriv(`aes-${key.length * 8}-cbc`, key, iv);
    try {
      d.update(ciphertext);
      d.final();
      return true;
    } catch {
      return false;
    }
  };
  f.calls = 0;
  return f;
}

const keyArb = fc.constantFrom(16, 24, 32).chain((n) => fc.uint8Array({ minLength: n, maxLength: n }));
const ivArb = fc.uint8Array({ minLength: 16, maxLength: 16 });

describe('padding oracle attack', () => {
  it('recovers a random plaintext without the key, ≤ 256 queries per byte', async () => {
    await fc.assert(
      fc.asyncProperty(keyArb, ivArb, fc.uint8Array({ minLength: 0, maxLength: 40 }), async (key, iv, msg) => {
        const c = nodeEncrypt(key, iv, msg);
        const oracle = opensslOracle(key);
        const perByte = new Map<string, number>();
        const r = await paddingOracleAttack({
          iv,
          ciphertext: c,
          oracle,
          onEvent: (e) => {
            if (e.type === 'guess') perByte.set(`${e.block}.${e.byte}`, e.byteQueries);
          }
        });
        expect(r.ok).toBe(true);
        if (!r.ok) return;
        expect(hex(r.plaintext!)).toBe(hex(msg));
        expect(hex(r.padded)).toBe(hex(nodeDecrypt(key, iv, c, false)));
        expect(r.queries).toBe(oracle.calls);
        expect(r.maxByteQueries).toBeLessThanOrEqual(256);
        expect(Math.max(...perByte.values())).toBeLessThanOrEqual(256);
        expect(perByte.size).toBe(c.length); // every byte of every block was attacked
      }),
      { numRuns: 25 }
    );
  }, 120_000);

  it('handles the last-byte false positive: a block whose I ⊕ X can end in 02 02', async () => {
    // Plant it: choose P₁ (index 0) so that with X[0..14] = 0 the decrypted byte 14 is 0x02, i.e.
    // I[14] = 0x02. Then X[15] = I[15] ⊕ 02 is also accepted for byte 15; with I[15] = 0x02 that
    // false value (0x00) is tried before the true one (0x03), and the recheck must refute it.
    const key = new Uint8Array(16).fill(0x2b);
    const iv = new Uint8Array(16).fill(0x11);
    for (let tries = 0; tries < 5; tries++) {
      const msg = new Uint8Array(16 + tries).fill(0x41 + tries);
      // I₁ = P₁ ⊕ IV (C₀)
      msg[14] = 0x02 ^ iv[14];
      msg[15] = 0x02 ^ iv[15];
      const c = nodeEncrypt(key, iv, msg);
      const events: AttackEvent[] = [];
      const r = await paddingOracleAttack({
        iv,
        ciphertext: c,
        oracle: opensslOracle(key),
        onEvent: (e) => void events.push(e)
      });
      expect(r.ok && hex(r.plaintext!)).toBe(hex(msg));
      const rechecks = events.filter((e) => e.type === 'guess' && e.recheck);
      expect(rechecks.length).toBeGreaterThanOrEqual(1);
      // one of the hits on byte 15 was refuted (the 02 02 one)
      expect(rechecks.some((e) => e.type === 'guess' && !e.valid)).toBe(true);
      const b15 = events.filter((e) => e.type === 'guess' && e.block === 0 && e.byte === 15);
      expect(b15.map((e) => e.type === 'guess' && [e.guess, e.valid, e.recheck])).toEqual([
        [0, true, false],
        [0, false, true],
        [1, false, false],
        [2, false, false],
        [3, true, false]
      ]);
      expect(b15.length).toBeLessThanOrEqual(256);
    }
  });

  it('every event carries the block, byte, guess, verdict, running count and I so far', async () => {
    const key = new Uint8Array(16).fill(1);
    const iv = new Uint8Array(16).fill(2);
    const c = nodeEncrypt(key, iv, new TextEncoder().encode('hi'));
    const events: AttackEvent[] = [];
    await paddingOracleAttack({ iv, ciphertext: c, oracle: opensslOracle(key), onEvent: (e) => void events.push(e) });
    const guesses = events.filter((e) => e.type === 'guess');
    guesses.forEach((e, i) => expect(e.queries).toBe(i + 1));
    const bytes = events.filter((e) => e.type === 'byte');
    expect(bytes.map((e) => e.byte)).toEqual([15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
    const last = guesses[guesses.length - 1];
    expect(last.type === 'guess' && last.intermediate.filter((v) => v !== null).length).toBe(15);
    expect(events[events.length - 1].type).toBe('block');
  });

  it('against an oracle that answers the same for everything (a MAC checked first), nothing is recovered', async () => {
    const key = new Uint8Array(16).fill(1);
    const iv = new Uint8Array(16).fill(2);
    const c = nodeEncrypt(key, iv, new TextEncoder().encode('the MAC says no to every tampered frame'));
    let calls = 0;
    const r = await paddingOracleAttack({ iv, ciphertext: c, oracle: async () => (calls++, false) });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r).toMatchObject({ block: 0, byte: 15, reason: 'no-valid-guess', queries: 256 });
    // the index is 0-based; the message counts blocks from 1, as SP 800-38A §6.2 does
    expect(r.message).toMatch(/^block 1 of 3, byte 15: none of the 256 values was accepted/);
    expect(r.recovered.length).toBe(0);
    expect(calls).toBe(256);
  });

  describe('in batches (a network attacker pipelining its guesses)', () => {
    /** openssl's verdicts, n at a time; counts the queries and the requests */
    function batched(key: Uint8Array, size: number) {
      const one = opensslOracle(key);
      const stats = { requests: 0, queries: 0, sizes: [] as number[] };
      const oracle: BatchOracle = async (ivs, ct) => {
        stats.requests++;
        stats.sizes.push(ivs.length);
        const out = [];
        for (const x of ivs) out.push({ valid: (await one(x, ct)) as boolean, answer: 'openssl' });
        return out;
      };
      return { one, stats, batch: { size, oracle } };
    }

    it('recovers the same plaintext, counts every query sent, and stays ≤ 256 per byte', async () => {
      await fc.assert(
        fc.asyncProperty(
          keyArb,
          ivArb,
          fc.uint8Array({ minLength: 0, maxLength: 40 }),
          fc.integer({ min: 1, max: 64 }),
          async (key, iv, msg, size) => {
            const c = nodeEncrypt(key, iv, msg);
            const b = batched(key, size);
            const perByte = new Map<string, number>();
            const r = await paddingOracleAttack({
              iv,
              ciphertext: c,
              oracle: async (x, ct) => (b.stats.queries++, b.one(x, ct)),
              batch: b.batch,
              onEvent: (e) => {
                if (e.type === 'guess') perByte.set(`${e.block}.${e.byte}`, e.byteQueries);
              }
            });
            expect(r.ok).toBe(true);
            if (!r.ok) return;
            expect(hex(r.padded)).toBe(hex(nodeDecrypt(key, iv, c, false)));
            // openssl answered every query: the single ones and each batch's
            expect(r.queries).toBe(b.one.calls);
            expect(b.stats.sizes.every((n) => n >= 1 && n <= size)).toBe(true);
            expect(Math.max(...perByte.values())).toBeLessThanOrEqual(256);
            expect(r.maxByteQueries).toBeLessThanOrEqual(256);
          }
        ),
        { numRuns: 25 }
      );
    }, 120_000);

    it('16 at a time: about 16 times fewer round trips than one at a time', async () => {
      const key = new Uint8Array(16).fill(7);
      const iv = new Uint8Array(16).fill(9);
      const c = nodeEncrypt(key, iv, new TextEncoder().encode('sixteen bytes!!!'));
      const serial = opensslOracle(key);
      const r1 = await paddingOracleAttack({ iv, ciphertext: c, oracle: serial });
      const b = batched(key, 16);
      let singles = 0;
      const r2 = await paddingOracleAttack({
        iv,
        ciphertext: c,
        oracle: async (x, ct) => (singles++, b.one(x, ct)),
        batch: b.batch
      });
      expect(r1.ok && r2.ok && hex(r2.padded)).toBe(r1.ok && hex(r1.padded));
      // each byte costs at most one batch of 16 more than one at a time, plus nothing else
      expect(r2.queries).toBeGreaterThanOrEqual(r1.queries);
      expect(r2.queries).toBeLessThanOrEqual(r1.queries + 32 * 15);
      expect(b.stats.requests + singles).toBeLessThan(r1.queries / 8);
    });

    it('the false positive on byte 15 is still refuted, within 256 queries', async () => {
      const key = new Uint8Array(16).fill(0x2b);
      const iv = new Uint8Array(16).fill(0x11);
      const msg = new Uint8Array(16).fill(0x41);
      msg[14] = 0x02 ^ iv[14];
      msg[15] = 0x02 ^ iv[15];
      const c = nodeEncrypt(key, iv, msg);
      const b = batched(key, 16);
      const events: AttackEvent[] = [];
      const r = await paddingOracleAttack({
        iv,
        ciphertext: c,
        oracle: b.one,
        batch: b.batch,
        onEvent: (e) => void events.push(e)
      });
      expect(r.ok && hex(r.plaintext!)).toBe(hex(msg));
      const b15 = events.filter((e) => e.type === 'guess' && e.block === 0 && e.byte === 15);
      // the first batch (guesses 0…15) holds both hits, 0 (the 02 02 pad) and 3; the recheck of 0 fails
      expect(b15.slice(0, 4).map((e) => e.type === 'guess' && [e.guess, e.valid, e.recheck])).toEqual([
        [0, true, false],
        [1, false, false],
        [2, false, false],
        [3, true, false]
      ]);
      expect(b15.filter((e) => e.type === 'guess' && e.recheck).map((e) => e.type === 'guess' && e.valid)).toEqual([
        false
      ]);
      expect(b15.length).toBe(17);
      expect(events.find((e) => e.type === 'byte' && e.byte === 15)).toMatchObject({ intermediate: 0x02 });
    });

    it('a MAC-first oracle in batches: 256 queries for the first byte, then nothing recovered', async () => {
      let calls = 0;
      const r = await paddingOracleAttack({
        iv: new Uint8Array(16),
        ciphertext: new Uint8Array(32),
        oracle: async () => (calls++, { valid: false, answer: 'ERR_BAD_MAC' }),
        batch: { size: 16, oracle: async (ivs) => ivs.map(() => (calls++, { valid: false, answer: 'ERR_BAD_MAC' })) }
      });
      expect(r).toMatchObject({ ok: false, block: 0, byte: 15, reason: 'no-valid-guess', queries: 256 });
      expect(calls).toBe(256);
    });
  });

  it('stops when aborted', async () => {
    const key = new Uint8Array(16).fill(1);
    const c = nodeEncrypt(key, new Uint8Array(16), new Uint8Array(30));
    const ac = new AbortController();
    const oracle = localOracle((iv, ct) => nodeDecrypt(key, iv, ct, false));
    const r = await paddingOracleAttack({
      iv: new Uint8Array(16),
      ciphertext: c,
      oracle,
      signal: ac.signal,
      onEvent: (e) => {
        if (e.type === 'guess' && e.queries === 50) ac.abort();
      }
    });
    expect(r).toMatchObject({ ok: false, reason: 'aborted' });
  });
});
