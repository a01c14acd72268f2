// Wycheproof-style negative cases for the authenticated suites (docs/protocol.md §4.3, §4.4):
// every tampering with tag, IV/nonce, ciphertext, header or length is refused with ERR_BAD_MAC /
// ERR_BAD_TAG (or ERR_PAYLOAD_LENGTH when the length cannot be the suite), never decrypted.
import { describe, expect, it } from 'vitest';
import { createCipheriv, createHmac } from 'node:crypto';
import { FrameDecoder, FrameError, type NativeFrame, type SealedSuite } from '../../../src/lib/protocol/index.ts';
import { deriveKeys, openFrame, sealFrame } from '../../../server/suites.ts';

const keys = deriveKeys(Buffer.from('000102030405060708090a0b0c0d0e0f', 'hex'));
const other = deriveKeys(Buffer.from('0f0e0d0c0b0a09080706050403020100', 'hex'));
const plaintext = Buffer.from('attack at dawn: 32 bytes of text');

function parse(bytes: Uint8Array): NativeFrame {
  return new FrameDecoder({ maxPayload: 1 << 20 }).pushAll(bytes)[0] as NativeFrame;
}

function codeOfOpen(bytes: Uint8Array, k = keys): string {
  try {
    openFrame(k, parse(bytes));
    return 'opened';
  } catch (err) {
    expect(err).toBeInstanceOf(FrameError);
    expect((err as FrameError).fatal).toBe(false);
    return (err as FrameError).code;
  }
}

function flip(b: Buffer, i: number, bit = 1): Buffer {
  const c = Buffer.from(b);
  c[i] ^= bit;
  return c;
}

/** a new frame whose length field and payload agree, with the payload changed by `edit` */
function relength(b: Buffer, edit: (payload: Buffer) => Buffer): Buffer {
  const payload = edit(Buffer.from(b.subarray(13)));
  const header = Buffer.from(b.subarray(0, 13));
  header.writeUInt32BE(payload.length, 9);
  return Buffer.concat([header, payload]);
}

for (const [suite, authCode, tagLength, ivLength] of [
  ['cbc-hmac', 'ERR_BAD_MAC', 32, 16],
  ['gcm', 'ERR_BAD_TAG', 16, 12]
] as [SealedSuite, string, number, number][]) {
  describe(`${suite} negatives`, () => {
    const good = sealFrame(keys, { type: 'chat', suite, seq: 41, plaintext });
    const n = good.length;

    it('the untouched frame opens', () => {
      expect(codeOfOpen(good)).toBe('opened');
    });

    it('every single-bit flip of the tag is refused', () => {
      for (let i = n - tagLength; i < n; i++)
        for (const bit of [1, 0x80]) expect(codeOfOpen(flip(good, i, bit))).toBe(authCode);
    });

    it(`every flip of the ${ivLength === 16 ? 'IV' : 'nonce'} is refused`, () => {
      for (let i = 13; i < 13 + ivLength; i++) expect(codeOfOpen(flip(good, i))).toBe(authCode);
    });

    it('every flip of the ciphertext is refused', () => {
      for (let i = 13 + ivLength; i < n - tagLength; i++) expect(codeOfOpen(flip(good, i))).toBe(authCode);
    });

    it('the header is authenticated: type, seq and length changes are refused', () => {
      for (const i of [3, 5, 6, 7, 8]) {
        const t = flip(good, i, i === 3 ? 0x01 : 0x10); // byte 3: chat (2) becomes ack (3); bytes 5-8: the seq
        expect(codeOfOpen(t)).toBe(authCode);
      }
      // a different suite byte under the same bytes: cbc-hmac ↔ gcm
      const s = Buffer.from(good);
      s[4] = suite === 'gcm' ? 2 : 3;
      expect(['ERR_BAD_MAC', 'ERR_BAD_TAG', 'ERR_PAYLOAD_LENGTH']).toContain(codeOfOpen(s));
    });

    it('a truncated tag, a dropped block and an appended block are refused', () => {
      expect(['ERR_PAYLOAD_LENGTH', authCode]).toContain(
        codeOfOpen(relength(good, (p) => p.subarray(0, p.length - 1)))
      );
      expect(['ERR_PAYLOAD_LENGTH', authCode]).toContain(
        codeOfOpen(relength(good, (p) => p.subarray(0, p.length - 16)))
      );
      expect(codeOfOpen(relength(good, (p) => Buffer.concat([p, Buffer.alloc(16)])))).toBe(authCode);
      expect(
        codeOfOpen(relength(good, (p) => Buffer.concat([p.subarray(0, ivLength), p.subarray(ivLength + 16)])))
      ).toBe(authCode);
      expect(codeOfOpen(relength(good, (p) => p.subarray(0, ivLength + (suite === 'gcm' ? 15 : 47))))).toBe(
        'ERR_PAYLOAD_LENGTH'
      );
    });

    it('a tag of zeros, and a tag moved from another frame, are refused', () => {
      const zero = Buffer.from(good);
      zero.fill(0, n - tagLength);
      expect(codeOfOpen(zero)).toBe(authCode);
      const second = sealFrame(keys, { type: 'chat', suite, seq: 41, plaintext });
      const moved = Buffer.concat([good.subarray(0, n - tagLength), second.subarray(n - tagLength)]);
      expect(codeOfOpen(moved)).toBe(authCode);
    });

    it('a frame sealed under another key is refused', () => {
      expect(codeOfOpen(good, other)).toBe(authCode);
    });

    it('an empty plaintext is fine', () => {
      expect(codeOfOpen(sealFrame(keys, { type: 'chat', suite, seq: 0, plaintext: Buffer.alloc(0) }))).toBe('opened');
    });
  });
}

describe('cbc-hmac checks the MAC before it decrypts (§4.3)', () => {
  it('a tampered last block reports ERR_BAD_MAC, never ERR_BAD_PADDING: no padding oracle', () => {
    const good = sealFrame(keys, { type: 'chat', suite: 'cbc-hmac', seq: 1, plaintext });
    for (let v = 0; v < 256; v++) {
      const t = Buffer.from(good);
      t[good.length - 32 - 17] = v; // last byte of the next-to-last cipher block: steers the pad byte
      if (v !== good[good.length - 32 - 17]) expect(codeOfOpen(t)).toBe('ERR_BAD_MAC');
    }
  });

  it('with a valid MAC over bad padding (only the key holder can make one), padding is checked after', () => {
    const iv = Buffer.alloc(16, 1);
    const c = createCipheriv('aes-128-cbc', keys.cbcHmacEnc, iv).setAutoPadding(false);
    const ciphertext = Buffer.concat([c.update(Buffer.alloc(16, 0x11)), c.final()]); // last byte 0x11 > 16
    const header = Buffer.from('cbc1010202' + '00000001' + '00000040', 'hex');
    const tag = createHmac('sha256', keys.cbcHmacMac)
      .update(Buffer.concat([header, iv, ciphertext]))
      .digest();
    expect(codeOfOpen(Buffer.concat([header, iv, ciphertext, tag]))).toBe('ERR_BAD_PADDING');
  });
});

describe('cbc (unauthenticated, what the seeds do)', () => {
  it('a wrong key is usually caught by the padding check, and is not authenticated at all', () => {
    const good = sealFrame(keys, { type: 'chat', suite: 'cbc', seq: 1, plaintext });
    expect(['ERR_BAD_PADDING', 'ERR_BAD_UTF8', 'opened']).toContain(codeOfOpen(good, other));
    // flipping a header byte goes unnoticed: nothing covers the header
    expect(codeOfOpen(flip(good, 5))).toBe('opened');
  });
});
