// Single-block AES (FIPS-197 §5.1 Cipher, §5.3 InvCipher) for code that chains blocks itself:
// the ECB lesson, the picture lesson's resumable CBC, bit flipping. The AES is node-forge's,
// through the seam (forge-aes.ts); the key check is ours, so a bad key is an ERR_KEY_LENGTH.
import { forgeBlock } from './forge-aes';
import { KeyLengthError } from './errors';
import { isAesKeyLength } from './key-length';

export type KeySize = 128 | 192 | 256;

export interface BlockCipher {
  readonly keySize: KeySize;
  /** AES_K(src[srcOff..+16]) → dst[dstOff..+16]. */
  encryptBlock(src: Uint8Array, srcOff: number, dst: Uint8Array, dstOff: number): void;
  /** AES⁻¹_K(src[srcOff..+16]) → dst[dstOff..+16]. */
  decryptBlock(src: Uint8Array, srcOff: number, dst: Uint8Array, dstOff: number): void;
}

export function checkKey(key: Uint8Array): KeySize {
  if (!isAesKeyLength(key.length)) throw new KeyLengthError(key.length);
  return (key.length * 8) as KeySize;
}

export function createBlockCipher(key: Uint8Array): BlockCipher {
  const keySize = checkKey(key);
  const aes = forgeBlock(key);
  return {
    keySize,
    encryptBlock: (src, srcOff, dst, dstOff) => aes.run('encrypt', src, srcOff, dst, dstOff, 1),
    decryptBlock: (src, srcOff, dst, dstOff) => aes.run('decrypt', src, srcOff, dst, dstOff, 1)
  };
}
