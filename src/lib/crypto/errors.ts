// Every failure the engine reports is a CryptoError: a stable `code` (src/lib/errors/codes.ts,
// area crypto; docs/errors.md, "Crypto") and the structured fields a shell needs to explain it:
// `expected`, `actual` and, where the input is text or bytes, the `position` of the first
// offending character or byte.

import { CodedError, isCodedError, type ErrorDetails } from '../errors/coded-error';
import type { CodeIn } from '../errors/codes';

export type CryptoErrorCode = CodeIn<'crypto'>;

export type CryptoErrorDetails = ErrorDetails;

export class CryptoError extends CodedError<CryptoErrorCode> {}

/** The key is not 16, 24 or 32 bytes (AES-128/192/256, FIPS-197 §5). */
export class KeyLengthError extends CryptoError {
  constructor(actual: number) {
    super(
      'ERR_KEY_LENGTH',
      `key: expected 16, 24 or 32 bytes (32, 48 or 64 hex digits), got ${actual} bytes; ` +
        'paste the whole key or pick a key size',
      { expected: '16, 24 or 32', actual }
    );
  }
}

/** The IV is not one block (SP 800-38A §6.2: the IV is a single 128-bit block). */
export class IvLengthError extends CryptoError {
  constructor(actual: number) {
    super(
      'ERR_IV_LENGTH',
      `iv: expected 16 bytes (32 hex digits), got ${actual} bytes; the IV is exactly one AES block`,
      { expected: 16, actual }
    );
  }
}

/** Padding `none` needs whole blocks (SP 800-38A appendix A leaves padding to the caller). */
export class PlaintextLengthError extends CryptoError {
  constructor(actual: number) {
    super(
      'ERR_PLAINTEXT_LENGTH',
      `plaintext: with padding none the length must be a multiple of 16 bytes, got ${actual} bytes; ` +
        'use PKCS#7 padding or add ' +
        `${(16 - (actual % 16)) % 16} bytes`,
      { expected: 'a multiple of 16', actual }
    );
  }
}

/** Ciphertext that cannot be CBC: empty, or not whole blocks. */
export class CiphertextLengthError extends CryptoError {
  constructor(actual: number) {
    super(
      'ERR_CIPHERTEXT_LENGTH',
      actual === 0
        ? 'ciphertext: expected at least one 16-byte block, got 0 bytes; nothing to decrypt'
        : `ciphertext: expected a multiple of 16 bytes, got ${actual} bytes ` +
            `(${actual % 16} bytes past the last whole block); ` +
            'was it cut short, or is it not AES-CBC ciphertext?',
      { expected: actual === 0 ? 'at least 16' : 'a multiple of 16', actual }
    );
  }
}

/** A wire form (IV ‖ C) too short to hold an IV and one block. */
export class WireLengthError extends CryptoError {
  constructor(actual: number) {
    super(
      'ERR_WIRE_LENGTH',
      `wire: expected the 16-byte IV followed by at least one 16-byte block (32 bytes or more), ` +
        `got ${actual} bytes; did you paste only the ciphertext without its IV?`,
      { expected: 'at least 32', actual }
    );
  }
}

export type PaddingFault = 'zero' | 'too-large' | 'longer-than-data' | 'mismatch';

/** PKCS#7 padding check failed (RFC 5652 §6.3). `position` is the offending byte's index in the padded plaintext. */
export class PaddingError extends CryptoError {
  readonly fault: PaddingFault;
  constructor(message: string, fault: PaddingFault, details: CryptoErrorDetails) {
    super('ERR_BAD_PADDING', message, details);
    this.fault = fault;
  }
}

export class HexError extends CryptoError {
  constructor(message: string, details: CryptoErrorDetails) {
    super('ERR_BAD_HEX', message, details);
  }
}

export class Base64Error extends CryptoError {
  constructor(message: string, details: CryptoErrorDetails) {
    super('ERR_BAD_BASE64', message, details);
  }
}

export class Utf8Error extends CryptoError {
  constructor(message: string, details: CryptoErrorDetails) {
    super('ERR_BAD_UTF8', message, details);
  }
}

/**
 * `e` as the error shown on the field it came from. A CryptoError keeps its code; anything else
 * is a bug, not bad input, and says so as ERR_INTERNAL (never a made-up input code).
 */
export function asFieldError(e: unknown, field: string): CryptoError {
  if (e instanceof CryptoError) return e;
  const cause = isCodedError(e) ? `${e.code}: ${e.message}` : e instanceof Error ? e.message : String(e);
  return new CryptoError('ERR_INTERNAL', `${field}: ${cause}; this is a bug in CBC Lab, please report it`);
}

/** A CBC edit that cannot be made in place (bit-flip.ts planForgery, SP 800-38A §6.2). */
export class ForgeryError extends CryptoError {
  constructor(message: string, details: CryptoErrorDetails = {}) {
    super('ERR_BAD_FORGERY', message, details);
  }
}

/** The teaching AES takes exactly one block (FIPS-197 §3.4: the State is 4 × 4 bytes). */
export class BlockLengthError extends CryptoError {
  constructor(actual: number) {
    super('ERR_BLOCK_LENGTH', `block: expected 16 bytes, got ${actual}`, { expected: 16, actual });
  }
}
