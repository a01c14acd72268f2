// Planted faults: a diagnoser input with one classic mistake in a good encryption. Pure: the
// "wrong" values derive from the good ones, so the same example always plants the same bytes.
import { bytesToBase64, bytesToHex, utf8ToBytes } from '../bytes';
import { encryptTrace } from '../cbc';
import { BLOCK_SIZE } from '../pkcs7';
import type { Cause } from './causes';
import type { DiagnoseInput } from './search';

export type Fault =
  | 'none'
  | 'wrong-key'
  | 'wrong-iv'
  | 'key-encoding'
  | 'iv-encoding'
  | 'ciphertext-encoding'
  | 'iv-not-stripped'
  | 'length'
  | 'bad-padding';

/** Each fault, in the order the lesson offers them, with the cause the diagnoser must name. */
export const FAULT_CAUSES: { fault: Fault; cause: Cause }[] = [
  { fault: 'none', cause: 'ok' },
  { fault: 'wrong-key', cause: 'wrong-key' },
  { fault: 'wrong-iv', cause: 'wrong-iv' },
  { fault: 'key-encoding', cause: 'key-encoding' },
  { fault: 'iv-encoding', cause: 'iv-encoding' },
  { fault: 'ciphertext-encoding', cause: 'ciphertext-encoding' },
  { fault: 'iv-not-stripped', cause: 'iv-not-stripped' },
  { fault: 'length', cause: 'length' },
  { fault: 'bad-padding', cause: 'bad-padding' }
];

export interface GoodExample {
  key: Uint8Array;
  iv: Uint8Array;
  plaintext: string;
}

/** A diagnoser input with one classic mistake planted in a good encryption of `good`. */
export function plantFault(good: GoodExample, fault: Fault): DiagnoseInput {
  const { key, iv, plaintext } = good;
  const t = encryptTrace({ key, iv, plaintext: utf8ToBytes(plaintext) });
  const hexKey = { text: bytesToHex(key), encoding: 'hex' as const };
  const hexIv = { text: bytesToHex(iv), encoding: 'hex' as const };
  const b64 = (c: Uint8Array) => ({ text: bytesToBase64(c), encoding: 'base64' as const });
  const base: DiagnoseInput = { key: hexKey, iv: hexIv, ciphertext: b64(t.ciphertext), expected: plaintext };
  switch (fault) {
    case 'none':
      return base;
    case 'wrong-key':
      return { ...base, key: { text: bytesToHex(key.map((b, i) => b ^ (0x5a + i))), encoding: 'hex' } };
    case 'wrong-iv':
      return { ...base, iv: { text: bytesToHex(iv.map((b, i) => b ^ (0x33 + 7 * i))), encoding: 'hex' } };
    case 'key-encoding':
      return { ...base, key: { text: bytesToHex(key), encoding: 'utf8' } };
    case 'iv-encoding':
      return { ...base, iv: { text: bytesToBase64(iv), encoding: 'hex' } };
    case 'ciphertext-encoding':
      return { ...base, ciphertext: { text: bytesToHex(t.ciphertext), encoding: 'base64' } };
    case 'iv-not-stripped':
      return { ...base, ciphertext: b64(t.wire.bytes) };
    case 'length':
      return { ...base, ciphertext: b64(t.ciphertext.subarray(0, t.ciphertext.length - 5)) };
    case 'bad-padding': {
      const bytes = utf8ToBytes(plaintext);
      const zero = new Uint8Array(Math.ceil(bytes.length / BLOCK_SIZE) * BLOCK_SIZE || BLOCK_SIZE);
      zero.set(bytes);
      return { ...base, ciphertext: b64(encryptTrace({ key, iv, plaintext: zero, padding: 'none' }).ciphertext) };
    }
  }
}
