// From what the learner typed (or a link) to a trace, or to the errors of each field. Nothing
// here throws: every CryptoError lands on the field that caused it (DESIGN.md, Errors).
import {
  CryptoError,
  KeyLengthError,
  PlaintextLengthError,
  decodeText,
  decryptTrace,
  encryptTrace,
  hexToBytes,
  isAesKeyLength,
  parseWireBase64,
  type Encoding,
  type Padding,
  type Trace
} from '$lib/crypto';
import { asFieldError } from '$lib/crypto/errors';

export type Mode = 'encrypt' | 'decrypt';
export type KeyBits = 128 | 192 | 256;
export type Field = 'text' | 'key' | 'iv' | 'wire';

export interface Form {
  mode: Mode;
  text: string;
  enc: Encoding;
  key: string;
  keyBits: KeyBits;
  iv: string;
  padding: Padding;
  wire: string;
}

export type FieldErrors = Partial<Record<Field, CryptoError>>;

export const NIST_KEY = '2b7e151628aed2a6abf7158809cf4f3c';
export const NIST_IV = '000102030405060708090a0b0c0d0e0f';

export const DEFAULT_FORM: Form = {
  mode: 'encrypt',
  text: 'Café ☕ at dawn: attack!',
  enc: 'utf8',
  key: NIST_KEY,
  keyBits: 128,
  iv: NIST_IV,
  padding: 'pkcs7',
  wire: ''
};

/** Links longer than this leave the message out (servers refuse very long request lines). */
export const MAX_LINK_TEXT = 4000;

const asError = (e: unknown, field: Field): CryptoError => asFieldError(e, field);

export function parseKey(text: string, bits: KeyBits): { key: Uint8Array | null; error?: CryptoError } {
  try {
    const key = hexToBytes(text.trim(), 'key');
    if (!isAesKeyLength(key.length)) return { key: null, error: new KeyLengthError(key.length) };
    if (key.length * 8 !== bits) {
      return {
        key: null,
        error: new CryptoError(
          'ERR_KEY_LENGTH',
          `key: expected ${bits / 8} bytes (${bits / 4} hex digits) for AES-${bits}, got ${key.length} bytes; ` +
            `pick AES-${key.length * 8} or press "random key"`,
          { expected: bits / 8, actual: key.length }
        )
      };
    }
    return { key };
  } catch (e) {
    return { key: null, error: asError(e, 'key') };
  }
}

export interface Attempt {
  trace: Trace | null;
  errors: FieldErrors;
}

export function compute(form: Form): Attempt {
  const errors: FieldErrors = {};
  const { key, error: keyError } = parseKey(form.key, form.keyBits);
  if (keyError) errors.key = keyError;

  if (form.mode === 'encrypt') {
    let iv: Uint8Array | null = null;
    try {
      iv = hexToBytes(form.iv.trim(), 'iv');
      if (iv.length !== 16) {
        errors.iv = new CryptoError(
          'ERR_IV_LENGTH',
          `iv: expected 16 bytes (32 hex digits), got ${iv.length} bytes; the IV is exactly one AES block, or press "random IV"`,
          { expected: 16, actual: iv.length }
        );
        iv = null;
      }
    } catch (e) {
      errors.iv = asError(e, 'iv');
    }
    let plaintext: Uint8Array | null = null;
    try {
      plaintext = decodeText(form.enc === 'utf8' ? form.text : form.text.trim(), form.enc, 'plaintext');
      if (form.padding === 'none' && plaintext.length % 16 !== 0) throw new PlaintextLengthError(plaintext.length);
    } catch (e) {
      errors.text = asError(e, 'text');
      plaintext = null;
    }
    if (!key || !iv || !plaintext) return { trace: null, errors };
    try {
      return { trace: encryptTrace({ key, iv, plaintext, padding: form.padding }), errors };
    } catch (e) {
      errors.text = asError(e, 'text');
      return { trace: null, errors };
    }
  }

  let parts: { iv: Uint8Array; ciphertext: Uint8Array } | null = null;
  try {
    parts = parseWireBase64(form.wire);
  } catch (e) {
    errors.wire = asError(e, 'wire');
  }
  if (!key || !parts) return { trace: null, errors };
  return { trace: decryptTrace({ key, iv: parts.iv, ciphertext: parts.ciphertext, padding: form.padding }), errors };
}

/** n bytes of readable UTF-8 with a few multi-byte characters, the same every time. */
export function sampleText(n: number): string {
  const seed = 'Grüße aus Köln ☕, the quick brown fox jumps over the lazy dog; 1234567890 — ';
  const seedBytes = new TextEncoder().encode(seed).length;
  let s = seed.repeat(Math.floor(n / seedBytes));
  const used = Math.floor(n / seedBytes) * seedBytes;
  s += 'x'.repeat(n - used);
  return s;
}

/** The wire form of the default message, so /learn?mode=decrypt alone shows something that works. */
export function defaultWire(): string {
  const t = compute({ ...DEFAULT_FORM, mode: 'encrypt' }).trace;
  return t ? t.wire.base64 : '';
}

const ENCODINGS: Encoding[] = ['utf8', 'hex', 'base64'];

export interface LinkState {
  form: Form;
  /** 1-based step from the link, or null */
  step: number | null;
  block: number | null;
  /** the message is `fill` bytes of sample text (links cannot carry a 1 MiB message) */
  fill: number | null;
}

export function readLink(params: URLSearchParams): LinkState {
  const form: Form = { ...DEFAULT_FORM };
  const mode = params.get('mode');
  if (mode === 'encrypt' || mode === 'decrypt') form.mode = mode;
  const enc = params.get('enc');
  if (enc && (ENCODINGS as string[]).includes(enc)) form.enc = enc as Encoding;
  const padding = params.get('padding');
  if (padding === 'none' || padding === 'pkcs7') form.padding = padding;
  if (params.has('key')) form.key = params.get('key') ?? '';
  const bits = Number(params.get('bits'));
  if (bits === 128 || bits === 192 || bits === 256) form.keyBits = bits;
  else {
    const digits = form.key.replace(/\s/g, '').length;
    form.keyBits = digits === 48 ? 192 : digits === 64 ? 256 : 128;
  }
  if (params.has('iv')) form.iv = params.get('iv') ?? '';
  if (params.has('text')) form.text = params.get('text') ?? '';
  if (params.has('wire')) form.wire = (params.get('wire') ?? '').replace(/ /g, '+');
  let fill: number | null = null;
  const f = Number(params.get('fill'));
  if (Number.isInteger(f) && f > 0 && f <= 4 * 1024 * 1024) {
    fill = f;
    form.text = sampleText(f);
    form.enc = 'utf8';
  }
  if (form.mode === 'decrypt' && !params.has('wire')) form.wire = defaultWire();
  const step = params.has('step') ? Number(params.get('step')) : NaN;
  const block = params.has('block') ? Number(params.get('block')) : NaN;
  return {
    form,
    step: Number.isInteger(step) && step >= 1 ? step : null,
    block: Number.isInteger(block) && block >= 0 ? block : null,
    fill
  };
}

export function writeLink(form: Form, step: number, fill: number | null, block: number | null = null): string {
  const p = new URLSearchParams();
  p.set('mode', form.mode);
  p.set('key', form.key);
  if (form.key.replace(/\s/g, '').length * 4 !== form.keyBits) p.set('bits', String(form.keyBits));
  if (form.mode === 'encrypt') {
    p.set('iv', form.iv);
    if (form.enc !== 'utf8') p.set('enc', form.enc);
    if (fill !== null) p.set('fill', String(fill));
    else if (form.text.length <= MAX_LINK_TEXT) p.set('text', form.text);
  } else if (form.wire.length <= MAX_LINK_TEXT) p.set('wire', form.wire);
  if (form.padding !== 'pkcs7') p.set('padding', form.padding);
  p.set('step', String(step));
  if (block !== null) p.set('block', String(block));
  return `?${p.toString()}`;
}
