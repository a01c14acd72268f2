// payloadParts and isNativeFrame against the offsets of docs/protocol.md §4 (IV 16, HMAC tag 32,
// GCM nonce 12 and tag 16) and §2 (0xCB starts a native frame), counted by hand.
import { describe, expect, it } from 'vitest';
import { isNativeFrame, payloadLayout, payloadParts } from '../../../src/lib/protocol';

const seq = (n: number) => Uint8Array.from({ length: n }, (_, i) => i);

describe('payloadParts (§4)', () => {
  it('cbc-hmac: IV 0..16, C 16..48, tag 48..80', () => {
    const p = seq(80);
    const parts = payloadParts(p, payloadLayout('cbc-hmac', p.length));
    expect([
      parts.iv![0],
      parts.iv!.length,
      parts.ciphertext[0],
      parts.ciphertext.length,
      parts.tag![0],
      parts.tag!.length
    ]).toEqual([0, 16, 16, 32, 48, 32]);
  });

  it('gcm: nonce 0..12, C 12..n-16, tag n-16..n; cbc: no tag; none: all ciphertext', () => {
    const g = payloadParts(seq(33), payloadLayout('gcm', 33));
    expect([g.iv!.length, g.ciphertext[0], g.ciphertext.length, g.tag![0]]).toEqual([12, 12, 5, 17]);
    const c = payloadParts(seq(32), payloadLayout('cbc', 32));
    expect([c.iv!.length, c.ciphertext[0], c.tag]).toEqual([16, 16, null]);
    const n = payloadParts(seq(3), payloadLayout('none', 3));
    expect([n.iv, n.ciphertext.length, n.tag]).toEqual([null, 3, null]);
  });

  it('views, not copies', () => {
    const p = seq(32);
    payloadParts(p, payloadLayout('cbc', 32)).ciphertext[0] = 0xee;
    expect(p[16]).toBe(0xee);
  });
});

describe('isNativeFrame (§2)', () => {
  it('0xCB first is native; anything else, or nothing, is not', () => {
    expect(
      [Uint8Array.of(0xcb, 0xc1), Uint8Array.of(0xcb), Uint8Array.of(0x41), new Uint8Array(0)].map(isNativeFrame)
    ).toEqual([true, true, false, false]);
  });
});
