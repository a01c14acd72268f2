// Lesson 5 opens on its leak: the default messages under the reused IV give equal first
// ciphertext blocks, and equal messages give equal ciphertext. Ciphertext from node:crypto.
import { createCipheriv } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { IV_LESSON_DEFAULTS } from '$lib/lessons/iv-reuse';
import { IvLesson } from '$lib/components/lessons/iv/iv-lesson.svelte';

const { key, fixedIv, msgA, msgB } = IV_LESSON_DEFAULTS;
function enc(text: string, iv = fixedIv): Buffer {
  const c = createCipheriv('aes-128-cbc', Buffer.from(key, 'hex'), Buffer.from(iv, 'hex'));
  return Buffer.concat([c.update(text, 'utf8'), c.final()]);
}
const blocks = (b: Buffer | Uint8Array) =>
  Array.from({ length: b.length / 16 }, (_, i) => Buffer.from(b.subarray(16 * i, 16 * i + 16)).toString('hex'));

describe('lesson 5: the default state shows the leak', () => {
  it('the defaults share their first 16 bytes or more, so under one IV C₁ (and C₂) are equal', () => {
    const a = blocks(enc(msgA));
    const b = blocks(enc(msgB));
    // 'PAY 100 EUR TO ALICE; invoice 2026-11-2' is common: 39 bytes, 2 whole blocks
    expect(msgA.slice(0, 39)).toBe(msgB.slice(0, 39));
    expect(msgA[39]).not.toBe(msgB[39]);
    expect(a.length).toBe(3);
    expect(a[0]).toBe(b[0]);
    expect(a[1]).toBe(b[1]);
    expect(a[2]).not.toBe(b[2]);
  });

  it('the lesson as it opens: reused mode, the rows and summary numbers node:crypto gives', () => {
    const lesson = new IvLesson();
    const o = lesson.outcome!;
    expect(o.mode).toBe('reused');
    expect(blocks(o.a.ciphertext)).toEqual(blocks(enc(msgA)));
    expect(blocks(o.b.ciphertext)).toEqual(blocks(enc(msgB)));
    expect(o.sharedBlocks).toBe(2);
    expect(o.commonBytes).toBe(39);
    expect(o.pair.reusedIvs.length).toBe(1);
    expect([...lesson.sameIn('A')].sort()).toEqual([0, 1]);
    expect(lesson.ivShared('A')).toBe(true);
  });

  it('equal messages under the reused IV: equal ciphertext, block for block', () => {
    const lesson = new IvLesson();
    lesson.msgB = lesson.msgA;
    const o = lesson.outcome!;
    expect(Buffer.from(o.a.ciphertext).equals(enc(msgA))).toBe(true);
    expect(Buffer.from(o.b.ciphertext).equals(enc(msgA))).toBe(true);
    expect(o.sharedBlocks).toBe(3);
  });
});

describe('lesson 5: a key that does not read leaves the last result, marked stale', () => {
  it('stale while the key is bad, the shown outcome the last valid one; fresh again once fixed', () => {
    const lesson = new IvLesson();
    expect(lesson.stale).toBe(false);
    const before = lesson.shown!;
    lesson.keyText = '8f0e5a3c1b2d4e6f7a8b9c0d1e2f3a4'; // 31 digits
    expect(lesson.outcome).toBeNull();
    expect(lesson.key.error?.code).toBe('ERR_BAD_HEX');
    expect(lesson.stale).toBe(true);
    expect(lesson.shown).toBe(before);
    expect(blocks(lesson.shown!.a.ciphertext)).toEqual(blocks(enc(msgA)));
    lesson.msgB = 'something else entirely, typed while stale';
    expect(lesson.shown).toBe(before); // what the page shows is still the last valid run
    lesson.keyText = key;
    expect(lesson.stale).toBe(false);
    expect(blocks(lesson.shown!.b.ciphertext)).toEqual(blocks(enc('something else entirely, typed while stale')));
  });
});
