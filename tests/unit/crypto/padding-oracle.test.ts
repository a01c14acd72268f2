// Lesson 2's maths: the attack recovers random plaintexts (random key, random length) with an
// oracle built on node:crypto (decipher with autopadding: final() throws on bad padding), at most
// 256 queries per byte, and learns nothing from an oracle that does not depend on the padding.
import fc from 'fast-check';
import { createDecipheriv } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { paddingOracleAttack, localOracle, type AttackEvent, type PaddingOracle } from '$lib/crypto/padding-oracle';
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
