// The §4.1 key schedule, written once for both sides: the cbc suite and line framing use the
// pre-shared key as is; cbc-hmac takes an AES key and a 32-byte HMAC key from one HKDF-SHA256
// output (RFC 5869, empty salt: §2.2's HashLen zero bytes), gcm its own, so one key never serves
// two algorithms. The HKDF is passed in: the browser's is @noble's (crypto/suite-crypto.ts), the
// server's node:crypto's (server/suites.ts); tests/unit/crypto/seams.test.ts holds them equal.
import { HMAC_TAG_LENGTH } from './frame';

export const HKDF_INFO_CBC_HMAC = 'cbc-lab/1 cbc-hmac';
export const HKDF_INFO_GCM = 'cbc-lab/1 gcm';

/** HKDF-SHA256 with an empty salt: `length` bytes of OKM for `info`. */
export type Hkdf = (ikm: Uint8Array, info: string, length: number) => Uint8Array;

export interface SuiteKeyBytes {
  /** the pre-shared key, copied: cbc suite and line framing (§4.2) */
  psk: Uint8Array;
  cbcHmacEnc: Uint8Array;
  cbcHmacMac: Uint8Array;
  gcm: Uint8Array;
}

/** §4.1 for a key whose length the caller has checked (16, 24 or 32 bytes). */
export function suiteKeySchedule(psk: Uint8Array, hkdf: Hkdf): SuiteKeyBytes {
  const k = psk.length;
  // the HMAC-SHA256 key is as long as its tag (RFC 2104 §3: at least L bytes)
  const okm = hkdf(psk, HKDF_INFO_CBC_HMAC, k + HMAC_TAG_LENGTH);
  return {
    psk: new Uint8Array(psk),
    cbcHmacEnc: okm.subarray(0, k),
    cbcHmacMac: okm.subarray(k),
    gcm: hkdf(psk, HKDF_INFO_GCM, k)
  };
}
