// Lesson 5's checks (src/lib/lessons/iv-reuse/checks.ts): the number of equal leading blocks is
// read off node:crypto's ciphertexts under one IV (and under two), the XOR byte worked by hand.
import { describe, expect, it } from 'vitest';
import { createCipheriv } from 'node:crypto';
import { encryptTrace, utf8ToBytes } from '../../../src/lib/crypto';
import { ivChecks } from '../../../src/lib/lessons/iv-reuse/checks';

const KEY = Buffer.from('2b7e151628aed2a6abf7158809cf4f3c', 'hex');
const IV = Buffer.from('000102030405060708090a0b0c0d0e0f', 'hex');
const IV2 = Buffer.from('f0e0d0c0b0a090807060504030201000', 'hex');

function equalLeadingCipher(a: string, b: string, ivA: Buffer, ivB: Buffer): number {
  const seal = (m: string, iv: Buffer) => {
    const c = createCipheriv('aes-128-cbc', KEY, iv);
    return Buffer.concat([c.update(m, 'utf8'), c.final()]);
  };
  const ca = seal(a, ivA);
  const cb = seal(b, ivB);
  let n = 0;
  while (
    n * 16 < Math.min(ca.length, cb.length) &&
    ca.subarray(n * 16, n * 16 + 16).equals(cb.subarray(n * 16, n * 16 + 16))
  )
    n++;
  return n;
}

const trace = (m: string, iv: Buffer) => encryptTrace({ key: KEY, iv, plaintext: utf8ToBytes(m) });

describe('ivChecks', () => {
  for (const [a, b] of [
    ['transfer $100 to alice, ref 2024-01', 'transfer $100 to alice, ref 2024-02'],
    ['hello', 'world'],
    ['same message, twice', 'same message, twice'],
    ['sixteen bytes!!!', 'sixteen bytes!!!and more']
  ]) {
    it(`"${a}" / "${b}": the counts node:crypto's ciphertexts show`, () => {
      const qs = ivChecks(trace(a, IV), trace(b, IV));
      expect(qs[0].answer).toBe(equalLeadingCipher(a, b, IV, IV));
      expect(qs[1].answer).toBe(equalLeadingCipher(a, b, IV, IV2));
      const k = qs[2].byte!;
      const p = Buffer.from(a, 'utf8')[k] ?? 16 - (Buffer.byteLength(a) % 16);
      expect(qs[2].answer).toBe((p ^ IV[k]).toString(16).padStart(2, '0'));
    });
  }
});
