// /learn/worksheet: the link's fields read as `cbc-lab worksheet` reads its flags
// (server/cli/commands/worksheet.ts), so one link and one command print the same sheet: the same
// checks and error codes, the same generator (src/lib/quiz), the same key, IV and message drawn
// from the seed for whatever the link leaves out. Pure: the page draws the seed when there is none.
import { IvLengthError, bytesToHex, checkKey, encryptTrace, hexToBytes, utf8ToBytes, type KeySize } from '$lib/crypto';
import { CodedError, isCodedError } from '$lib/errors/coded-error';
import {
  MAX_QUESTIONS,
  WORKSHEET_DEFAULT_COUNT,
  WORKSHEET_MAX_TEXT_BYTES,
  questions,
  worksheetInput,
  type Question,
  type WorksheetInput
} from '$lib/quiz';

/** the CLI's --text limit (MAX_TEXT_BYTES there): a worksheet's message, not a file */
export const MAX_TEXT_BYTES = WORKSHEET_MAX_TEXT_BYTES;
/** the CLI's default --count: one question of each kind */
export const DEFAULT_COUNT = WORKSHEET_DEFAULT_COUNT;

/** The link's fields as typed; `''` for a field left out (then drawn from the seed). */
export interface SheetLink {
  /** null: none in the link, the page draws one */
  seed: string | null;
  count: string;
  key: string;
  iv: string;
  text: string;
  answers: boolean;
}

export type SheetField = 'seed' | 'count' | 'key' | 'iv' | 'text';

/** An error as a field shows it: the code (docs/errors.md) and the CLI's message. */
export interface SheetError {
  code: string;
  message: string;
}

export type SheetErrors = Partial<Record<SheetField, SheetError>>;

export interface Sheet {
  seed: string;
  input: WorksheetInput;
  keySize: KeySize;
  questions: Question[];
  /** the command that prints this sheet again (the students' copy) */
  command: string;
}

export function readLink(params: URLSearchParams): SheetLink {
  return {
    seed: params.get('seed'),
    count: params.get('count') ?? '',
    key: params.get('key') ?? '',
    iv: params.get('iv') ?? '',
    text: params.get('text') ?? '',
    answers: params.get('answers') === '1'
  };
}

/** The link of `link`, its fields in the CLI's order; fields left out stay out. */
export function writeLink(link: SheetLink): string {
  const params = new URLSearchParams();
  if (link.seed !== null) params.set('seed', link.seed);
  for (const field of ['count', 'key', 'iv', 'text'] as const) if (link[field] !== '') params.set(field, link[field]);
  if (link.answers) params.set('answers', '1');
  const query = params.toString();
  return '/learn/worksheet' + (query ? `?${query}` : '');
}

function asSheetError(e: unknown): SheetError {
  if (isCodedError(e)) return { code: e.code, message: e.message };
  return { code: 'ERR_INTERNAL', message: `${String(e)}; this is a bug in CBC Lab, please report it` };
}

/** `f()`, or its error noted against `field` */
function attempt<T>(errors: SheetErrors, field: SheetField, f: () => T): T | undefined {
  try {
    return f();
  } catch (e) {
    errors[field] = asSheetError(e);
    return undefined;
  }
}

function countOf(value: string): number {
  if (value === '') return DEFAULT_COUNT;
  const n = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!(n >= 1 && n <= MAX_QUESTIONS))
    throw new CodedError(
      'ERR_BAD_OPTION_VALUE',
      `count: expected a whole number from 1 to ${MAX_QUESTIONS}, got ${JSON.stringify(value)}`
    );
  return n;
}

function keyOf(value: string): Uint8Array | undefined {
  if (value === '') return undefined;
  const key = hexToBytes(value, 'key');
  checkKey(key);
  return key;
}

function ivOf(value: string): Uint8Array | undefined {
  if (value === '') return undefined;
  const iv = hexToBytes(value, 'iv');
  if (iv.length !== 16) throw new IvLengthError(iv.length);
  return iv;
}

function textOf(value: string): Uint8Array | undefined {
  if (value === '') return undefined;
  const plaintext = utf8ToBytes(value);
  if (plaintext.length > MAX_TEXT_BYTES)
    throw new CodedError(
      'ERR_BAD_OPTION_VALUE',
      `text: expected at most ${MAX_TEXT_BYTES} bytes, got ${plaintext.length}; a worksheet asks about a short message`
    );
  return plaintext;
}

/** A word a shell reads back as it is: plain, or in single quotes (a quote inside written '\''). */
export function shellWord(text: string): string {
  return /^[\w.,:=/@%+-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

/** the sheet `link` asks for, or the errors of its fields (each with its code) */
export function makeSheet(link: SheetLink & { seed: string }): { sheet: Sheet | null; errors: SheetErrors } {
  const errors: SheetErrors = {};
  const count = attempt(errors, 'count', () => countOf(link.count.trim()));
  const key = attempt(errors, 'key', () => keyOf(link.key.trim()));
  const iv = attempt(errors, 'iv', () => ivOf(link.iv.trim()));
  const plaintext = attempt(errors, 'text', () => textOf(link.text));
  if (Object.keys(errors).length > 0) return { sheet: null, errors };
  const input = worksheetInput(link.seed, { key, iv, plaintext });
  const trace = encryptTrace(input);
  const sheet = attempt(errors, 'count', () => questions(trace, { seed: link.seed, count }));
  if (!sheet) return { sheet: null, errors };
  // as the CLI's "(the same sheet again: …)": the seed, and whatever did not come from it
  const again = ['npx cbc-lab worksheet', '--seed', shellWord(link.seed)];
  if (link.count.trim() !== '') again.push('--count', String(sheet.length));
  if (key) again.push('--key', bytesToHex(input.key));
  if (iv) again.push('--iv', bytesToHex(input.iv));
  if (plaintext) again.push('--text', shellWord(link.text));
  return {
    sheet: { seed: link.seed, input, keySize: trace.keySize, questions: sheet, command: again.join(' ') },
    errors
  };
}
