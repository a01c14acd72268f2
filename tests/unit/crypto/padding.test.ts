// Bad PKCS#7 padding (RFC 5652 §6.3), built the way an attacker or a wrong key produces it:
// craft the padded plaintext, encrypt it with node:crypto without padding, decrypt with the
// engine. The engine must report the outcome in the trace and name the byte at fault; OpenSSL
// must agree that the padding is bad.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CryptoError,
  PaddingError,
  checkPkcs7,
  decryptTrace,
  pkcs7Pad,
  pkcs7Unpad,
  type PaddingCheck
} from '$lib/crypto';
import { hex, nodeDecrypt, nodeEncrypt } from '../../helpers/oracles';

const keyArb = fc.constantFrom(16, 24, 32).chain((n) => fc.uint8Array({ minLength: n, maxLength: n }));
const ivArb = fc.uint8Array({ minLength: 16, maxLength: 16 });
/** 1..4 whole blocks of random bytes; the tests overwrite the tail. */
const paddedArb = fc.integer({ min: 1, max: 4 }).chain((b) => fc.uint8Array({ minLength: 16 * b, maxLength: 16 * b }));

const hex2 = (b: number) => '0x' + b.toString(16).padStart(2, '0');

function openSslRejects(key: Uint8Array, iv: Uint8Array, ciphertext: Uint8Array): boolean {
  try {
    nodeDecrypt(key, iv, ciphertext);
    return false;
  } catch {
    return true;
  }
}

/** Encrypt `padded` as is, decrypt with the engine, and check the failure it reports. */
function expectBadPadding(
  key: Uint8Array,
  iv: Uint8Array,
  padded: Uint8Array,
  want: { fault: string; position: number; expected: string; actual: number }
) {
  const ciphertext = nodeEncrypt(key, iv, padded, false);
  expect(openSslRejects(key, iv, ciphertext)).toBe(true);
  const t = decryptTrace({ key, iv, ciphertext });
  expect(hex(t.padded)).toBe(hex(padded));
  expect(t.plaintext).toBeNull();
  expect(t.padding.ok).toBe(false);
  if (t.padding.ok) return;
  expect(t.padding.scheme).toBe('pkcs7');
  expect(t.padding.check).toMatchObject({ ok: false, ...want });
  expect(t.padding.check.message).toContain(String(want.position));

  let thrown: unknown;
  try {
    pkcs7Unpad(t.padded);
  } catch (e) {
    thrown = e;
  }
  expect(thrown).toBeInstanceOf(PaddingError);
  expect(thrown).toBeInstanceOf(CryptoError);
  expect(thrown).toMatchObject({ name: 'PaddingError', code: 'ERR_BAD_PADDING', ...want });
  expect((thrown as Error).message).toMatch(/check the key and the IV/);
}

describe('bad padding from a decryption', () => {
  it('pad byte 0x00', () => {
    fc.assert(
      fc.property(keyArb, ivArb, paddedArb, (key, iv, padded) => {
        padded[padded.length - 1] = 0;
        expectBadPadding(key, iv, padded, {
          fault: 'zero',
          position: padded.length - 1,
          expected: '0x01..0x10',
          actual: 0
        });
      }),
      { numRuns: 50 }
    );
  });

  it('pad byte greater than 16', () => {
    fc.assert(
      fc.property(keyArb, ivArb, paddedArb, fc.integer({ min: 17, max: 255 }), (key, iv, padded, k) => {
        padded[padded.length - 1] = k;
        expectBadPadding(key, iv, padded, {
          fault: 'too-large',
          position: padded.length - 1,
          expected: '0x01..0x10',
          actual: k
        });
      }),
      { numRuns: 100 }
    );
    // the boundary: 0x11 is the first value that is too large
    const padded = new Uint8Array(16).fill(0x11);
    expectBadPadding(new Uint8Array(16), new Uint8Array(16), padded, {
      fault: 'too-large',
      position: 15,
      expected: '0x01..0x10',
      actual: 17
    });
  });

  it('one inner pad byte different', () => {
    fc.assert(
      fc.property(
        keyArb,
        ivArb,
        paddedArb,
        fc.integer({ min: 2, max: 16 }).chain((k) => fc.tuple(fc.constant(k), fc.integer({ min: 1, max: k - 1 }))),
        fc.integer({ min: 0, max: 255 }),
        (key, iv, padded, [k, back], wrong) => {
          fc.pre(wrong !== k);
          const n = padded.length;
          padded.fill(k, n - k);
          padded[n - 1 - back] = wrong;
          expectBadPadding(key, iv, padded, {
            fault: 'mismatch',
            position: n - 1 - back,
            expected: hex2(k),
            actual: wrong
          });
        }
      ),
      { numRuns: 200 }
    );
  });

  it('several wrong pad bytes: the one nearest the end is named, as a decryptor reads backwards', () => {
    // 16 bytes: …, 0x04, 0x00, 0x04, 0x09, 0x04 → pad length 4; byte 14 is 0x09 (wrong), byte 13 is 0x04, byte 12 0x00 (wrong)
    const padded = new Uint8Array(16);
    padded.set([0x00, 0x04, 0x09, 0x04], 12);
    expectBadPadding(new Uint8Array(32), new Uint8Array(16), padded, {
      fault: 'mismatch',
      position: 14,
      expected: '0x04',
      actual: 9
    });
  });

  it('… 0x02 0x01 at the end is a valid pad of length 1', () => {
    const padded = new Uint8Array(16);
    padded[14] = 2;
    padded[15] = 1;
    const key = new Uint8Array(16);
    const iv = new Uint8Array(16);
    const t = decryptTrace({ key, iv, ciphertext: nodeEncrypt(key, iv, padded, false) });
    expect(t.padding).toMatchObject({ ok: true, padLength: 1, fullBlock: false });
    expect(t.plaintext!.length).toBe(15);
  });

  it('every valid pad length 1..16 is accepted, like OpenSSL does', () => {
    fc.assert(
      fc.property(keyArb, ivArb, paddedArb, fc.integer({ min: 1, max: 16 }), (key, iv, padded, k) => {
        const n = padded.length;
        padded.fill(k, n - k);
        const ciphertext = nodeEncrypt(key, iv, padded, false);
        const t = decryptTrace({ key, iv, ciphertext });
        expect(t.padding).toMatchObject({ scheme: 'pkcs7', ok: true, padLength: k, fullBlock: k === 16 });
        expect(hex(t.plaintext!)).toBe(hex(nodeDecrypt(key, iv, ciphertext)));
      }),
      { numRuns: 100 }
    );
  });
});

describe('checkPkcs7 and pkcs7Pad on their own', () => {
  it('a pad length longer than the data (only possible below one block, so never after a CBC decryption)', () => {
    const check = checkPkcs7(new Uint8Array([0x03, 0x03])) as Extract<PaddingCheck, { ok: false }>;
    expect(check).toMatchObject({
      ok: false,
      fault: 'longer-than-data',
      position: 1,
      expected: 'at most 2',
      actual: 3
    });
    expect(() => pkcs7Unpad(new Uint8Array(15).fill(0x10))).toThrow(
      expect.objectContaining({ code: 'ERR_BAD_PADDING', fault: 'longer-than-data', position: 14, actual: 16 })
    );
  });

  it('pkcs7Pad appends k bytes of k, k = 16 − len mod 16 (RFC 5652 §6.3)', () => {
    for (let len = 0; len <= 48; len++) {
      const k = 16 - (len % 16);
      const data = new Uint8Array(len).fill(0xee);
      expect(hex(pkcs7Pad(data))).toBe('ee'.repeat(len) + hex2(k).slice(2).repeat(k));
      expect(hex(pkcs7Unpad(pkcs7Pad(data)))).toBe(hex(data));
    }
  });
});
