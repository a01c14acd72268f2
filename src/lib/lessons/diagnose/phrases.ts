// The diagnoser's words: cause titles, and the phrases its verdicts are built from. Each phrase
// states a measured fact (a count of blocks, the PKCS#7 check's result) and nothing more.
import { hexLiteral, type Encoding } from '../../crypto/bytes';
import type { Cause } from '../../crypto/diagnose/causes';
import type { Reading } from '../../crypto/diagnose/reading';
import type { FieldName } from '../../crypto/diagnose/search';
import type { PaddingCheck } from '../../crypto/pkcs7';
import { plural } from '../words';

export const CAUSE_TITLES: Record<Cause, string> = {
  ok: 'Nothing wrong: it decrypts',
  'wrong-key': 'Wrong key',
  'wrong-iv': 'Wrong IV',
  'key-encoding': 'Key typed in the wrong encoding',
  'iv-encoding': 'IV typed in the wrong encoding',
  'ciphertext-encoding': 'Ciphertext in the wrong encoding',
  'iv-not-stripped': 'IV not stripped from the front',
  length: 'Length not a multiple of 16',
  'bad-padding': 'Bad padding'
};

export const FIELD_NAME: Record<FieldName, string> = { key: 'key', iv: 'IV', ciphertext: 'ciphertext' };
export const ENC_NAME: Record<Encoding, string> = { hex: 'hex', base64: 'base64', utf8: 'UTF-8 text' };

/** A cause's title inside a sentence: lower-case first letter, except where it starts with IV. */
export function titleInSentence(cause: Cause): string {
  const title = CAUSE_TITLES[cause];
  return title.startsWith('IV') ? title : title.charAt(0).toLowerCase() + title.slice(1);
}

export const causeList = (causes: Cause[]): string => causes.map(titleInSentence).join(', ');

/** Block numbers counted from 1, as SP 800-38A §6.2 counts P₁…Pₙ. */
const numbers = (r: Reading, text: boolean): number[] =>
  r.blocks.filter((b) => b.text === text).map((b) => b.index + 1);

export function describeBlocks(r: Reading): string {
  const n = r.blocks.length;
  const text = numbers(r, true);
  if (text.length === 0) return `none of the ${n} ${plural(n, 'block')} decrypts to text-like bytes`;
  if (text.length === n) return `all ${n} ${plural(n, 'block')} decrypt to text-like bytes`;
  const rest = numbers(r, false);
  return (
    `${plural(text.length, 'block')} ${text.join(', ')} of ${n} ${plural(text.length, 'decrypts', 'decrypt')} to text-like bytes, ` +
    `${plural(rest.length, 'block')} ${rest.join(', ')} ${plural(rest.length, 'does', 'do')} not`
  );
}

export function describePadding(p: PaddingCheck): string {
  return p.ok
    ? `the PKCS#7 padding is valid (${p.padLength} ${plural(p.padLength, 'byte')} of ${hexLiteral(p.padLength)})`
    : `the PKCS#7 check failed: ${p.message}`;
}

export function quote(s: string, max = 60): string {
  return `“${s.length > max ? s.slice(0, max) + '…' : s}”`;
}

export const plainSays = (r: Reading): string =>
  r.plaintext !== null ? `it decrypts to ${quote(r.plaintext)}` : `it decrypts with valid padding`;
