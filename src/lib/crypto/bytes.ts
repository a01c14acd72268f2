// Byte encodings the learner types and the wire carries: hex, base64 (RFC 4648 §4, standard
// alphabet, padding required) and UTF-8. Decoders are strict and name the first bad character.
import { Base64Error, HexError, Utf8Error } from './errors';

const HEX_DIGITS = '0123456789abcdef';
const BYTE_TO_HEX: string[] = Array.from({ length: 256 }, (_, b) => HEX_DIGITS[b >> 4] + HEX_DIGITS[b & 15]);

function describeChar(ch: string): string {
  if (ch === ' ') return 'a space';
  if (ch === '\n') return 'a line break';
  if (ch === '\t') return 'a tab';
  const cp = ch.codePointAt(0) ?? 0;
  if (cp < 0x20 || cp === 0x7f) return `control character U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
  return `'${ch}'`;
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48; // 0-9
  if (c >= 97 && c <= 102) return c - 87; // a-f
  if (c >= 65 && c <= 70) return c - 55; // A-F
  return -1;
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}

/** Hex to bytes. Upper or lower case; spaces, tabs and line breaks between digits are ignored. */
export function hexToBytes(text: string, what = 'hex'): Uint8Array {
  const out = new Uint8Array(text.length >> 1);
  let n = 0;
  let high = -1;
  let highPos = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (isSpace(c)) continue;
    const v = hexValue(c);
    if (v < 0) {
      const ch = String.fromCodePoint(text.codePointAt(i) ?? c);
      throw new HexError(
        `${what}: expected a hex digit (0-9, a-f) at position ${i}, got ${describeChar(ch)}` +
          (text.startsWith('0x') && i === 1
            ? '; leave out the 0x prefix'
            : '; delete it, or pick the encoding the text is in'),
        { expected: '0-9 or a-f', actual: ch, position: i }
      );
    }
    if (high < 0) {
      high = v;
      highPos = i;
    } else {
      out[n++] = (high << 4) | v;
      high = -1;
    }
  }
  if (high >= 0) {
    const digits = n * 2 + 1;
    throw new HexError(
      `${what}: expected an even number of hex digits (two per byte), got ${digits}; ` +
        `the digit at position ${highPos} has no partner: add the digit that is missing or delete the one too many`,
      { expected: 'an even number of digits', actual: digits, position: highPos }
    );
  }
  return out.slice(0, n);
}

/** Bytes to lower-case hex; `separator` goes between bytes. */
export function bytesToHex(bytes: Uint8Array, separator = ''): string {
  const parts = new Array<string>(bytes.length);
  for (let i = 0; i < bytes.length; i++) parts[i] = BYTE_TO_HEX[bytes[i]];
  return parts.join(separator);
}

export function byteToHex(b: number): string {
  return BYTE_TO_HEX[b & 255];
}

/** One byte as the messages write it: `0x` and two lower-case digits. */
export function hexLiteral(b: number): string {
  return '0x' + BYTE_TO_HEX[b & 255];
}

export const BASE64_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const BASE64_VALUE = new Int16Array(128).fill(-1);
for (let i = 0; i < 64; i++) BASE64_VALUE[BASE64_ALPHABET.charCodeAt(i)] = i;

// Base64 two characters per 12 bits through a table and one latin1 decode, because a 1 MiB
// trace's wire text (1.4 M characters) built by string concatenation cost more than all of its AES.
const B64_PAIRS = new Uint16Array(4096);
{
  // little-endian Uint16 view: the low byte is written first
  const le = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
  for (let i = 0; i < 4096; i++) {
    const a = BASE64_ALPHABET.charCodeAt(i >> 6);
    const b = BASE64_ALPHABET.charCodeAt(i & 63);
    B64_PAIRS[i] = le ? a | (b << 8) : (a << 8) | b;
  }
}
const asciiDecoder = new TextDecoder('latin1');

/** Bytes to base64, standard alphabet with `=` padding (RFC 4648 §4). */
export function bytesToBase64(bytes: Uint8Array): string {
  const n = bytes.length;
  const whole = n - (n % 3);
  const pairs = new Uint16Array((whole / 3) * 2);
  let k = 0;
  for (let i = 0; i < whole; i += 3) {
    const v = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    pairs[k++] = B64_PAIRS[v >> 12];
    pairs[k++] = B64_PAIRS[v & 4095];
  }
  // Every byte is an ASCII base64 character, so latin1 (windows-1252) decoding is exact.
  let text = asciiDecoder.decode(new Uint8Array(pairs.buffer));
  const A = BASE64_ALPHABET;
  if (n - whole === 1) {
    const v = bytes[whole] << 16;
    text += A[v >> 18] + A[(v >> 12) & 63] + '==';
  } else if (n - whole === 2) {
    const v = (bytes[whole] << 16) | (bytes[whole + 1] << 8);
    text += A[v >> 18] + A[(v >> 12) & 63] + A[(v >> 6) & 63] + '=';
  }
  return text;
}

/**
 * Base64 to bytes (RFC 4648 §4). Standard alphabet only; the length must be a multiple of 4
 * with `=` padding; the unused low bits of the last character must be zero (§3.5), so every
 * byte string has exactly one accepted spelling. White space (line breaks from `openssl -a`) is
 * skipped. Positions in errors count characters of the original text.
 */
export function base64ToBytes(text: string, what = 'base64'): Uint8Array {
  // Collect significant characters with their original positions only when white space is present.
  let clean = text;
  let positions: number[] | null = null;
  if (/\s/.test(text)) {
    positions = [];
    let s = '';
    for (let i = 0; i < text.length; i++) {
      if (!isSpace(text.charCodeAt(i))) {
        s += text[i];
        positions.push(i);
      }
    }
    clean = s;
  }
  const pos = (k: number) => (positions ? (positions[k] ?? text.length) : k);
  const len = clean.length;
  let pad = 0;
  if (len > 0 && clean[len - 1] === '=') pad = len > 1 && clean[len - 2] === '=' ? 2 : 1;
  for (let k = 0; k < len - pad; k++) {
    const c = clean.charCodeAt(k);
    if (c < 128 && BASE64_VALUE[c] >= 0) continue;
    const ch = String.fromCodePoint(clean.codePointAt(k) ?? c);
    let hint = '; delete it, or pick the encoding the text is in';
    if (ch === '-' || ch === '_') hint = '; this looks like URL-safe base64: use + and / instead of - and _';
    else if (ch === '=') hint = '; = may only pad the end';
    throw new Base64Error(
      `${what}: expected a base64 character (A-Z, a-z, 0-9, +, /) at position ${pos(k)}, got ${describeChar(ch)}${hint}`,
      { expected: 'A-Z a-z 0-9 + /', actual: ch, position: pos(k) }
    );
  }
  if (len % 4 !== 0) {
    throw new Base64Error(
      `${what}: expected a length that is a multiple of 4 characters (with = padding), got ${len}; ` +
        'paste the whole text, with the = padding at its end',
      { expected: 'a multiple of 4', actual: len, position: pos(len) }
    );
  }
  const n = (len / 4) * 3 - pad;
  const out = new Uint8Array(n);
  let o = 0;
  for (let k = 0; k < len; k += 4) {
    const a = BASE64_VALUE[clean.charCodeAt(k)];
    const b = BASE64_VALUE[clean.charCodeAt(k + 1)];
    const c = k + 2 < len - pad ? BASE64_VALUE[clean.charCodeAt(k + 2)] : 0;
    const d = k + 3 < len - pad ? BASE64_VALUE[clean.charCodeAt(k + 3)] : 0;
    const v = (a << 18) | (b << 12) | (c << 6) | d;
    out[o++] = v >> 16;
    if (o < n) out[o++] = (v >> 8) & 255;
    if (o < n) out[o++] = v & 255;
    if (k + 4 === len && pad > 0) {
      // RFC 4648 §3.5: the bits that do not fill a byte must be zero.
      const unused = pad === 2 ? v & 0xffff : v & 0xff;
      if (unused !== 0) {
        const at = len - pad - 1;
        throw new Base64Error(
          `${what}: the last character before = at position ${pos(at)} has non-zero unused bits ` +
            `('${clean[at]}'); this is not the canonical encoding of any bytes: the text was changed or cut, paste it again`,
          { expected: 'unused bits zero', actual: clean[at], position: pos(at) }
        );
      }
    }
  }
  return out;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export function utf8ToBytes(text: string): Uint8Array {
  return encoder.encode(text);
}

/** UTF-8 to text; invalid sequences are an error naming the first bad byte (RFC 3629 §4). */
export function bytesToUtf8(bytes: Uint8Array, what = 'utf-8'): string {
  try {
    return decoder.decode(bytes);
  } catch {
    const at = firstInvalidUtf8(bytes);
    throw new Utf8Error(
      `${what}: byte ${at} (0x${byteToHex(bytes[at] ?? 0)}) is not valid UTF-8; ` +
        'show the bytes as hex instead, or check the key and IV',
      { expected: 'UTF-8', actual: `0x${byteToHex(bytes[at] ?? 0)}`, position: at }
    );
  }
}

/** Index of the first byte that starts an invalid UTF-8 sequence, or -1. */
export function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i];
    let need = 0;
    let min = 0;
    if (c < 0x80) {
      i++;
      continue;
    } else if (c >= 0xc2 && c <= 0xdf) {
      need = 1;
      min = 0x80;
    } else if (c >= 0xe0 && c <= 0xef) {
      need = 2;
      min = 0x800;
    } else if (c >= 0xf0 && c <= 0xf4) {
      need = 3;
      min = 0x10000;
    } else return i;
    if (i + need >= b.length) return i; // truncated sequence
    let cp = c & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      const x = b[i + k];
      if ((x & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (x & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return -1;
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

// Latin-1 strings, one char per byte (the ISO-8859-1 mapping, not TextDecoder('latin1'), which
// is windows-1252 by the WHATWG Encoding Standard and maps 0x80-0x9f elsewhere). fromCharCode.apply
// on 1 KiB pieces: one call per byte is slow, and a whole buffer as arguments (a spread of a
// 1 MiB ciphertext) overflows the engine's argument limit with a RangeError.
const LATIN1_PIECE = 1024;

/** Bytes `from`..`to` as a string of one char per byte (U+0000-U+00FF). */
export function bytesToLatin1(bytes: Uint8Array, from = 0, to = bytes.length): string {
  let s = '';
  for (let i = from; i < to; i += LATIN1_PIECE) {
    s += String.fromCharCode.apply(null, bytes.subarray(i, Math.min(to, i + LATIN1_PIECE)) as unknown as number[]);
  }
  return s;
}

/** A string of one char per byte back to bytes, written into `out` at `at`; each char's low 8 bits. */
export function latin1ToBytes(text: string, out: Uint8Array = new Uint8Array(text.length), at = 0): Uint8Array {
  for (let i = 0; i < text.length; i++) out[at + i] = text.charCodeAt(i);
  return out;
}

export type Encoding = 'utf8' | 'hex' | 'base64';

export function decodeText(text: string, encoding: Encoding, what?: string): Uint8Array {
  if (encoding === 'hex') return hexToBytes(text, what);
  if (encoding === 'base64') return base64ToBytes(text, what);
  return utf8ToBytes(text);
}

export function encodeBytes(bytes: Uint8Array, encoding: Encoding, what?: string): string {
  if (encoding === 'hex') return bytesToHex(bytes);
  if (encoding === 'base64') return bytesToBase64(bytes);
  return bytesToUtf8(bytes, what);
}
