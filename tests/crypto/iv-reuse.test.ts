// IV reuse (lesson 4, /live flags): frames made with node:crypto, found by findIvReuse.
import { createCipheriv } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { equalLeadingBlocks, findIvReuse, type IvFrame } from '$lib/crypto/iv-reuse';

const key = Buffer.from('000102030405060708090a0b0c0d0e0f1011121314151617', 'hex');
function frame(id: string, iv: Buffer, text: string | Uint8Array): IvFrame {
  const c = createCipheriv('aes-192-cbc', key, iv);
  return { id, iv, ciphertext: new Uint8Array(Buffer.concat([c.update(text), c.final()])) };
}
const IV1 = Buffer.alloc(16, 1);
const IV2 = Buffer.alloc(16, 2);
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('findIvReuse', () => {
  it('equal messages under a reused IV: equal ciphertexts, flagged as identical', () => {
    const r = findIvReuse([frame('a', IV1, 'attack at dawn'), frame('b', IV1, 'attack at dawn'), frame('c', IV2, 'attack at dawn')]);
    expect(r.reusedIvs).toEqual([{ ivHex: hex(IV1), frames: ['a', 'b'] }]);
    expect(r.sharedPrefixes).toEqual([{ a: 'a', b: 'b', ivHex: hex(IV1), blocks: 1, identical: true }]);
    expect(r.repeatedBlocks).toHaveLength(1);
    expect(r.repeatedBlocks[0].at).toEqual([{ id: 'a', block: 0 }, { id: 'b', block: 0 }]);
    expect([...r.flagged].sort()).toEqual(['a', 'b']);
  });

  it('equal prefix under an equal IV ⇒ equal first blocks, and only as many as the prefix covers', () => {
    const p = 'transfer 100 EUR to account 12345678 '; // 37 bytes: two whole blocks shared
    const r = findIvReuse([frame('x', IV1, p + 'from alice'), frame('y', IV1, p + 'from bob!!')]);
    expect(r.sharedPrefixes).toEqual([{ a: 'x', b: 'y', ivHex: hex(IV1), blocks: 2, identical: false }]);
    expect(r.repeatedBlocks.map((b) => b.at)).toEqual([
      [{ id: 'x', block: 0 }, { id: 'y', block: 0 }],
      [{ id: 'x', block: 1 }, { id: 'y', block: 1 }]
    ]);
  });

  it('fresh IVs: nothing found for the same messages', () => {
    const r = findIvReuse([frame('a', IV1, 'attack at dawn'), frame('b', IV2, 'attack at dawn')]);
    expect(r.reusedIvs).toEqual([]);
    expect(r.sharedPrefixes).toEqual([]);
    expect(r.repeatedBlocks).toEqual([]);
    expect(r.flagged.size).toBe(0);
  });

  it('property: the shared prefix under one IV is floor(common plaintext prefix / 16) blocks (or more only by identity)', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 70 }),
        fc.uint8Array({ minLength: 1, maxLength: 40 }),
        fc.uint8Array({ minLength: 1, maxLength: 40 }),
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
        (prefix, t1, t2, iv) => {
          fc.pre(t1[0] !== t2[0]);
          const a = frame('a', Buffer.from(iv), Buffer.concat([prefix, t1]));
          const b = frame('b', Buffer.from(iv), Buffer.concat([prefix, t2]));
          expect(equalLeadingBlocks(a.ciphertext, b.ciphertext)).toBe(Math.floor(prefix.length / 16));
          const r = findIvReuse([a, b]);
          expect(r.reusedIvs).toHaveLength(1);
          const shared = Math.floor(prefix.length / 16);
          expect(r.sharedPrefixes).toEqual(shared ? [{ a: 'a', b: 'b', ivHex: hex(iv), blocks: shared, identical: false }] : []);
        }
      ),
      { numRuns: 300 }
    );
  });

  it('reports a repeated block inside one frame with both positions', () => {
    const f: IvFrame = { id: 'ecb-ish', iv: IV1, ciphertext: new Uint8Array(48).fill(5) };
    const r = findIvReuse([f]);
    expect(r.repeatedBlocks[0].at).toEqual([0, 1, 2].map((block) => ({ id: 'ecb-ish', block })));
  });
});
