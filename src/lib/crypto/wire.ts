// The wire form CBC Lab and the seed projects send: base64(IV ‖ ciphertext) (docs/protocol.md).
// Base64 maps each 3-byte group to 4 characters of 6 bits (RFC 4648 §4); the groups are pure
// arithmetic, so they are computed on demand instead of stored for every byte of a large trace.
import { base64ToBytes, bytesToBase64, concatBytes, BASE64_ALPHABET } from './bytes';
import { CiphertextLengthError, WireLengthError } from './errors';
import { BLOCK_SIZE } from './pkcs7';

export interface WireForm {
  /** IV ‖ ciphertext */
  bytes: Uint8Array;
  base64: string;
  /** number of 3-byte ↔ 4-character groups: ceil(bytes / 3) */
  groupCount: number;
}

export interface Base64Group {
  index: number;
  /** bytes [byteStart, byteEnd) of the wire bytes; the last group may hold 1 or 2 */
  byteStart: number;
  byteEnd: number;
  /** characters [charStart, charStart + 4) of the base64 text */
  charStart: number;
  /** the four 6-bit values; null where the character is `=` padding */
  sextets: (number | null)[];
  chars: string;
  /** how many `=` end this group (0, 1 or 2) */
  padChars: number;
}

export function wireForm(iv: Uint8Array, ciphertext: Uint8Array): WireForm {
  const bytes = concatBytes(iv, ciphertext);
  return { bytes, base64: bytesToBase64(bytes), groupCount: Math.ceil(bytes.length / 3) };
}

/** Group g of base64(bytes): bytes 3g..3g+2 become characters 4g..4g+3. */
export function base64Group(bytes: Uint8Array, g: number): Base64Group {
  const byteStart = g * 3;
  const byteEnd = Math.min(byteStart + 3, bytes.length);
  const count = byteEnd - byteStart;
  const v =
    (bytes[byteStart] << 16) | ((count > 1 ? bytes[byteStart + 1] : 0) << 8) | (count > 2 ? bytes[byteStart + 2] : 0);
  const all = [v >> 18, (v >> 12) & 63, (v >> 6) & 63, v & 63];
  const sextets = all.map((s, k) => (k <= count ? s : null));
  return {
    index: g,
    byteStart,
    byteEnd,
    charStart: g * 4,
    sextets,
    chars: sextets.map((s) => (s === null ? '=' : BASE64_ALPHABET[s])).join(''),
    padChars: 3 - count
  };
}

export function base64Groups(bytes: Uint8Array, from = 0, to = Math.ceil(bytes.length / 3)): Base64Group[] {
  const out: Base64Group[] = [];
  for (let g = from; g < to; g++) out.push(base64Group(bytes, g));
  return out;
}

/** Split wire bytes into the leading IV and the ciphertext. */
export function splitWire(bytes: Uint8Array): { iv: Uint8Array; ciphertext: Uint8Array } {
  if (bytes.length < 2 * BLOCK_SIZE) throw new WireLengthError(bytes.length);
  const ciphertext = bytes.subarray(BLOCK_SIZE);
  if (ciphertext.length % BLOCK_SIZE !== 0) throw new CiphertextLengthError(ciphertext.length);
  return { iv: bytes.subarray(0, BLOCK_SIZE), ciphertext };
}

/** base64(IV ‖ C) to its parts. No trim: base64ToBytes skips white space itself and so keeps error positions in the text as given. */
export function parseWireBase64(text: string): { iv: Uint8Array; ciphertext: Uint8Array } {
  return splitWire(base64ToBytes(text, 'wire'));
}
