// Lesson 6's checks (src/lib/lessons/diagnose/checks.ts): the blocks a wrong key and a wrong IV
// garble, as node:crypto's decryption of a real ciphertext shows them.
import { describe, expect, it } from 'vitest';
import { createCipheriv, createDecipheriv } from 'node:crypto';
import { diagnoseChecks } from '../../../src/lib/lessons/diagnose/checks';
import type { Reading } from '../../../src/lib/crypto/diagnose/reading';

const KEY = Buffer.from('2b7e151628aed2a6abf7158809cf4f3c', 'hex');
const IV = Buffer.from('000102030405060708090a0b0c0d0e0f', 'hex');

function wrongBlocks(ct: Buffer, key: Buffer, iv: Buffer, good: Buffer): number[] {
  const d = createDecipheriv('aes-128-cbc', key, iv).setAutoPadding(false);
  const p = Buffer.concat([d.update(ct), d.final()]);
  const out: number[] = [];
  for (let i = 0; i < ct.length / 16; i++)
    if (!p.subarray(i * 16, i * 16 + 16).equals(good.subarray(i * 16, i * 16 + 16))) out.push(i + 1);
  return out;
}

describe('diagnoseChecks', () => {
  it('on a 3-block message: 3 blocks, a wrong key garbles all three, a wrong IV only P₁', () => {
    const c = createCipheriv('aes-128-cbc', KEY, IV);
    const ct = Buffer.concat([c.update('a message of three blocks, padded at the end'), c.final()]);
    const good = Buffer.concat([createDecipheriv('aes-128-cbc', KEY, IV).setAutoPadding(false).update(ct)]);
    const [blocks, key, iv] = diagnoseChecks({ ciphertext: new Uint8Array(ct) } as Reading);
    expect(blocks.answer).toBe(ct.length / 16);
    expect(key.answer).toEqual(wrongBlocks(ct, Buffer.alloc(16, 0x55), IV, good));
    expect(iv.answer).toEqual(wrongBlocks(ct, KEY, Buffer.alloc(16, 0x55), good));
    expect(diagnoseChecks(null)).toEqual([]);
  });
});
