// The local fallback for lesson 2, clearly not the real server: a victim frame sealed in this
// browser with a key the attack never sees, and a "server" that opens each crafted frame the way
// the real one does (src/lib/protocol/open.ts: cbc reports bad padding; cbc-hmac checks the MAC
// first in constant time; gcm checks the tag) and answers with the same codes.
import { encryptTrace } from '$lib/crypto/cbc';
import { gcmSeal, hmacSha256 } from '$lib/crypto/suite-crypto';
import { REJECTIONS, guessPayload } from '$lib/crypto/padding-oracle';
import { deriveOpenKeys, openCaptured, type OpenKeys } from '$lib/protocol/open';
import { encodeFrame, HEADER_LENGTH } from '$lib/protocol/frame';

export type Suite = 'cbc' | 'cbc-hmac' | 'gcm';

/** A whole native chat frame, sealed like server/suites.ts sealFrame (docs/protocol.md §4). */
export function sealLocal(keys: OpenKeys, suite: Suite, iv: Uint8Array, plaintext: Uint8Array, seq = 1): Uint8Array {
  if (suite === 'gcm') {
    const nonce = iv.subarray(0, 12);
    const length = 12 + plaintext.length + 16;
    const header = encodeFrame({ type: 'chat', suite, seq, payload: new Uint8Array(length) }).subarray(
      0,
      HEADER_LENGTH
    );
    const { ciphertext: ct, tag } = gcmSeal(keys.gcm, nonce, header, plaintext);
    return encodeFrame({ type: 'chat', suite, seq, payload: new Uint8Array([...nonce, ...ct, ...tag]) });
  }
  const key = suite === 'cbc' ? keys.psk : keys.cbcHmacEnc;
  const t = encryptTrace({ key, iv, plaintext });
  if (suite === 'cbc')
    return encodeFrame({ type: 'chat', suite, seq, payload: new Uint8Array([...iv, ...t.ciphertext]) });
  const body = encodeFrame({ type: 'chat', suite, seq, payload: new Uint8Array(16 + t.ciphertext.length + 32) });
  body.set(iv, HEADER_LENGTH);
  body.set(t.ciphertext, HEADER_LENGTH + 16);
  body.set(
    hmacSha256(keys.cbcHmacMac, body.subarray(0, HEADER_LENGTH + 16 + t.ciphertext.length)),
    HEADER_LENGTH + 16 + t.ciphertext.length
  );
  return body;
}

/** The answer the real server gives to a frame (with --padding-oracle): 'ack' or an error code. */
export function localAnswer(keys: OpenKeys, frame: Uint8Array): string {
  const o = openCaptured(frame, keys);
  if (!o.ok) return o.code;
  return o.text === null ? 'ERR_BAD_UTF8' : 'ack';
}

export function localOracle(psk: Uint8Array, suite: Suite, tag?: Uint8Array) {
  const keys = deriveOpenKeys(psk);
  let seq = 2;
  return async (iv: Uint8Array, ciphertext: Uint8Array): Promise<{ valid: boolean; answer: string }> => {
    const answer = localAnswer(
      keys,
      encodeFrame({ type: 'chat', suite, seq: seq++, payload: guessPayload(suite, iv, ciphertext, tag) })
    );
    return { valid: !REJECTIONS.has(answer), answer };
  };
}

export { deriveOpenKeys };
