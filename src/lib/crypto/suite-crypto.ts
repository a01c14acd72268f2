// The primitives of the cbc-hmac and gcm suites (docs/protocol.md §4.1, §4.3, §4.4) for the
// browser: HMAC-SHA256 (RFC 2104), HKDF-SHA256 (RFC 5869) and AES-GCM (SP 800-38D), from the
// audited @noble libraries, on Uint8Array. The server does the same with node:crypto
// (server/suites.ts); tests/unit/protocol/open.test.ts checks these against it.
import { gcm } from '@noble/ciphers/aes.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes } from './bytes';

export const GCM_TAG_LENGTH = 16;

/** HMAC-SHA256 of the parts, in order, as one message. */
export function hmacSha256(key: Uint8Array, ...parts: Uint8Array[]): Uint8Array {
  const h = hmac.create(sha256, key);
  for (const p of parts) h.update(p);
  return h.digest();
}

/** RFC 5869 §2.2-2.3 with SHA-256 and an empty salt (= HashLen zero bytes, §2.2). */
export function hkdfSha256(ikm: Uint8Array, info: string, length: number): Uint8Array {
  return hkdf(sha256, ikm, undefined, new TextEncoder().encode(info), length);
}

/** Compare all bytes whatever they hold, so the time taken says nothing about where they differ. */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}

/** AES-GCM with a 128-bit tag (SP 800-38D §7.1). */
export function gcmSeal(
  key: Uint8Array,
  nonce: Uint8Array,
  aad: Uint8Array,
  plaintext: Uint8Array
): { ciphertext: Uint8Array; tag: Uint8Array } {
  const sealed = gcm(key, nonce, aad).encrypt(plaintext);
  const cut = sealed.length - GCM_TAG_LENGTH;
  return { ciphertext: sealed.subarray(0, cut), tag: sealed.subarray(cut) };
}

/** SP 800-38D §7.2: the plaintext, or null when the tag does not verify (nothing is released). */
export function gcmOpen(
  key: Uint8Array,
  nonce: Uint8Array,
  aad: Uint8Array,
  ciphertext: Uint8Array,
  tag: Uint8Array
): Uint8Array | null {
  try {
    return gcm(key, nonce, aad).decrypt(concatBytes(ciphertext, tag));
  } catch {
    return null; // noble throws for a tag that does not match, and only then (lengths are the caller's)
  }
}
