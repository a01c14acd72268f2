// The ciphertext as the learner meant it, which is not always as they typed it: hex pasted into a
// base64 field decodes as base64 too (every hex digit is a base64 character), to bytes that were
// never the ciphertext. Its length, and so the length cause, must be judged on the bytes meant.
import { decodeText, type Encoding } from '../bytes';
import type { DiagnoseInput } from './search';

export interface AsMeant {
  encoding: Encoding;
  bytes: Uint8Array;
  /** 'fix': a reading in this encoding decrypts; 'alphabet': the text only uses this encoding's characters */
  why: 'fix' | 'alphabet';
}

/** 32 hex digits or more, in pairs, nothing else. A base64 text of that length uses only the 22
 * hex characters with probability (22/64)^32 < 10⁻¹⁴: such a text is hex. */
export function looksLikeHex(text: string): boolean {
  const clean = text.replace(/\s+/g, '');
  return clean.length >= 32 && clean.length % 2 === 0 && /^[0-9a-fA-F]+$/.test(clean);
}

/** The encoding the ciphertext was meant in, when it is not the one claimed: the one a fix reads it
 * in, else hex when a base64 field holds nothing but hex digits. Null when it reads as claimed. */
export function ciphertextAsMeant(input: DiagnoseInput, fixEncoding: Encoding | null): AsMeant | null {
  const { text, encoding: claimed } = input.ciphertext;
  const [encoding, why]: [Encoding | null, AsMeant['why']] =
    fixEncoding && fixEncoding !== claimed
      ? [fixEncoding, 'fix']
      : claimed === 'base64' && looksLikeHex(text)
        ? ['hex', 'alphabet']
        : [null, 'fix'];
  if (!encoding) return null;
  try {
    return { encoding, bytes: decodeText(text, encoding), why };
  } catch {
    return null;
  }
}
