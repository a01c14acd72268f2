// The crypto codes: the engine's inputs (FIPS-197, SP 800-38A, RFC 5652, RFC 4648, RFC 3629).
// One part of CODES (../codes.ts); a code's `areas` name every docs/errors.md table it is in.
import type { CodeInfo } from './areas';

export const CRYPTO_CODES = {
  ERR_KEY_LENGTH: {
    areas: ['crypto', 'browser'],
    meaning: 'the key is not 16, 24 or 32 bytes (FIPS-197 §5)',
    fix: 'paste the whole key (32, 48 or 64 hex digits) or pick a key size'
  },
  ERR_IV_LENGTH: {
    areas: ['crypto'],
    meaning: 'the IV is not one 16-byte block (SP 800-38A §6.2)',
    fix: 'give exactly one AES block (32 hex digits)'
  },
  ERR_PLAINTEXT_LENGTH: {
    areas: ['crypto'],
    meaning: 'padding none and the message is not whole 16-byte blocks',
    fix: 'use PKCS#7 padding, or add the bytes the message names'
  },
  ERR_CIPHERTEXT_LENGTH: {
    areas: ['crypto'],
    meaning: 'ciphertext empty or not whole 16-byte blocks',
    fix: 'check that the ciphertext was not cut short and is AES-CBC'
  },
  ERR_WIRE_LENGTH: {
    areas: ['crypto'],
    meaning: 'a wire form IV ‖ C shorter than an IV and one block',
    fix: 'send the IV in front of the ciphertext'
  },
  ERR_BAD_PADDING: {
    areas: ['crypto', 'protocol', 'browser'],
    meaning: 'the decrypted PKCS#7 padding is invalid (RFC 5652 §6.3)',
    fix: 'check the key and the IV: both sides must use the same key'
  },
  ERR_BAD_HEX: {
    areas: ['crypto'],
    meaning: 'hex input with a character that is not a hex digit, or an odd number of digits',
    fix: 'fix the character at the position named; leave out a 0x prefix'
  },
  ERR_BAD_BASE64: {
    areas: ['crypto', 'protocol', 'browser'],
    meaning: 'not canonical base64 (RFC 4648 §4)',
    fix: 'use + and /, restore the = padding; nothing else on the line'
  },
  ERR_BAD_UTF8: {
    areas: ['crypto', 'protocol'],
    meaning: 'bytes to be shown as text are not UTF-8 (RFC 3629 §4)',
    fix: 'show the bytes as hex, or check the key and IV'
  },
  ERR_BLOCK_LENGTH: {
    areas: ['crypto'],
    meaning: 'one AES block for the teaching cipher is not 16 bytes (FIPS-197 §3.4)',
    fix: 'give exactly 32 hex digits'
  },
  ERR_OUT_OF_RANGE: {
    areas: ['crypto', 'protocol'],
    meaning: 'a number outside the range the function takes (a bit position, a header field)',
    fix: 'a bug in the caller: the message names the value and the range'
  },
  ERR_BAD_FORGERY: {
    areas: ['crypto'],
    meaning:
      'a CBC edit that cannot be made in place: lengths differ, nothing to edit, across a block, or past the end',
    fix: 'edit known text to text of the same length within one block'
  }
} as const satisfies Record<`ERR_${string}`, CodeInfo>;
