// The local fallback for lesson 2, clearly not the real server: a victim frame sealed in this
// browser with a key the attack never sees, and a "server" that opens each crafted frame the way
// the real one does (src/lib/protocol/open.ts: cbc reports bad padding; cbc-hmac checks the MAC
// first in constant time; gcm checks the tag) and answers with the same codes.
import hmacModule from 'node-forge/lib/hmac.js';
import 'node-forge/lib/sha256.js';
import 'node-forge/lib/aes.js';
import cipherModule from 'node-forge/lib/cipher.js';
import utilModule from 'node-forge/lib/util.js';
import { encryptTrace } from '$lib/crypto/cbc';
import { REJECTIONS, guessPayload } from '$lib/crypto/padding-oracle';
import { deriveOpenKeys, openCaptured, type OpenKeys } from '$lib/protocol/open';
import { encodeFrame, HEADER_LENGTH } from '$lib/protocol/frame';

export type Suite = 'cbc' | 'cbc-hmac' | 'gcm';

function bin(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i++) s += String.fromCharCode(b[i]);
  return s;
}
function unbin(s: string): Uint8Array {
  return Uint8Array.from(s, (c) => c.charCodeAt(0));
}

/** A whole native chat frame, sealed like server/suites.ts sealFrame (docs/protocol.md §4). */
export function sealLocal(keys: OpenKeys, suite: Suite, iv: Uint8Array, plaintext: Uint8Array, seq = 1): Uint8Array {
  if (suite === 'gcm') {
    const nonce = iv.subarray(0, 12);
    const length = 12 + plaintext.length + 16;
    const header = encodeFrame({ type: 'chat', suite, seq, payload: new Uint8Array(length) }).subarray(0, HEADER_LENGTH);
    const c = (cipherModule as unknown as { createCipher(a: string, k: string): { start(o: object): void; update(b: unknown): void; finish(): boolean; output: { getBytes(): string }; mode: { tag: { getBytes(): string } } } }).createCipher('AES-GCM', bin(keys.gcm));
    c.start({ iv: bin(nonce), additionalData: bin(header), tagLength: 128 });
    c.update(utilModule.createBuffer(bin(plaintext)));
    c.finish();
    const ct = unbin(c.output.getBytes());
    const tag = unbin(c.mode.tag.getBytes());
    return encodeFrame({ type: 'chat', suite, seq, payload: new Uint8Array([...nonce, ...ct, ...tag]) });
  }
  const key = suite === 'cbc' ? keys.psk : keys.cbcHmacEnc;
  const t = encryptTrace({ key, iv, plaintext });
  if (suite === 'cbc') return encodeFrame({ type: 'chat', suite, seq, payload: new Uint8Array([...iv, ...t.ciphertext]) });
  const body = encodeFrame({ type: 'chat', suite, seq, payload: new Uint8Array(16 + t.ciphertext.length + 32) });
  body.set(iv, HEADER_LENGTH);
  body.set(t.ciphertext, HEADER_LENGTH + 16);
  const h = hmacModule.create();
  h.start('sha256', bin(keys.cbcHmacMac));
  h.update(bin(body.subarray(0, HEADER_LENGTH + 16 + t.ciphertext.length)));
  body.set(unbin(h.digest().getBytes()), HEADER_LENGTH + 16 + t.ciphertext.length);
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
    const answer = localAnswer(keys, encodeFrame({ type: 'chat', suite, seq: seq++, payload: guessPayload(suite, iv, ciphertext, tag) }));
    return { valid: !REJECTIONS.has(answer), answer };
  };
}

export { deriveOpenKeys };
