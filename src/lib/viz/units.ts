// What the learner typed, as units over the bytes they became: one UTF-8 character (1 to 4
// bytes, RFC 3629 §3), two hex digits (1 byte) or four base64 characters (3 bytes, RFC 4648 §4).
// Computed only for the window on screen, so a 1 MiB message costs nothing here.
import { BASE64_ALPHABET, byteToHex } from '$lib/crypto/bytes';

export type UnitEncoding = 'utf8' | 'hex' | 'base64';

export interface TextUnit {
  byteStart: number;
  byteEnd: number;
  /** what the learner sees: the character, the hex pair or the base64 quad */
  label: string;
  /** a multi-byte UTF-8 character, or a byte that is not valid UTF-8 */
  multi: boolean;
  invalid: boolean;
}

function utf8Length(lead: number): number {
  if (lead < 0x80) return 1;
  if (lead >= 0xc2 && lead <= 0xdf) return 2;
  if (lead >= 0xe0 && lead <= 0xef) return 3;
  if (lead >= 0xf0 && lead <= 0xf4) return 4;
  return 0;
}

function decodeAt(bytes: Uint8Array, i: number, limit: number): TextUnit {
  const n = utf8Length(bytes[i]);
  const bad: TextUnit = { byteStart: i, byteEnd: i + 1, label: '\uFFFD', multi: false, invalid: true };
  if (n === 0 || i + n > limit) return bad;
  let cp = n === 1 ? bytes[i] : bytes[i] & (0x7f >> n);
  for (let k = 1; k < n; k++) {
    const b = bytes[i + k];
    if ((b & 0xc0) !== 0x80) return bad;
    cp = (cp << 6) | (b & 0x3f);
  }
  const min = [0, 0, 0x80, 0x800, 0x10000][n];
  if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return bad;
  return { byteStart: i, byteEnd: i + n, label: String.fromCodePoint(cp), multi: n > 1, invalid: false };
}

/**
 * Units touching bytes [start, end) of `bytes[0, limit)`; a unit that straddles `start` is
 * included whole. UTF-8 is self-synchronising, so we step back over continuation bytes.
 */
export function unitsInRange(
  bytes: Uint8Array,
  start: number,
  end: number,
  encoding: UnitEncoding,
  limit = bytes.length
): TextUnit[] {
  const out: TextUnit[] = [];
  end = Math.min(end, limit);
  if (start >= end) return out;
  if (encoding === 'hex') {
    for (let i = start; i < end; i++) {
      out.push({ byteStart: i, byteEnd: i + 1, label: byteToHex(bytes[i]), multi: false, invalid: false });
    }
    return out;
  }
  if (encoding === 'base64') {
    for (let g = Math.floor(start / 3) * 3; g < end; g += 3) {
      const e = Math.min(g + 3, limit);
      const v = (bytes[g] << 16) | ((e - g > 1 ? bytes[g + 1] : 0) << 8) | (e - g > 2 ? bytes[g + 2] : 0);
      const chars = [v >> 18, (v >> 12) & 63, (v >> 6) & 63, v & 63]
        .map((s, k) => (k <= e - g ? BASE64_ALPHABET[s] : '='))
        .join('');
      out.push({ byteStart: g, byteEnd: e, label: chars, multi: e - g > 1, invalid: false });
    }
    return out;
  }
  let i = start;
  // back up at most 3 continuation bytes to the lead byte of the straddling character
  for (let k = 0; k < 3 && i > 0 && (bytes[i] & 0xc0) === 0x80; k++) i--;
  if (i < start) {
    const u = decodeAt(bytes, i, limit);
    if (u.invalid || u.byteEnd <= start) i = start;
  }
  while (i < end) {
    const u = decodeAt(bytes, i, limit);
    out.push(u);
    i = u.byteEnd;
  }
  return out;
}

/** Split a unit into its per-row pieces (a character may straddle two 16-byte rows). */
export function unitSegments(
  u: TextUnit,
  columns: number
): { row: number; colStart: number; colEnd: number; first: boolean }[] {
  const segs: { row: number; colStart: number; colEnd: number; first: boolean }[] = [];
  let s = u.byteStart;
  while (s < u.byteEnd) {
    const row = Math.floor(s / columns);
    const rowEnd = (row + 1) * columns;
    const e = Math.min(u.byteEnd, rowEnd);
    segs.push({ row, colStart: s - row * columns, colEnd: e - row * columns, first: s === u.byteStart });
    s = e;
  }
  return segs;
}
