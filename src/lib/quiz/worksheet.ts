// A worksheet's key, IV and message: what the teacher gave, and for the rest values drawn from the
// seed, so that `cbc-lab worksheet --seed S` alone prints the same sheet again. These keys come
// from a public seed: they are for exercises, never for anything secret.
import { utf8ToBytes } from '../crypto/bytes';
import { prng } from './prng';

/** Messages in the spirit of the seed projects; 14 to 45 bytes, so one to three blocks. */
export const WORKSHEET_TEXTS = [
  'attack at dawn',
  'Hello Client, message received securely',
  'meet me by the library at 4pm',
  'the password is under the mat',
  'alice: are you there? bob: yes',
  'transfer 100 EUR to account 42',
  'role=user;uid=7;memo=hello'
] as const;

/** the longest message a worksheet asks about (the CLI's --text, the page's text) */
export const WORKSHEET_MAX_TEXT_BYTES = 4096;
/** questions on a sheet when no count is given: one of each kind */
export const WORKSHEET_DEFAULT_COUNT = 6;

export interface WorksheetInput {
  key: Uint8Array;
  iv: Uint8Array;
  plaintext: Uint8Array;
}

/** Each value from its own stream of the seed, so giving one leaves the others as they were. */
export function worksheetInput(seed: string, given: Partial<WorksheetInput> = {}): WorksheetInput {
  return {
    key: given.key ?? prng(`key:${seed}`).bytes(16),
    iv: given.iv ?? prng(`iv:${seed}`).bytes(16),
    plaintext: given.plaintext ?? utf8ToBytes(prng(`text:${seed}`).pick(WORKSHEET_TEXTS))
  };
}
