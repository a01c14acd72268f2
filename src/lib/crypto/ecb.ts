// ECB, shown as the anti-example (SP 800-38A §6.1: Cⱼ = CIPH_K(Pⱼ), every block on its own).
// CBC Lab never sends ECB: it exists here so lesson 4 can show what it leaks. Equal plaintext
// blocks give equal ciphertext blocks under one key, so the outline of a picture survives.
// The picture lesson also needs raw CBC over whole blocks in resumable chunks (no padding, the
// chain carried between calls), so the page can encrypt a 1 MiB image without freezing.
import { createBlockCipher, type BlockCipher } from './aes-block';
import { bytesToHex, bytesToLatin1, latin1ToBytes } from './bytes';
import { PlaintextLengthError, IvLengthError } from './errors';
import { BLOCK_SIZE } from './pkcs7';

function checkWhole(length: number): void {
  if (length % BLOCK_SIZE !== 0) throw new PlaintextLengthError(length);
}

/** ECB over whole blocks: Cⱼ = CIPH_K(Pⱼ). No padding: the input must be a multiple of 16. */
export function ecbEncrypt(key: Uint8Array, plaintext: Uint8Array): Uint8Array {
  checkWhole(plaintext.length);
  const out = new Uint8Array(plaintext.length);
  ecbEncryptBlocks(createBlockCipher(key), plaintext, out, 0, plaintext.length / BLOCK_SIZE);
  return out;
}

/** ECB decryption over whole blocks: Pⱼ = CIPH⁻¹_K(Cⱼ). */
export function ecbDecrypt(key: Uint8Array, ciphertext: Uint8Array): Uint8Array {
  checkWhole(ciphertext.length);
  const aes = createBlockCipher(key);
  const out = new Uint8Array(ciphertext.length);
  for (let o = 0; o < ciphertext.length; o += BLOCK_SIZE) aes.decryptBlock(ciphertext, o, out, o);
  return out;
}

/** ECB-encrypt blocks [from, to) of `src` into the same place in `dst`. */
export function ecbEncryptBlocks(aes: BlockCipher, src: Uint8Array, dst: Uint8Array, from: number, to: number): void {
  for (let b = from; b < to; b++) aes.encryptBlock(src, b * BLOCK_SIZE, dst, b * BLOCK_SIZE);
}

/**
 * CBC-encrypt blocks [from, to) of `src` into `dst` without padding (SP 800-38A §6.2). Block
 * `from` chains from `iv` when from = 0, otherwise from dst's previous block, so calling it for
 * consecutive ranges equals one call over the whole input.
 */
export function cbcEncryptBlocks(
  aes: BlockCipher,
  iv: Uint8Array,
  src: Uint8Array,
  dst: Uint8Array,
  from: number,
  to: number
): void {
  if (iv.length !== BLOCK_SIZE) throw new IvLengthError(iv.length);
  const x = new Uint8Array(BLOCK_SIZE);
  for (let b = from; b < to; b++) {
    const o = b * BLOCK_SIZE;
    const chain = b === 0 ? iv : dst;
    const co = b === 0 ? 0 : o - BLOCK_SIZE;
    for (let j = 0; j < BLOCK_SIZE; j++) x[j] = src[o + j] ^ chain[co + j];
    aes.encryptBlock(x, 0, dst, o);
  }
}

export interface BlockRepeats {
  /** number of whole blocks */
  blocks: number;
  /** number of distinct block values */
  distinct: number;
  /** blocks whose value occurs elsewhere too */
  repeated: number;
  /** the most frequent block value, as hex, and how often it occurs */
  top: { hex: string; count: number } | null;
}

/** How many 16-byte blocks of `bytes` repeat: the statistic that tells ECB from CBC at a glance. */
export function blockRepeats(bytes: Uint8Array): BlockRepeats {
  const n = Math.floor(bytes.length / BLOCK_SIZE);
  const counts = new Map<string, number>();
  for (let b = 0; b < n; b++) {
    const k = bytesToLatin1(bytes, b * BLOCK_SIZE, (b + 1) * BLOCK_SIZE);
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  let repeated = 0;
  let top: { hex: string; count: number } | null = null;
  for (const [k, c] of counts) {
    if (c > 1) repeated += c;
    if (!top || c > top.count) top = { hex: k, count: c };
  }
  if (top) {
    top = { hex: bytesToHex(latin1ToBytes(top.hex)), count: top.count };
  }
  return { blocks: n, distinct: counts.size, repeated, top };
}
