// AES-CBC as a trace (SP 800-38A §6.2):
//   encrypt  C₁ = CIPH_K(P₁ ⊕ IV),  Cⱼ = CIPH_K(Pⱼ ⊕ Cⱼ₋₁)
//   decrypt  P₁ = CIPH⁻¹_K(C₁) ⊕ IV, Pⱼ = CIPH⁻¹_K(Cⱼ) ⊕ Cⱼ₋₁
// Every stage lands in one contiguous buffer; the per-block entries are subarray views into
// those buffers, so a 1 MiB trace costs a few buffers of 1 MiB plus one small object per block.
import { createBlockCipher, checkKey, type KeySize } from './aes-block';
import { CiphertextLengthError, IvLengthError, PlaintextLengthError } from './errors';
import { BLOCK_SIZE, checkPkcs7, padLengthFor, type PaddingCheck } from './pkcs7';
import { wireForm, type WireForm } from './wire';

export type Padding = 'pkcs7' | 'none';

/** One block of the chain. The same names serve both directions. */
export interface BlockStep {
  index: number;
  /** Pᵢ (after padding when encrypting; recovered, still padded, when decrypting) */
  plaintextBlock: Uint8Array;
  /** the IV for block 0, otherwise Cᵢ₋₁ */
  chainInput: Uint8Array;
  /** Pᵢ ⊕ chainInput, which is also CIPH⁻¹_K(Cᵢ) */
  xored: Uint8Array;
  /** Cᵢ */
  cipherBlock: Uint8Array;
}

export interface PaddingInfo {
  scheme: Padding;
  /** pad bytes added (encrypt) or found valid (decrypt); 0 for `none` */
  padLength: number;
  /** view of the pad bytes at the end of `padded` */
  padBytes: Uint8Array;
  /** the input was already a multiple of 16, so PKCS#7 added a whole block of 0x10 */
  fullBlock: boolean;
}

export interface EncryptTrace {
  direction: 'encrypt';
  keySize: KeySize;
  key: Uint8Array;
  iv: Uint8Array;
  /** the message bytes before padding */
  input: Uint8Array;
  padding: PaddingInfo;
  /** input ‖ pad bytes */
  padded: Uint8Array;
  blocks: BlockStep[];
  ciphertext: Uint8Array;
  wire: WireForm;
}

export type DecryptPadding =
  | (PaddingInfo & { ok: true })
  | { scheme: 'pkcs7'; ok: false; check: Extract<PaddingCheck, { ok: false }> };

export interface DecryptTrace {
  direction: 'decrypt';
  keySize: KeySize;
  key: Uint8Array;
  iv: Uint8Array;
  ciphertext: Uint8Array;
  wire: WireForm;
  blocks: BlockStep[];
  /** the recovered plaintext with its padding still on */
  padded: Uint8Array;
  /** the padding check as an outcome, not an exception: a page explains a failure */
  padding: DecryptPadding;
  /** view of `padded` without the pad, or null when the padding check failed */
  plaintext: Uint8Array | null;
}

export type Trace = EncryptTrace | DecryptTrace;

export interface EncryptOptions {
  key: Uint8Array;
  iv: Uint8Array;
  plaintext: Uint8Array;
  padding?: Padding;
}

export interface DecryptOptions {
  key: Uint8Array;
  iv: Uint8Array;
  ciphertext: Uint8Array;
  padding?: Padding;
}

function checkIv(iv: Uint8Array): void {
  if (iv.length !== BLOCK_SIZE) throw new IvLengthError(iv.length);
}

function blockViews(
  n: number,
  iv: Uint8Array,
  padded: Uint8Array,
  xored: Uint8Array,
  ciphertext: Uint8Array
): BlockStep[] {
  const blocks = new Array<BlockStep>(n);
  // chainInput of block i+1 is Cᵢ itself (SP 800-38A §6.2), so it shares block i's cipherBlock
  // view instead of making a fourth view per block: a 1 MiB trace has 65,536 blocks.
  let chainInput = iv;
  for (let i = 0; i < n; i++) {
    const o = i * BLOCK_SIZE;
    const cipherBlock = ciphertext.subarray(o, o + BLOCK_SIZE);
    blocks[i] = {
      index: i,
      plaintextBlock: padded.subarray(o, o + BLOCK_SIZE),
      chainInput,
      xored: xored.subarray(o, o + BLOCK_SIZE),
      cipherBlock
    };
    chainInput = cipherBlock;
  }
  return blocks;
}

export function encryptTrace({ key, iv, plaintext, padding = 'pkcs7' }: EncryptOptions): EncryptTrace {
  const keySize = checkKey(key);
  checkIv(iv);
  if (padding === 'none' && plaintext.length % BLOCK_SIZE !== 0) {
    throw new PlaintextLengthError(plaintext.length);
  }
  const padLength = padding === 'pkcs7' ? padLengthFor(plaintext.length) : 0;
  const total = plaintext.length + padLength;
  const padded = new Uint8Array(total);
  padded.set(plaintext);
  padded.fill(padLength, plaintext.length);

  const xored = new Uint8Array(total);
  const ciphertext = new Uint8Array(total);
  const aes = createBlockCipher(key);
  for (let o = 0; o < total; o += BLOCK_SIZE) {
    const chain = o === 0 ? iv : ciphertext;
    const co = o === 0 ? 0 : o - BLOCK_SIZE;
    for (let j = 0; j < BLOCK_SIZE; j++) xored[o + j] = padded[o + j] ^ chain[co + j];
    aes.encryptBlock(xored, o, ciphertext, o);
  }

  return {
    direction: 'encrypt',
    keySize,
    key,
    iv,
    input: plaintext,
    padding: {
      scheme: padding,
      padLength,
      padBytes: padded.subarray(plaintext.length),
      fullBlock: padLength === BLOCK_SIZE
    },
    padded,
    blocks: blockViews(total / BLOCK_SIZE, iv, padded, xored, ciphertext),
    ciphertext,
    wire: wireForm(iv, ciphertext)
  };
}

export function decryptTrace({ key, iv, ciphertext, padding = 'pkcs7' }: DecryptOptions): DecryptTrace {
  const keySize = checkKey(key);
  checkIv(iv);
  const total = ciphertext.length;
  if (total === 0 || total % BLOCK_SIZE !== 0) throw new CiphertextLengthError(total);

  const xored = new Uint8Array(total);
  const padded = new Uint8Array(total);
  const aes = createBlockCipher(key);
  for (let o = 0; o < total; o += BLOCK_SIZE) {
    aes.decryptBlock(ciphertext, o, xored, o);
    const chain = o === 0 ? iv : ciphertext;
    const co = o === 0 ? 0 : o - BLOCK_SIZE;
    for (let j = 0; j < BLOCK_SIZE; j++) padded[o + j] = xored[o + j] ^ chain[co + j];
  }

  let pad: DecryptPadding;
  let plaintext: Uint8Array | null;
  if (padding === 'none') {
    pad = { scheme: 'none', ok: true, padLength: 0, padBytes: padded.subarray(total), fullBlock: false };
    plaintext = padded;
  } else {
    const check = checkPkcs7(padded);
    if (check.ok) {
      pad = {
        scheme: 'pkcs7',
        ok: true,
        padLength: check.padLength,
        padBytes: padded.subarray(total - check.padLength),
        fullBlock: check.padLength === BLOCK_SIZE
      };
      plaintext = padded.subarray(0, total - check.padLength);
    } else {
      pad = { scheme: 'pkcs7', ok: false, check };
      plaintext = null;
    }
  }

  return {
    direction: 'decrypt',
    keySize,
    key,
    iv,
    ciphertext,
    wire: wireForm(iv, ciphertext),
    blocks: blockViews(total / BLOCK_SIZE, iv, padded, xored, ciphertext),
    padded,
    padding: pad,
    plaintext
  };
}
