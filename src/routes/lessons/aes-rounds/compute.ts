// /lessons/aes-rounds: from the link (or what the learner typed) to one AES block, its key and
// its rounds, or to the error of each field. Nothing here throws (DESIGN.md, Errors).
//   ?key=<hex>&block=<32 hex>                    one block, as it is
//   ?key=<hex>&iv=<hex>&text=<text>&i=<index>    block i (from 0) of the AES-CBC trace of text
//   &dir=decrypt                                 the inverse cipher on the block (trace: on Cᵢ)
//   &enc=hex|base64                              how text is typed (default UTF-8)
//   &step=<k>  &bit=<b>                          the step shown (from 1), the bit flipped
import {
  CiphertextLengthError,
  CryptoError,
  PlaintextLengthError,
  checkKey,
  decodeText,
  encryptTrace,
  hexToBytes,
  type Encoding
} from '$lib/crypto';
import { asFieldError } from '$lib/crypto/errors';
import { decryptRounds, encryptRounds, type BlockRounds } from '$lib/crypto/teaching-aes';

export type Source = 'block' | 'trace';
export type Direction = 'encrypt' | 'decrypt';
export type Field = 'key' | 'block' | 'iv' | 'text';

export interface AesForm {
  source: Source;
  dir: Direction;
  key: string;
  block: string;
  iv: string;
  text: string;
  enc: Encoding;
  /** block index in the trace, from 0 */
  i: number;
}

export type FieldErrors = Partial<Record<Field, CryptoError>>;

export interface Picked {
  rounds: BlockRounds;
  /** where the block came from, in words */
  origin: string;
  /** the trace mode: how many blocks the message has, and the index actually used */
  blockCount: number | null;
  index: number | null;
}

export interface Attempt {
  picked: Picked | null;
  errors: FieldErrors;
}

export const NIST_KEY = '2b7e151628aed2a6abf7158809cf4f3c';
export const NIST_IV = '000102030405060708090a0b0c0d0e0f';

export const DEFAULT_FORM: AesForm = {
  source: 'trace',
  dir: 'encrypt',
  key: NIST_KEY,
  block: '',
  iv: NIST_IV,
  text: 'Attack at dawn! Bring coffee.',
  enc: 'utf8',
  i: 0
};

/** The FIPS-197 examples, as links. */
export const EXAMPLES = [
  {
    label: 'FIPS-197 C.1 (AES-128)',
    query: 'key=000102030405060708090a0b0c0d0e0f&block=00112233445566778899aabbccddeeff'
  },
  {
    label: 'C.2 (AES-192)',
    query: 'key=000102030405060708090a0b0c0d0e0f1011121314151617&block=00112233445566778899aabbccddeeff'
  },
  {
    label: 'C.3 (AES-256)',
    query: 'key=000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f&block=00112233445566778899aabbccddeeff'
  },
  {
    label: 'C.1 decrypt',
    query: 'key=000102030405060708090a0b0c0d0e0f&block=69c4e0d86a7b0430d8cdb78070b4c55a&dir=decrypt'
  },
  { label: 'appendix B', query: `key=${NIST_KEY}&block=3243f6a8885a308d313198a2e0370734` },
  {
    label: 'block 2 of a message',
    query: `key=${NIST_KEY}&iv=${NIST_IV}&text=${encodeURIComponent('Meet me at the old mill at six.')}&i=1`
  }
];

const asError = (e: unknown, field: Field): CryptoError => asFieldError(e, field);

export function parseKey(text: string): { key: Uint8Array | null; error?: CryptoError } {
  try {
    const key = hexToBytes(text.trim(), 'key');
    checkKey(key);
    return { key };
  } catch (e) {
    return { key: null, error: asError(e, 'key') };
  }
}

function parseBlock(text: string, dir: Direction): { block: Uint8Array | null; error?: CryptoError } {
  try {
    const block = hexToBytes(text.trim(), 'block');
    if (block.length !== 16) {
      // one AES block is 128 bits (FIPS-197 §3.1); the code says which side of the cipher it is
      const n = block.length;
      const err = dir === 'encrypt' ? new PlaintextLengthError(n) : new CiphertextLengthError(n);
      return {
        block: null,
        error: new CryptoError(
          err.code,
          `block: expected exactly 16 bytes (32 hex digits), got ${n} bytes; AES works on one 128-bit block`,
          { expected: 16, actual: n }
        )
      };
    }
    return { block };
  } catch (e) {
    return { block: null, error: asError(e, 'block') };
  }
}

export function compute(form: AesForm): Attempt {
  const errors: FieldErrors = {};
  const { key, error: keyError } = parseKey(form.key);
  if (keyError) errors.key = keyError;
  const run = form.dir === 'encrypt' ? encryptRounds : decryptRounds;

  if (form.source === 'block') {
    const { block, error } = parseBlock(form.block, form.dir);
    if (error) errors.block = error;
    if (!key || !block) return { picked: null, errors };
    return {
      picked: {
        rounds: run(key, block),
        origin: form.dir === 'encrypt' ? 'the block you typed' : 'the ciphertext block you typed',
        blockCount: null,
        index: null
      },
      errors
    };
  }

  let iv: Uint8Array | null = null;
  try {
    iv = hexToBytes(form.iv.trim(), 'iv');
    if (iv.length !== 16) {
      errors.iv = new CryptoError(
        'ERR_IV_LENGTH',
        `iv: expected 16 bytes (32 hex digits), got ${iv.length} bytes; the IV is exactly one AES block`,
        {
          expected: 16,
          actual: iv.length
        }
      );
      iv = null;
    }
  } catch (e) {
    errors.iv = asError(e, 'iv');
  }
  let plaintext: Uint8Array | null = null;
  try {
    plaintext = decodeText(form.enc === 'utf8' ? form.text : form.text.trim(), form.enc, 'text');
  } catch (e) {
    errors.text = asError(e, 'text');
  }
  if (!key || !iv || !plaintext) return { picked: null, errors };
  const trace = encryptTrace({ key, iv, plaintext });
  const n = trace.blocks.length;
  const index = Math.max(0, Math.min(n - 1, Math.trunc(form.i) || 0));
  const b = trace.blocks[index];
  // encrypting block i runs AES on Pᵢ ⊕ Cᵢ₋₁ and gives Cᵢ; decrypting runs AES⁻¹ on Cᵢ and gives that XOR back
  const rounds = form.dir === 'encrypt' ? run(key, b.xored) : run(key, b.cipherBlock);
  const name = `block ${index + 1} of ${n}`;
  return {
    picked: {
      rounds,
      origin:
        form.dir === 'encrypt'
          ? `${name}: P${index + 1} ⊕ ${index === 0 ? 'IV' : `C${index}`}`
          : `${name}: C${index + 1}`,
      blockCount: n,
      index
    },
    errors
  };
}

export interface Link {
  form: AesForm;
  step: number | null;
  bit: number;
}

export function readLink(q: URLSearchParams): Link {
  const form: AesForm = { ...DEFAULT_FORM };
  if (q.has('key')) form.key = q.get('key') ?? '';
  if (q.has('block')) {
    form.source = 'block';
    form.block = q.get('block') ?? '';
  } else if (q.has('text') || q.has('iv') || q.has('i')) {
    form.source = 'trace';
    if (q.has('iv')) form.iv = q.get('iv') ?? '';
    if (q.has('text')) form.text = q.get('text') ?? '';
    const enc = q.get('enc');
    if (enc === 'hex' || enc === 'base64') form.enc = enc;
    form.i = Math.max(0, Number.parseInt(q.get('i') ?? '0', 10) || 0);
  }
  if (q.get('dir') === 'decrypt') form.dir = 'decrypt';
  const step = Number.parseInt(q.get('step') ?? '', 10);
  const bit = Number.parseInt(q.get('bit') ?? '', 10);
  return {
    form,
    step: Number.isFinite(step) && step >= 1 ? step : null,
    bit: Number.isFinite(bit) ? Math.max(0, Math.min(127, bit)) : 0
  };
}

export function writeLink(form: AesForm, step: number, bit: number): string {
  const q = new URLSearchParams();
  q.set('key', form.key.trim());
  if (form.source === 'block') q.set('block', form.block.trim());
  else {
    q.set('iv', form.iv.trim());
    q.set('text', form.text.length > 2000 ? form.text.slice(0, 2000) : form.text);
    if (form.enc !== 'utf8') q.set('enc', form.enc);
    q.set('i', String(form.i));
  }
  if (form.dir === 'decrypt') q.set('dir', 'decrypt');
  q.set('step', String(step));
  if (bit) q.set('bit', String(bit));
  return '?' + q.toString();
}
