// /learn's result box (src/routes/learn/outputs.ts): a cut never splits a UTF-8 sequence (RFC 3629
// §3; the byte patterns below are written out by hand) and long outputs say how much is left out.
import { describe, expect, it } from 'vitest';
import { SHOW, cipherOutput, trimUtf8 } from '../../../src/routes/learn/outputs';
import type { Trace } from '../../../src/lib/crypto';

describe('trimUtf8', () => {
  it('drops a lead byte whose continuation was cut off', () => {
    expect([...trimUtf8(Uint8Array.of(0x61, 0xc3))]).toEqual([0x61]); // "a" + half of "é"
    expect([...trimUtf8(Uint8Array.of(0x61, 0xe2, 0x82))]).toEqual([0x61]); // "a" + two thirds of "€"
  });
  it('drops a trailing multi-byte sequence even when whole (the cut cannot tell), and keeps ASCII', () => {
    expect([...trimUtf8(Uint8Array.of(0x61, 0xc3, 0xa9))]).toEqual([0x61]);
    expect([...trimUtf8(Uint8Array.of(0x61, 0x62))]).toEqual([0x61, 0x62]);
  });
});

describe('cipherOutput', () => {
  it('shows SHOW hex digits and counts the bytes past them', () => {
    const c = new Uint8Array(SHOW); // 2 × SHOW hex digits
    const out = cipherOutput({ ciphertext: c } as unknown as Trace);
    expect(out.text.length).toBe(SHOW);
    expect(out.more).toBe(SHOW - SHOW / 2);
  });
  it('shows a short ciphertext whole', () => {
    const out = cipherOutput({ ciphertext: Uint8Array.of(0xab, 0x01) } as unknown as Trace);
    expect(out).toEqual({ text: 'ab01', more: 0 });
  });
});
