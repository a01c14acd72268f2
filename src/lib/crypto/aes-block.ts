// The one file that touches node-forge: single-block AES (FIPS-197 §5.1 Cipher, §5.3 InvCipher).
// Forge works on big-endian 32-bit words; we hand it one 16-byte block at a time and do the
// chaining ourselves (cbc.ts), because the chaining is what CBC Lab shows.
import aes from 'node-forge/lib/aes.js';
import { KeyLengthError } from './errors';

export type KeySize = 128 | 192 | 256;

export interface BlockCipher {
  readonly keySize: KeySize;
  /** AES_K(src[srcOff..+16]) → dst[dstOff..+16]. */
  encryptBlock(src: Uint8Array, srcOff: number, dst: Uint8Array, dstOff: number): void;
  /** AES⁻¹_K(src[srcOff..+16]) → dst[dstOff..+16]. */
  decryptBlock(src: Uint8Array, srcOff: number, dst: Uint8Array, dstOff: number): void;
}

export function checkKey(key: Uint8Array): KeySize {
  if (key.length !== 16 && key.length !== 24 && key.length !== 32) throw new KeyLengthError(key.length);
  return (key.length * 8) as KeySize;
}

function toWords(key: Uint8Array): number[] {
  const words: number[] = [];
  for (let i = 0; i < key.length; i += 4) {
    words.push(((key[i] << 24) | (key[i + 1] << 16) | (key[i + 2] << 8) | key[i + 3]) | 0);
  }
  return words;
}

export function createBlockCipher(key: Uint8Array): BlockCipher {
  const keySize = checkKey(key);
  const words = toWords(key);
  let encSchedule: number[] | null = null;
  let decSchedule: number[] | null = null;
  const inW = [0, 0, 0, 0];
  const outW = [0, 0, 0, 0];

  function run(schedule: number[], decrypt: boolean, src: Uint8Array, so: number, dst: Uint8Array, d: number) {
    for (let j = 0; j < 4; j++) {
      const o = so + 4 * j;
      inW[j] = (src[o] << 24) | (src[o + 1] << 16) | (src[o + 2] << 8) | src[o + 3];
    }
    aes._updateBlock(schedule, inW, outW, decrypt);
    for (let j = 0; j < 4; j++) {
      const w = outW[j];
      const o = d + 4 * j;
      dst[o] = w >>> 24;
      dst[o + 1] = (w >>> 16) & 255;
      dst[o + 2] = (w >>> 8) & 255;
      dst[o + 3] = w & 255;
    }
  }

  return {
    keySize,
    encryptBlock(src, so, dst, d) {
      encSchedule ??= aes._expandKey(words, false);
      run(encSchedule, false, src, so, dst, d);
    },
    decryptBlock(src, so, dst, d) {
      decSchedule ??= aes._expandKey(words, true);
      run(decSchedule, true, src, so, dst, d);
    }
  };
}
