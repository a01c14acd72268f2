// AES-CBC as a trace (SP 800-38A §6.2):
//   encrypt  C₁ = CIPH_K(P₁ ⊕ IV),  Cⱼ = CIPH_K(Pⱼ ⊕ Cⱼ₋₁)
//   decrypt  P₁ = CIPH⁻¹_K(C₁) ⊕ IV, Pⱼ = CIPH⁻¹_K(Cⱼ) ⊕ Cⱼ₋₁
// Every stage lands in one contiguous buffer; the per-block entries read subarray views of those
// buffers when asked, so a 1 MiB trace costs a few buffers of 1 MiB plus one small object per block.
// The AES-CBC itself is node-forge's own mode with padding off (forge-aes.ts): every Cᵢ comes out
// of it whole, and Xᵢ = Pᵢ ⊕ Cᵢ₋₁ is derived beside it, the same bytes forge's mode fed its cipher.
import { checkKey, type KeySize } from './aes-block';
import { forgeCbc } from './forge-aes';
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
  (PaddingInfo & { ok: true }) | { scheme: 'pkcs7'; ok: false; check: Extract<PaddingCheck, { ok: false }> };

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

// BLOCK_SIZE read once: in a CommonJS or vite-node transform every read of an imported binding is a
// property get on the module object, and the loops below would pay one per byte.
const B = BLOCK_SIZE;

function checkIv(iv: Uint8Array): void {
  if (iv.length !== BLOCK_SIZE) throw new IvLengthError(iv.length);
}

/** Xᵢ = Pᵢ ⊕ Cᵢ₋₁ (C₀ = IV) for every block: CIPH_K's input when encrypting, CIPH⁻¹_K's output when decrypting. */
function chainXor(padded: Uint8Array, iv: Uint8Array, ciphertext: Uint8Array): Uint8Array {
  const n = padded.length;
  const xored = new Uint8Array(n);
  for (let j = 0; j < B && j < n; j++) xored[j] = padded[j] ^ iv[j];
  if (padded.byteOffset % 4 === 0 && ciphertext.byteOffset % 4 === 0) {
    // four bytes per step where both inputs are 4-byte aligned (they are ours, or a caller's view
    // at a block boundary); XOR is bytewise, so the host's byte order does not matter
    const p = new Int32Array(padded.buffer, padded.byteOffset, n >> 2);
    const c = new Int32Array(ciphertext.buffer, ciphertext.byteOffset, n >> 2);
    const x = new Int32Array(xored.buffer, 0, n >> 2);
    for (let w = B >> 2; w < x.length; w++) x[w] = p[w] ^ c[w - (B >> 2)];
  } else {
    for (let o = B; o < n; o++) xored[o] = padded[o] ^ ciphertext[o - B];
  }
  return xored;
}

/** The trace's contiguous buffers, which every block of it reads its views from. */
interface ChainBuffers {
  iv: Uint8Array;
  padded: Uint8Array;
  xored: Uint8Array;
  ciphertext: Uint8Array;
}

const at = (bytes: Uint8Array, i: number) => bytes.subarray(i * B, i * B + B);

/**
 * One block whose four fields are views made when read, not when the trace is built: a 1 MiB
 * trace has 65,537 blocks, and three typed-array views each, made up front, took more time (and
 * 20 MiB of heap) than forge's AES of the whole message. Each read gives a fresh view of the same
 * bytes. `toJSON` lists the fields as own data, for serialisers that walk own properties.
 */
class ChainBlock implements BlockStep {
  readonly #buffers: ChainBuffers;
  constructor(
    readonly index: number,
    buffers: ChainBuffers
  ) {
    this.#buffers = buffers;
  }
  get plaintextBlock(): Uint8Array {
    return at(this.#buffers.padded, this.index);
  }
  /** Cᵢ₋₁ itself (SP 800-38A §6.2): a view of the ciphertext, or the IV for block 0 */
  get chainInput(): Uint8Array {
    return this.index === 0 ? this.#buffers.iv : at(this.#buffers.ciphertext, this.index - 1);
  }
  get xored(): Uint8Array {
    return at(this.#buffers.xored, this.index);
  }
  get cipherBlock(): Uint8Array {
    return at(this.#buffers.ciphertext, this.index);
  }
  toJSON(): BlockStep {
    const { index, plaintextBlock, chainInput, xored, cipherBlock } = this;
    return { index, plaintextBlock, chainInput, xored, cipherBlock };
  }
}

function blockViews(n: number, buffers: ChainBuffers): BlockStep[] {
  const blocks = new Array<BlockStep>(n);
  for (let i = 0; i < n; i++) blocks[i] = new ChainBlock(i, buffers);
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

  const ciphertext = forgeCbc('encrypt', key, iv, padded);
  const xored = chainXor(padded, iv, ciphertext);

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
    blocks: blockViews(total / B, { iv, padded, xored, ciphertext }),
    ciphertext,
    wire: wireForm(iv, ciphertext)
  };
}

export function decryptTrace({ key, iv, ciphertext, padding = 'pkcs7' }: DecryptOptions): DecryptTrace {
  const keySize = checkKey(key);
  checkIv(iv);
  const total = ciphertext.length;
  if (total === 0 || total % BLOCK_SIZE !== 0) throw new CiphertextLengthError(total);

  const padded = forgeCbc('decrypt', key, iv, ciphertext);
  const xored = chainXor(padded, iv, ciphertext);

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
    blocks: blockViews(total / B, { iv, padded, xored, ciphertext }),
    padded,
    padding: pad,
    plaintext
  };
}
