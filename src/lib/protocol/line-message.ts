// The forms a line message takes on the wire (docs/protocol.md §5.5): the seeds' base64 line,
// and the other ways students send IV ‖ C: without a line end, with "\r\n", the IV on a line (or
// a send) of its own, hex, a JSON object, raw bytes. `readLineMessage` tells them apart from the
// bytes alone (the decoder has already cut the stream into messages, §6.5), so the server, the
// client, the tap and the page all read a message the same way; `encodeLineMessage` writes an
// answer in the form the peer used.
import { base64ToBytes, bytesToBase64, bytesToHex, bytesToLatin1, hexToBytes } from '../crypto/bytes';
import { FrameError } from './errors';
import { BLOCK_LENGTH, IV_LENGTH, type Range } from './frame';

export type LineEncoding = 'base64' | 'hex' | 'json' | 'raw';
export type LineEnding = 'lf' | 'crlf' | 'none';

/** How a peer wrote its message; a reply goes back the same way (§5.5). */
export interface LineStyle {
  encoding: LineEncoding;
  ending: LineEnding;
  /** the IV came on its own line or in its own send, before the ciphertext */
  ivApart: boolean;
  /** json: how the two values are written */
  values?: 'base64' | 'hex';
}

export const CANONICAL_STYLE: LineStyle = { encoding: 'base64', ending: 'lf', ivApart: false };

export interface LineMessage {
  style: LineStyle;
  iv: Uint8Array;
  ciphertext: Uint8Array;
  /** IV ‖ C */
  bytes: Uint8Array;
  /** where in the wire bytes the IV's text and the ciphertext's text stand (raw: the bytes themselves) */
  ivText: Range;
  ciphertextText: Range;
}

const NL = 10;
const CR = 13;

/** §5.6: a byte that a text line can hold (printable ASCII, tab, CR, LF). */
export function isTextByte(b: number): boolean {
  return b < 0x20 ? b === 9 || b === NL || b === CR : b < 0x7f;
}

/** §5.5: a line (without its end) that can only be an IV sent on its own: 16 bytes in base64 or hex. */
export function isIvOnlyLine(bytes: Uint8Array, start: number, end: number): boolean {
  let n = end - start;
  if (n > 0 && bytes[end - 1] === CR) n--;
  if (n === 24) return bytes[start + 22] === 61 && bytes[start + 23] === 61; // "==": base64 of 16 bytes
  if (n !== 32) return false;
  for (let i = start; i < start + 32; i++) if (!isHexDigit(bytes[i])) return false;
  return true;
}

function isHexDigit(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
}

const HEX_TEXT = /^[0-9a-fA-F]+$/;

/** The sizes a whole message may have (§5.1): an IV and whole blocks. */
export function isMessageLength(n: number): boolean {
  return n >= IV_LENGTH + BLOCK_LENGTH && (n - IV_LENGTH) % BLOCK_LENGTH === 0;
}

type Want = 'message' | 'iv' | 'ciphertext';
const fits = (want: Want, n: number) =>
  want === 'message'
    ? isMessageLength(n)
    : want === 'iv'
      ? n === IV_LENGTH
      : n >= BLOCK_LENGTH && n % BLOCK_LENGTH === 0;

/**
 * One value in base64 or hex. Hex is taken when the text is only hex digits and that many bytes
 * fit (§5.5: a random base64 line is all hex digits with odds below 2⁻⁶⁰); otherwise base64.
 */
function decodeValue(text: string, want: Want, what: string, offset: number): { bytes: Uint8Array; hex: boolean } {
  if (HEX_TEXT.test(text) && text.length % 2 === 0 && fits(want, text.length / 2))
    return { bytes: hexToBytes(text), hex: true };
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 9 || c === 13 || c === 10) {
      throw new FrameError(
        'ERR_BAD_BASE64',
        `${what}: expected only base64 characters, got white space at position ${offset + i}; nothing else may be on the line`,
        {
          expected: 'A-Z a-z 0-9 + / =',
          actual: 'white space',
          position: offset + i,
          fatal: false
        }
      );
    }
  }
  let bytes: Uint8Array;
  try {
    bytes = base64ToBytes(text, what);
  } catch (err) {
    const e = err as { message: string; position?: number; actual?: string | number };
    throw new FrameError('ERR_BAD_BASE64', `${e.message}; expected base64 (RFC 4648 §4) or hex`, {
      expected: 'base64 (RFC 4648 §4)',
      actual: e.actual,
      position: (e.position ?? 0) + offset,
      fatal: false
    });
  }
  return { bytes, hex: false };
}

function lengthError(what: string, want: Want, n: number): FrameError {
  const expected =
    want === 'message'
      ? 'a 16-byte IV and whole 16-byte blocks (32, 48, 64 … bytes)'
      : want === 'iv'
        ? 'an IV of 16 bytes'
        : 'whole 16-byte blocks';
  return new FrameError(
    'ERR_PAYLOAD_LENGTH',
    `${what}: expected ${expected}, got ${n} bytes; was it cut short, or is it not IV ‖ AES-CBC ciphertext?`,
    {
      expected: want === 'message' ? 'at least 32, a multiple of 16' : want === 'iv' ? 16 : 'a multiple of 16',
      actual: n,
      fatal: false
    }
  );
}

function message(
  style: LineStyle,
  iv: Uint8Array,
  ciphertext: Uint8Array,
  ivText: Range,
  ciphertextText: Range
): LineMessage {
  const bytes = new Uint8Array(iv.length + ciphertext.length);
  bytes.set(iv);
  bytes.set(ciphertext, iv.length);
  return {
    style,
    iv: bytes.subarray(0, IV_LENGTH),
    ciphertext: bytes.subarray(IV_LENGTH),
    bytes,
    ivText,
    ciphertextText
  };
}

/**
 * Read one message as the decoder cut it from a line stream (§5.5), line end included or not.
 * Throws a non-fatal FrameError that names what was seen and what was expected. A message the
 * decoder took at a pause, without its line end, that is not a whole message is ERR_NO_LINE_END.
 */
export function readLineMessage(raw: Uint8Array): LineMessage {
  let binary = false;
  for (let i = 0; i < raw.length; i++) {
    if (!isTextByte(raw[i])) {
      binary = true;
      break;
    }
  }
  if (binary) {
    // §5.6: raw IV ‖ C, as `sock.send(iv + ct)` sends it; a message of its own, with no end
    if (!isMessageLength(raw.length)) throw lengthError('raw bytes', 'message', raw.length);
    const style: LineStyle = { encoding: 'raw', ending: 'none', ivApart: false };
    return message(
      style,
      raw.subarray(0, IV_LENGTH),
      raw.subarray(IV_LENGTH),
      { start: 0, end: IV_LENGTH },
      { start: IV_LENGTH, end: raw.length }
    );
  }
  let end = raw.length;
  let ending: LineEnding = 'none';
  if (end > 0 && raw[end - 1] === NL) {
    end--;
    ending = 'lf';
    if (end > 0 && raw[end - 1] === CR) {
      end--;
      ending = 'crlf';
    }
  }
  const text = bytesToLatin1(raw, 0, end);
  try {
    return readText(text, ending);
  } catch (err) {
    if (ending !== 'none' || !(err instanceof FrameError)) throw err;
    // §5.2: the sender paused with no line end, and what it sent is not a message
    throw new FrameError(
      'ERR_NO_LINE_END',
      `no line end ("\\n") after ${text.length} characters, and they are not a whole message: ${err.message}; end each message with "\\n", or send all of base64(IV ‖ ciphertext) at once`,
      { expected: 'base64(IV ‖ C) and "\\n"', actual: err.actual, position: err.position, fatal: false }
    );
  }
}

function readText(text: string, ending: LineEnding): LineMessage {
  if (text.startsWith('{')) return readJson(text, ending);
  // §5.5: the IV on its own line, or in its own send right before the ciphertext (its "=="
  // padding then stands inside the text)
  let cut = -1;
  let next = -1;
  const nl = text.indexOf('\n');
  if (nl >= 0) {
    cut = nl > 0 && text.charCodeAt(nl - 1) === CR ? nl - 1 : nl;
    next = nl + 1;
    if (text.indexOf('\n', next) >= 0) {
      throw new FrameError(
        'ERR_BAD_BASE64',
        `line: expected one message (an IV line, then the ciphertext line at most), got more line ends; is something else on the line?`,
        {
          expected: 'one line, or an IV line and a ciphertext line',
          actual: 'three or more lines',
          position: text.indexOf('\n', next),
          fatal: false
        }
      );
    }
  } else {
    const pad = text.indexOf('=');
    let after = pad;
    while (after >= 0 && after < text.length && text.charCodeAt(after) === 61) after++;
    if (pad >= 0 && after < text.length) {
      cut = after;
      next = after;
    }
  }
  if (cut < 0) {
    const { bytes, hex } = decodeValue(text, 'message', 'line', 0);
    if (!isMessageLength(bytes.length)) throw lengthError('line', 'message', bytes.length);
    const ivChars = hex ? 32 : Math.ceil((IV_LENGTH * 8) / 6);
    return message(
      { encoding: hex ? 'hex' : 'base64', ending, ivApart: false },
      bytes.subarray(0, IV_LENGTH),
      bytes.subarray(IV_LENGTH),
      { start: 0, end: ivChars },
      { start: hex ? 32 : 21, end: text.length }
    );
  }
  const ivPart = decodeValue(text.slice(0, cut), 'iv', 'the IV line', 0);
  if (ivPart.bytes.length !== IV_LENGTH) throw lengthError('the IV line', 'iv', ivPart.bytes.length);
  const ctPart = decodeValue(text.slice(next), 'ciphertext', 'the ciphertext line', next);
  if (!fits('ciphertext', ctPart.bytes.length))
    throw lengthError('the ciphertext line', 'ciphertext', ctPart.bytes.length);
  return message(
    { encoding: ivPart.hex ? 'hex' : 'base64', ending, ivApart: true },
    ivPart.bytes,
    ctPart.bytes,
    { start: 0, end: cut },
    { start: next, end: text.length }
  );
}

function readJson(text: string, ending: LineEnding): LineMessage {
  let j: unknown;
  try {
    j = JSON.parse(text);
  } catch (err) {
    throw new FrameError(
      'ERR_BAD_JSON',
      `json line: not valid JSON (${(err as Error).message}); expected {"iv": "…", "ciphertext": "…"} on one line`,
      { expected: '{"iv": …, "ciphertext": …}', actual: 'invalid JSON', fatal: false }
    );
  }
  const o = j as Record<string, unknown>;
  if (!o || typeof o !== 'object' || Array.isArray(o) || typeof o.iv !== 'string' || typeof o.ciphertext !== 'string') {
    const keys =
      o && typeof o === 'object' && !Array.isArray(o)
        ? Object.keys(o)
            .map((k) => JSON.stringify(k))
            .join(', ') || 'no keys'
        : typeof o;
    throw new FrameError(
      'ERR_BAD_JSON',
      `json line: expected an object with "iv" and "ciphertext" as base64 or hex strings, got ${keys}`,
      { expected: '{"iv": …, "ciphertext": …}', actual: keys, fatal: false }
    );
  }
  const ivAt = valueRange(text, 'iv', o.iv);
  const ctAt = valueRange(text, 'ciphertext', o.ciphertext);
  const iv = decodeValue(o.iv, 'iv', 'json "iv"', ivAt.start);
  if (iv.bytes.length !== IV_LENGTH) throw lengthError('json "iv"', 'iv', iv.bytes.length);
  const ct = decodeValue(o.ciphertext, 'ciphertext', 'json "ciphertext"', ctAt.start);
  if (!fits('ciphertext', ct.bytes.length)) throw lengthError('json "ciphertext"', 'ciphertext', ct.bytes.length);
  return message(
    { encoding: 'json', ending, ivApart: false, values: iv.hex ? 'hex' : 'base64' },
    iv.bytes,
    ct.bytes,
    ivAt,
    ctAt
  );
}

/** Where the string value of `key` stands in the JSON text (for the dissector); the whole text if not found. */
function valueRange(text: string, key: string, value: string): Range {
  const m = new RegExp(`"${key}"\\s*:\\s*"`).exec(text);
  if (!m) return { start: 0, end: text.length };
  const start = m.index + m[0].length;
  return { start, end: start + value.length };
}

/** A message IV ‖ C written in `style`, ready for the wire (§5.5: a reply goes back as the peer wrote). */
export function encodeLineMessage(wire: Uint8Array, style: LineStyle): Uint8Array {
  if (style.encoding === 'raw') return wire;
  const end = style.ending === 'crlf' ? '\r\n' : '\n'; // a reply always ends its line (§5.2)
  const iv = wire.subarray(0, IV_LENGTH);
  const ct = wire.subarray(IV_LENGTH);
  let text: string;
  if (style.encoding === 'json') {
    const enc = style.values === 'hex' ? bytesToHex : bytesToBase64;
    text = JSON.stringify({ iv: enc(iv), ciphertext: enc(ct) }) + end;
  } else {
    const enc = style.encoding === 'hex' ? bytesToHex : bytesToBase64;
    text = style.ivApart ? enc(iv) + end + enc(ct) + end : enc(wire) + end;
  }
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
}

/** §5.5: the label the tap and /live give a line message. */
export function lineStyleLabel(style: LineStyle): string {
  if (style.encoding === 'raw') return 'raw bytes';
  const parts = [
    style.encoding === 'hex' ? 'hex line' : style.encoding === 'json' ? `json line (${style.values})` : 'line'
  ];
  if (style.ivApart) parts.push('IV apart');
  if (style.ending === 'crlf') parts.push('CRLF');
  if (style.ending === 'none') parts.push('no line end');
  return parts.join(', ');
}

/** Two styles that answer alike (a broadcast seals once per style, §8.4). */
export function styleKey(style: LineStyle): string {
  return `${style.encoding}/${style.values ?? ''}/${style.ivApart ? 'apart' : 'one'}/${style.ending === 'crlf' ? 'crlf' : 'lf'}`;
}

/**
 * §5.5: the label of a line message as the decoder cut it, or undefined for the seeds' own form
 * (base64 and "\n"). Cheap for that common case (no decoding): the tap labels every line.
 */
export function lineForm(raw: Uint8Array): string | undefined {
  const n = raw.length;
  if (n > 1 && raw[n - 1] === NL && raw[n - 2] !== CR && raw[0] !== 0x7b && raw.indexOf(NL) === n - 1) {
    let hexHead = true;
    for (let i = 0; i < Math.min(n - 1, 8); i++) if (!isHexDigit(raw[i])) hexHead = false;
    const eq = raw.indexOf(61);
    // raw bytes that happen to end in 0x0a are not a line (§5.6): a byte that is not text says so
    let text = true;
    for (let i = 0; i < n - 1 && text; i++) if (!isTextByte(raw[i])) text = false;
    if (text && !hexHead && (eq < 0 || eq >= n - 3)) return undefined;
  }
  try {
    const label = lineStyleLabel(readLineMessage(raw).style);
    return label === 'line' ? undefined : label;
  } catch {
    // not a message: say at least how it was cut
    for (let i = 0; i < n; i++) if (!isTextByte(raw[i])) return 'raw bytes';
    return n > 0 && raw[n - 1] !== NL ? 'line, no line end' : undefined;
  }
}
