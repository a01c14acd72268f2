// Opening a captured frame with a key the learner typed, in the browser (docs/protocol.md §4):
// the plaintext, or the reason it cannot be had. Pure and synchronous: the /live page calls it
// for the rows on screen, and the key never leaves the page.
//
//   cbc       the pre-shared key as is; our engine's decryptTrace, so a bad pad is an outcome
//             with the byte at fault, not an exception (RFC 5652 §6.3)
//   cbc-hmac  keys from HKDF-SHA256 (RFC 5869, info "cbc-lab/1 cbc-hmac"); the HMAC-SHA256 tag is
//             checked in constant time BEFORE anything is decrypted (§4.3 encrypt-then-MAC), so
//             a tampered frame never reaches the padding check
//   gcm       key from HKDF-SHA256 (info "cbc-lab/1 gcm"); AES-GCM with the 13-byte header as
//             associated data (§4.4, SP 800-38D)
//   line      §5: base64(IV ‖ AES-CBC(psk)), the cbc suite without a header
//
// HMAC, HKDF and GCM come from crypto/suite-crypto.ts (@noble); CBC from our own trace.
import { decryptTrace, type DecryptTrace } from '../crypto/cbc';
import { checkKey } from '../crypto/aes-block';
import { bytesToBase64, bytesToHex, bytesToUtf8 } from '../crypto/bytes';
import { constantTimeEqual, gcmOpen, hkdfSha256, hmacSha256 } from '../crypto/suite-crypto';
import type { Registered } from '../errors/codes';
import { FrameError } from './errors';
import {
  decodeHeader,
  HEADER_LENGTH,
  isNativeFrame,
  payloadLayout,
  payloadParts,
  type PayloadLayout,
  type Suite
} from './frame';
import { suiteKeySchedule } from './suite-keys';
import { readLineMessage } from './line-message';

export { constantTimeEqual, hkdfSha256 };

/** The codes of an outcome (docs/errors.md, "In the browser"). */
export type OpenErrorCode = Registered<
  | 'ERR_KEY_LENGTH'
  | 'ERR_BAD_PADDING'
  | 'ERR_BAD_MAC'
  | 'ERR_BAD_TAG'
  | 'ERR_PAYLOAD_LENGTH'
  | 'ERR_BAD_BASE64'
  | 'ERR_UNDECODABLE'
>;

/** The keys of every suite, derived once per key the learner types (§4.1). */
export interface OpenKeys {
  psk: Uint8Array;
  cbcHmacEnc: Uint8Array;
  cbcHmacMac: Uint8Array;
  gcm: Uint8Array;
}

export interface OpenBase {
  framing: 'native' | 'line';
  /** the suite that sealed the payload; line frames are 'cbc' */
  suite: Suite;
  /** native: the header's type; line: 'chat' */
  type: string;
  /** IV or nonce, and the ciphertext (without the tag) */
  iv: Uint8Array | null;
  ciphertext: Uint8Array | null;
  /** the CBC trace when CBC ran (cbc, line, and cbc-hmac after a good MAC) */
  trace: DecryptTrace | null;
  /** the key AES-CBC ran with (psk, or the cbc-hmac encryption key): what /learn needs */
  cbcKey: Uint8Array | null;
}

export type Opened =
  | (OpenBase & {
      ok: true;
      plaintext: Uint8Array;
      /** the plaintext as text, or null when it is not UTF-8 */
      text: string | null;
      /** the frame travels in the clear (error and bye) */
      clear: boolean;
    })
  | (OpenBase & {
      ok: false;
      code: OpenErrorCode;
      /** "what: expected X, got Y" and what to do */
      message: string;
      /** ERR_BAD_PADDING: the byte at fault in the padded plaintext */
      position?: number;
    });

/** §4.1 (suite-keys.ts) with @noble's HKDF; server/suites.ts deriveKeys uses node:crypto's. Throws ERR_KEY_LENGTH (a CryptoError). */
export function deriveOpenKeys(psk: Uint8Array): OpenKeys {
  checkKey(psk);
  return suiteKeySchedule(psk, hkdfSha256);
}

function text(b: Uint8Array): string | null {
  try {
    return bytesToUtf8(b);
  } catch {
    return null;
  }
}

function cbc(base: OpenBase, key: Uint8Array, iv: Uint8Array, ciphertext: Uint8Array): Opened {
  const trace = decryptTrace({ key, iv, ciphertext });
  const out = { ...base, trace, cbcKey: key };
  if (!trace.padding.ok) {
    const c = trace.padding.check;
    return {
      ...out,
      ok: false,
      code: 'ERR_BAD_PADDING',
      message: `${c.message}: the key is wrong, or the frame was altered (cbc has no MAC to tell which)`,
      position: c.position
    };
  }
  return { ...out, ok: true, plaintext: trace.plaintext!, text: text(trace.plaintext!), clear: false };
}

function fail(base: OpenBase, code: OpenErrorCode, message: string): Opened {
  return { ...base, ok: false, code, message };
}

/**
 * Open one frame as captured on the wire (a native frame, or a line with or without its "\n").
 * Never throws for what is in the frame; the outcome says why it cannot be read.
 */
export function openCaptured(wire: Uint8Array, keys: OpenKeys): Opened {
  if (isNativeFrame(wire)) return openNative(wire, keys);
  const base: OpenBase = {
    framing: 'line',
    suite: 'cbc',
    type: 'chat',
    iv: null,
    ciphertext: null,
    trace: null,
    cbcKey: null
  };
  let parts: { iv: Uint8Array; ciphertext: Uint8Array };
  try {
    parts = readLineMessage(wire); // §5.5: any form a line message takes
  } catch (err) {
    if (!(err instanceof FrameError)) throw err;
    return fail(base, err.code === 'ERR_BAD_BASE64' ? 'ERR_BAD_BASE64' : 'ERR_PAYLOAD_LENGTH', err.message);
  }
  return cbc({ ...base, iv: parts.iv, ciphertext: parts.ciphertext }, keys.psk, parts.iv, parts.ciphertext);
}

function openNative(frame: Uint8Array, keys: OpenKeys): Opened {
  let base: OpenBase = {
    framing: 'native',
    suite: 'none',
    type: 'unknown',
    iv: null,
    ciphertext: null,
    trace: null,
    cbcKey: null
  };
  let layout: PayloadLayout;
  try {
    const h = decodeHeader(frame, 0, 0xffffffff);
    base = { ...base, suite: h.suite, type: h.type };
    if (frame.length - HEADER_LENGTH !== h.length) {
      return fail(
        base,
        'ERR_PAYLOAD_LENGTH',
        `native frame: the length field says ${h.length} payload bytes, got ${frame.length - HEADER_LENGTH}; the capture holds only part of this frame`
      );
    }
    layout = payloadLayout(h.suite, h.length);
  } catch (err) {
    if (!(err instanceof FrameError)) throw err;
    return fail(base, err.code === 'ERR_PAYLOAD_LENGTH' ? 'ERR_PAYLOAD_LENGTH' : 'ERR_UNDECODABLE', err.message);
  }
  const header = frame.subarray(0, HEADER_LENGTH);
  const p = frame.subarray(HEADER_LENGTH);
  if (layout.suite === 'none') {
    return { ...base, ok: true, plaintext: p, text: text(p), clear: true };
  }
  const parts = payloadParts(p, layout);
  const iv = parts.iv!;
  const ciphertext = parts.ciphertext;
  base = { ...base, iv, ciphertext };
  if (layout.suite === 'cbc') return cbc(base, keys.psk, iv, ciphertext);
  const tag = parts.tag!;
  if (layout.suite === 'cbc-hmac') {
    // §4.3: the tag covers header ‖ IV ‖ C; verify first, in constant time, decrypt only after.
    const expected = hmacSha256(keys.cbcHmacMac, frame.subarray(0, HEADER_LENGTH + layout.tag!.start));
    if (!constantTimeEqual(expected, tag)) {
      return fail(
        { ...base, cbcKey: keys.cbcHmacEnc },
        'ERR_BAD_MAC',
        'cbc-hmac: expected the HMAC-SHA256 tag of header ‖ IV ‖ ciphertext, got a different tag: the key is wrong or the frame was altered; nothing was decrypted'
      );
    }
    return cbc(base, keys.cbcHmacEnc, iv, ciphertext);
  }
  // gcm (SP 800-38D §7.2): no plaintext unless the tag verifies.
  const plaintext = gcmOpen(keys.gcm, iv, header, ciphertext, tag);
  if (!plaintext) {
    return fail(
      base,
      'ERR_BAD_TAG',
      'gcm: expected the GCM tag of header, nonce and ciphertext, got a different tag: the key is wrong or the frame was altered; nothing was decrypted'
    );
  }
  return { ...base, ok: true, plaintext, text: text(plaintext), clear: false };
}

/**
 * What /learn's decryption step-through needs for a frame: the AES-CBC key and base64(IV ‖ C).
 * Null for gcm and clear frames (no CBC to step through) and when the frame does not parse.
 */
export function stepThroughLink(opened: Opened, keys: OpenKeys): { key: string; wire: string; href: string } | null {
  if (!opened.iv || !opened.ciphertext || (opened.suite !== 'cbc' && opened.suite !== 'cbc-hmac')) return null;
  const key = opened.suite === 'cbc-hmac' ? keys.cbcHmacEnc : keys.psk;
  const wireBytes = new Uint8Array(opened.iv.length + opened.ciphertext.length);
  wireBytes.set(opened.iv);
  wireBytes.set(opened.ciphertext, opened.iv.length);
  const hex = bytesToHex(key);
  const wire = bytesToBase64(wireBytes);
  return { key: hex, wire, href: `/learn?mode=decrypt&key=${hex}&wire=${encodeURIComponent(wire)}` };
}
