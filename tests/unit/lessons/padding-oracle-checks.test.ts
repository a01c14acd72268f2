// Lesson 2's checks (src/lib/lessons/padding-oracle/checks.ts): the intermediate block comes from
// node:crypto here (AES-128-ECB decryption of each Cᵢ with padding off, what the attack recovers),
// and every answer is worked out by hand from it (Pᵢ = Iᵢ ⊕ Cᵢ₋₁; a forged byte = I ⊕ pad).
import { describe, expect, it } from 'vitest';
import { createCipheriv, createDecipheriv } from 'node:crypto';
import { oracleChecks } from '../../../src/lib/lessons/padding-oracle/checks';
import { check } from '../../../src/lib/quiz';

const KEY = Buffer.from('2b7e151628aed2a6abf7158809cf4f3c', 'hex');
const IV = Buffer.from('000102030405060708090a0b0c0d0e0f', 'hex');
const TEXT = 'PIN 4071: meet at the north gate';

function sealed() {
  const c = createCipheriv('aes-128-cbc', KEY, IV);
  const ct = Buffer.concat([c.update(TEXT, 'utf8'), c.final()]);
  const d = createDecipheriv('aes-128-ecb', KEY, null).setAutoPadding(false);
  const I = Buffer.concat([d.update(ct), d.final()]);
  const padLen = ct.length - Buffer.byteLength(TEXT);
  const padded = Buffer.concat([Buffer.from(TEXT), Buffer.alloc(padLen, padLen)]);
  return { ct, I, padded };
}

describe('oracleChecks', () => {
  it('three questions whose answers follow from I and the captured blocks, for many seeds', () => {
    const { ct, I, padded } = sealed();
    for (let s = 0; s < 40; s++) {
      const qs = oracleChecks(IV, ct, I, `seed ${s}`);
      expect(qs.map((q) => q.kind)).toEqual(['oracle-plaintext', 'oracle-forge-01', 'oracle-forge-0202']);
      const i = qs[0].block!;
      const k = qs[0].byte!;
      // P from the plaintext itself: the attack's I ⊕ the previous block gives the message back
      expect(qs[0].answer).toBe(padded[(i - 1) * 16 + k].toString(16).padStart(2, '0'));
      const Ii = I.subarray((i - 1) * 16, i * 16);
      expect(qs[1].answer).toBe((Ii[15] ^ 1).toString(16).padStart(2, '0'));
      expect(qs[2].answer).toBe(
        (Ii[14] ^ 2).toString(16).padStart(2, '0') + (Ii[15] ^ 2).toString(16).padStart(2, '0')
      );
      expect(check(qs[0], `0x${String(qs[0].answer).toUpperCase()}`).correct).toBe(true);
      expect(check(qs[2], String(qs[2].answer).replace(/(..)(..)/, '$1 $2')).correct).toBe(true);
      expect(check(qs[1], '00').correct).toBe(qs[1].answer === '00');
    }
  });

  it('names C₀ the IV when it asks about block 1, and asks nothing when nothing was recovered', () => {
    const { ct, I } = sealed();
    const one = Array.from({ length: 60 }, (_, s) => oracleChecks(IV, ct, I, `s${s}`)).find((q) => q[0].block === 1)!;
    expect(one[0].question).toContain('The captured IV[');
    expect(one[1].question).toContain('IV′[15]');
    expect(oracleChecks(IV, ct, new Uint8Array(0), 'x')).toEqual([]);
  });

  it('the same seed asks the same questions', () => {
    const { ct, I } = sealed();
    expect(oracleChecks(IV, ct, I, 'a')).toEqual(oracleChecks(IV, ct, I, 'a'));
  });
});
