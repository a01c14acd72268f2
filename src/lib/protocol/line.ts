// Line framing (docs/protocol.md §5), what the seed projects send: one message per line,
// base64(IV ‖ AES-CBC-PKCS7(key, IV, UTF-8 text)) then "\n" (RFC 4648 §4, standard alphabet,
// = padding). Nothing else is on the line; a "\r" before the "\n" is tolerated (§5.2).
import { base64ToBytes, bytesToBase64, bytesToLatin1, latin1ToBytes, BASE64_ALPHABET } from '../crypto/bytes';
import { FrameError } from './errors';
import { BLOCK_LENGTH, IV_LENGTH, DEFAULT_MAX_PAYLOAD } from './frame';

export interface LineFrame {
  framing: 'line';
  /** the base64 text, without the line ending */
  text: string;
  /** the line as on the wire, line ending included */
  raw: Uint8Array;
}

/** §5.2: a line stream with no byte for this long has paused: what it sent without a line end is one message. */
export const DEFAULT_LINE_PAUSE_MS = 250;

const NEWLINE = 10;
const CR = 13;
const IS_BASE64 = new Uint8Array(256);
for (let i = 0; i < 64; i++) IS_BASE64[BASE64_ALPHABET.charCodeAt(i)] = 1;

/** §2: can `b` start a line-framed stream? */
export function isBase64Byte(b: number): boolean {
  return IS_BASE64[b] === 1;
}

/** §5.3: the longest line (without its ending) that carries a payload of at most `maxPayload` bytes. */
export function maxLineLength(maxPayload = DEFAULT_MAX_PAYLOAD): number {
  return 4 * Math.ceil(maxPayload / 3);
}

/** The line for wire bytes IV ‖ C: base64 then "\n". */
export function encodeLine(wire: Uint8Array): Uint8Array {
  const text = bytesToBase64(wire);
  const out = latin1ToBytes(text, new Uint8Array(text.length + 1));
  out[text.length] = NEWLINE;
  return out;
}

const ascii = new TextDecoder('utf-8');

/** Bytes of a line to its text (every byte one character: only ASCII is valid anyway). */
export function lineText(bytes: Uint8Array): string {
  let end = bytes.length;
  if (end > 0 && bytes[end - 1] === NEWLINE) end--;
  if (end > 0 && bytes[end - 1] === CR) end--;
  let high = false;
  for (let i = 0; i < end; i++) {
    if (bytes[i] > 0x7f) {
      high = true;
      break;
    }
  }
  // ASCII reads the same as UTF-8, and the native decoder is many times faster than a JS loop.
  if (!high) return ascii.decode(bytes.subarray(0, end));
  return bytesToLatin1(bytes, 0, end);
}

/**
 * The wire bytes IV ‖ C a line carries (§5.1). Strict: standard alphabet, canonical padding, no
 * white space inside, at least an IV and one block, whole blocks. The stream stays in step after
 * any of these errors, so they are not fatal (§6.2).
 */
export function parseLine(text: string): { iv: Uint8Array; ciphertext: Uint8Array; bytes: Uint8Array } {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 9 || c === 13 || c === 10) {
      throw new FrameError(
        'ERR_BAD_BASE64',
        `line: expected only base64 characters, got white space at position ${i}; nothing else may be on the line`,
        { expected: 'A-Z a-z 0-9 + / =', actual: 'white space', position: i, fatal: false }
      );
    }
  }
  let bytes: Uint8Array;
  try {
    bytes = base64ToBytes(text, 'line');
  } catch (err) {
    const e = err as { message: string; position?: number; actual?: string | number };
    throw new FrameError('ERR_BAD_BASE64', e.message, {
      expected: 'base64 (RFC 4648 §4)',
      actual: e.actual,
      position: e.position,
      fatal: false
    });
  }
  if (bytes.length < IV_LENGTH + BLOCK_LENGTH || (bytes.length - IV_LENGTH) % BLOCK_LENGTH !== 0) {
    throw new FrameError(
      'ERR_PAYLOAD_LENGTH',
      `line: expected a 16-byte IV and whole 16-byte blocks (32, 48, 64 … bytes), got ${bytes.length} bytes; ` +
        'was the line cut short, or is it not IV ‖ AES-CBC ciphertext?',
      { expected: 'at least 32, a multiple of 16', actual: bytes.length, fatal: false }
    );
  }
  return { iv: bytes.subarray(0, IV_LENGTH), ciphertext: bytes.subarray(IV_LENGTH), bytes };
}
