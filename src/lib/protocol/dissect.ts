// The dissector (docs/protocol.md §7): for any frame, the fields with their byte ranges and what
// they mean. The inspector draws from this list; it never needs the key. It is total: a frame
// that does not parse yields the fields up to the fault and the FrameError.
import { latin1ToBytes } from '../crypto/bytes';
import { FrameError } from './errors';
import {
  decodeHeader,
  HEADER_LENGTH,
  isNativeFrame,
  payloadLayout,
  readUint32,
  SUITE_MEANING,
  TYPE_MEANING,
  type FrameHeader,
  type PayloadLayout,
  type Range
} from './frame';
import { IV_LENGTH } from './frame';
import { lineStyleLabel, readLineMessage, type LineMessage, type LineStyle } from './line-message';

export type FieldName =
  | 'magic'
  | 'version'
  | 'type'
  | 'suite'
  | 'seq'
  | 'length'
  | 'iv'
  | 'nonce'
  | 'ciphertext-block'
  | 'ciphertext'
  | 'mac'
  | 'tag'
  | 'cleartext'
  | 'base64'
  | 'json'
  | 'base64-padding'
  | 'line-end';

export interface Field {
  name: FieldName;
  /** [start, end) in the frame as on the wire (characters of a line are bytes too) */
  start: number;
  end: number;
  meaning: string;
  /** for a line: the range of the decoded bytes (IV ‖ C) this field carries */
  decoded?: Range;
  /** numeric value of a header field */
  value?: number | string;
  /** ciphertext block number, from 1 */
  block?: number;
}

export interface Dissection {
  framing: 'native' | 'line';
  fields: Field[];
  header?: FrameHeader;
  error?: FrameError;
  /** a line message's form (§5.5): "line", "line, no line end", "hex line" … */
  form?: string;
}

export function dissectNative(frame: Uint8Array, maxPayload = 0xffffffff): Dissection {
  const fields: Field[] = [];
  const out: Dissection = { framing: 'native', fields };
  const push = (name: FieldName, start: number, end: number, meaning: string, value?: number | string) => {
    if (start < frame.length)
      fields.push({
        name,
        start,
        end: Math.min(end, frame.length),
        meaning,
        ...(value === undefined ? {} : { value })
      });
  };
  push('magic', 0, 2, 'magic 0xcb 0xc1: a native CBC Lab frame (§3.1)');
  push('version', 2, 3, 'protocol version', frame[2]);
  push('type', 3, 4, 'message type', frame[3]);
  push('suite', 4, 5, 'cipher suite', frame[4]);
  if (frame.length >= 9) push('seq', 5, 9, 'sequence number, big-endian (§3.5)', readUint32(frame, 5));
  if (frame.length >= 13) push('length', 9, 13, 'payload length in bytes, big-endian', readUint32(frame, 9));
  try {
    const h = decodeHeader(frame, 0, maxPayload);
    out.header = h;
    const t = fields.find((f) => f.name === 'type');
    if (t) t.meaning = TYPE_MEANING[h.type];
    const s = fields.find((f) => f.name === 'suite');
    if (s) s.meaning = SUITE_MEANING[h.suite];
    const have = frame.length - HEADER_LENGTH;
    if (have < h.length) {
      throw new FrameError(
        'ERR_TRUNCATED_FRAME',
        `native frame: the length field says ${h.length} payload bytes, got ${have}`,
        { expected: h.length, actual: have }
      );
    }
    payloadFields(payloadLayout(h.suite, h.length), HEADER_LENGTH, fields, null);
  } catch (err) {
    if (!(err instanceof FrameError)) throw err;
    out.error = err;
  }
  return out;
}

function payloadFields(
  layout: PayloadLayout,
  base: number,
  fields: Field[],
  mapChars: ((r: Range) => Range) | null
): void {
  const add = (f: Omit<Field, 'start' | 'end'>, r: Range) => {
    if (r.end <= r.start) return;
    const wire = mapChars ? mapChars(r) : { start: base + r.start, end: base + r.end };
    fields.push({ ...f, start: wire.start, end: wire.end, ...(mapChars ? { decoded: r } : {}) });
  };
  if (layout.suite === 'none') {
    add({ name: 'cleartext', meaning: 'payload in the clear (UTF-8)' }, layout.ciphertext);
    return;
  }
  if (layout.suite === 'gcm') {
    add({ name: 'nonce', meaning: '12-byte GCM nonce, fresh per frame (SP 800-38D §8.2)' }, layout.iv!);
    add({ name: 'ciphertext', meaning: 'AES-GCM ciphertext (CTR mode: as long as the plaintext)' }, layout.ciphertext);
    add({ name: 'tag', meaning: '16-byte GCM tag over header (associated data) and ciphertext' }, layout.tag!);
    return;
  }
  add({ name: 'iv', meaning: 'IV: 16 random bytes, the chain input of block 1 (SP 800-38A §6.2)' }, layout.iv!);
  const { start, end } = layout.ciphertext;
  for (let b = start, n = 1; b < end; b += 16, n++) {
    add(
      {
        name: 'ciphertext-block',
        block: n,
        meaning: `ciphertext block ${n}${b + 16 === end ? ' (holds the PKCS#7 padding)' : ''}`
      },
      { start: b, end: b + 16 }
    );
  }
  if (layout.tag)
    add({ name: 'mac', meaning: 'HMAC-SHA256 tag over header ‖ IV ‖ ciphertext (encrypt-then-MAC)' }, layout.tag);
}

/**
 * `line` is one line message as the decoder cut it (§5.5): its text (each character one byte) or
 * its bytes, with or without the line end. The ranges are in characters (bytes) of the wire; each
 * payload field also gives the decoded bytes of IV ‖ C it carries.
 */
export function dissectLine(line: string | Uint8Array): Dissection {
  const raw = typeof line === 'string' ? latin1ToBytes(line) : line;
  const fields: Field[] = [];
  const out: Dissection = { framing: 'line', fields };
  let m: LineMessage;
  try {
    m = readLineMessage(raw);
  } catch (err) {
    if (!(err instanceof FrameError)) throw err;
    out.error = err;
    const ending =
      raw.length > 0 && raw[raw.length - 1] === 10 ? (raw.length > 1 && raw[raw.length - 2] === 13 ? 2 : 1) : 0;
    const text = raw.length - ending;
    const pad = text > 0 && raw[text - 1] === 61 ? (text > 1 && raw[text - 2] === 61 ? 2 : 1) : 0;
    fields.push({ name: 'base64', start: 0, end: text - pad, meaning: 'text that does not decode to IV ‖ C' });
    if (pad) fields.push(paddingField(text - pad, text, pad));
    if (ending)
      fields.push({ name: 'line-end', start: text, end: raw.length, meaning: 'line end: the message boundary (§5.1)' });
    return out;
  }
  const { style, ivText, ciphertextText } = m;
  out.form = lineStyleLabel(style);
  const hex = style.encoding === 'hex' || style.values === 'hex';
  // byte b of the decoded data is bits [8b, 8b + 8); base64 character k carries bits [6k, 6k + 6);
  // a hex character carries half a byte
  const enc = (r: Range, at: number): Range =>
    hex
      ? { start: at + 2 * r.start, end: at + 2 * r.end }
      : { start: at + Math.floor((8 * r.start) / 6), end: at + Math.ceil((8 * r.end) / 6) };
  const apart = style.ivApart || style.encoding === 'json';
  const mapChars = (r: Range): Range => {
    if (style.encoding === 'raw') return r;
    if (!apart) return enc(r, 0);
    if (r.end <= IV_LENGTH) return enc(r, ivText.start);
    return enc({ start: r.start - IV_LENGTH, end: r.end - IV_LENGTH }, ciphertextText.start);
  };
  if (style.encoding === 'json')
    fields.push({
      name: 'json',
      start: 0,
      end: raw.length - endingLength(style),
      meaning: `a JSON object {"iv", "ciphertext"}, values in ${style.values} (§5.5)`
    });
  payloadFields(payloadLayout('cbc', m.bytes.length), 0, fields, mapChars);
  if (style.encoding === 'base64') {
    for (const part of apart ? [ivText, ciphertextText] : [{ start: 0, end: ciphertextText.end }]) {
      let pad = 0;
      while (pad < 2 && part.end - pad > part.start && raw[part.end - pad - 1] === 61) pad++;
      if (pad) fields.push(paddingField(part.end - pad, part.end, pad));
    }
  }
  if (style.ivApart && ciphertextText.start > ivText.end) {
    fields.push({
      name: 'line-end',
      start: ivText.end,
      end: ciphertextText.start,
      meaning: 'line end after the IV: the IV came on a line of its own (§5.5)'
    });
  }
  const e = endingLength(style);
  if (e)
    fields.push({
      name: 'line-end',
      start: raw.length - e,
      end: raw.length,
      meaning: 'line end: the message boundary (§5.1)'
    });
  return out;
}

function endingLength(style: LineStyle): number {
  return style.ending === 'crlf' ? 2 : style.ending === 'lf' ? 1 : 0;
}

function paddingField(start: number, end: number, pad: number): Field {
  return {
    name: 'base64-padding',
    start,
    end,
    meaning: `${pad} × "=": base64 padding, the last group carries ${3 - pad} byte${pad === 2 ? '' : 's'}`
  };
}

/** Either framing, decided as the decoder does (§2). */
export function dissect(frame: Uint8Array | string): Dissection {
  if (typeof frame === 'string') return dissectLine(frame);
  if (isNativeFrame(frame)) return dissectNative(frame);
  return dissectLine(frame);
}
