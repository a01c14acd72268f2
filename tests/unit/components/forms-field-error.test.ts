// The one sentence a field error shows: what was wrong and what to do, each said once. The inputs
// are the engine's own errors for inputs written here; the expected sentences are written by hand
// (positions counted from 0 in the text typed).
import { describe, expect, it } from 'vitest';
import { base64ToBytes, hexToBytes } from '$lib/crypto/bytes';
import { IvLengthError, KeyLengthError } from '$lib/crypto/errors';
import { fieldErrorSentence } from '$lib/components/forms/field-error-text';

const messageOf = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('did not throw');
};
// every sentence: one full stop at the end, no word twice in a row, no lost space before "at"
function oneClearSentence(s: string) {
  expect(s).toMatch(/^[A-Z].*\.$/);
  expect(s.slice(0, -1)).not.toMatch(/[.!?] /);
  expect(s).not.toMatch(/\b(\w+)\W+\1\b/i);
  expect(s).not.toMatch(/\Sat position/);
}

describe('field error sentences', () => {
  it('a bad hex digit: where, what, and what to do', () => {
    const s = fieldErrorSentence(messageOf(() => hexToBytes('2b7e151628aed2a6abf7158809cf4fz3', 'key')));
    expect(s).toBe(
      "Key: expected a hex digit (0-9, a-f) at position 30, got 'z'; delete it, or pick the encoding the text is in."
    );
    oneClearSentence(s);
  });

  it('a 0x prefix says to leave it out', () => {
    expect(fieldErrorSentence(messageOf(() => hexToBytes('0x00ff', 'iv')))).toBe(
      "IV: expected a hex digit (0-9, a-f) at position 1, got 'x'; leave out the 0x prefix."
    );
  });

  it('an odd number of hex digits: which digit, and what to do', () => {
    const s = fieldErrorSentence(messageOf(() => hexToBytes('abc', 'key')));
    expect(s).toBe(
      'Key: expected an even number of hex digits (two per byte), got 3; the digit at position 2 has no partner: add the digit that is missing or delete the one too many.'
    );
    oneClearSentence(s);
  });

  it('base64: a bad character, a cut length, URL-safe characters', () => {
    const bad = fieldErrorSentence(messageOf(() => base64ToBytes('AAAA*AAA', 'ciphertext')));
    expect(bad).toBe(
      "Ciphertext: expected a base64 character (A-Z, a-z, 0-9, +, /) at position 4, got '*'; delete it, or pick the encoding the text is in."
    );
    oneClearSentence(bad);
    const cut = fieldErrorSentence(messageOf(() => base64ToBytes('AAAAA', 'ciphertext')));
    expect(cut).toBe(
      'Ciphertext: expected a length that is a multiple of 4 characters (with = padding), got 5; paste the whole text, with the = padding at its end.'
    );
    oneClearSentence(cut);
    expect(fieldErrorSentence(messageOf(() => base64ToBytes('AA-A', 'ciphertext')))).toBe(
      "Ciphertext: expected a base64 character (A-Z, a-z, 0-9, +, /) at position 2, got '-'; this looks like URL-safe base64: use + and / instead of - and _."
    );
  });

  it('lengths: the key and the IV', () => {
    const key = fieldErrorSentence(new KeyLengthError(4).message);
    expect(key).toBe(
      'Key: expected 16, 24 or 32 bytes (32, 48 or 64 hex digits), got 4 bytes; paste the whole key or pick a key size.'
    );
    oneClearSentence(key);
    expect(fieldErrorSentence(new IvLengthError(8).message)).toBe(
      'IV: expected 16 bytes (32 hex digits), got 8 bytes; the IV is exactly one AES block.'
    );
  });

  it('white space and a final stop are tidied, never doubled', () => {
    expect(fieldErrorSentence('key: expected X,\n got Y; do Z.')).toBe('Key: expected X, got Y; do Z.');
  });
});
