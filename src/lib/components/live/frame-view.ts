// What the /live detail pane draws for one frame, as plain data: the dissected fields, the hex
// rows (one 16-byte block per row, each byte tagged with its field), the plaintext beside each
// ciphertext block with its pad bytes, and a one-line preview. Pure; the components only render.
import { readLineMessage } from '$lib/protocol/line-message';
import { base64ToBytes, bytesToLatin1, byteToHex } from '$lib/crypto/bytes';
import type { CapturedFrame } from '$lib/protocol/capture';
import { dissect, type Dissection, type Field, type FieldName } from '$lib/protocol/dissect';
import type { Opened } from '$lib/protocol/open';
import { isNativeFrame } from '$lib/protocol/frame';

export type ByteRole = 'header' | 'iv' | 'cipher' | 'mac' | 'clear' | 'b64' | 'b64pad' | 'line-end' | 'unknown';

export function roleOfField(name: FieldName | undefined): ByteRole {
  switch (name) {
    case 'magic':
    case 'version':
    case 'type':
    case 'suite':
    case 'seq':
    case 'length':
      return 'header';
    case 'iv':
    case 'nonce':
      return 'iv';
    case 'ciphertext-block':
    case 'ciphertext':
      return 'cipher';
    case 'mac':
    case 'tag':
      return 'mac';
    case 'cleartext':
      return 'clear';
    case 'base64':
      return 'b64';
    case 'base64-padding':
      return 'b64pad';
    case 'line-end':
      return 'line-end';
    default:
      return 'unknown';
  }
}

const SUB = '₀₁₂₃₄₅₆₇₈₉';
const sub = (n: number) => String(n).replace(/\d/g, (d) => SUB[Number(d)]);

export function fieldTitle(f: Field): string {
  switch (f.name) {
    case 'ciphertext-block':
      return `C${sub(f.block ?? 0)}`;
    case 'iv':
      return 'IV';
    case 'mac':
      return 'MAC';
    case 'base64-padding':
      return 'base64 "="';
    default:
      return f.name;
  }
}

export interface PlainCell {
  value: number;
  /** a PKCS#7 pad byte (valid pad), or the byte the padding check failed at */
  pad: boolean;
  bad: boolean;
}

export interface HexCell {
  /** offset in the bytes shown (the frame for native, IV ‖ C for a line) */
  offset: number;
  value: number;
  hex: string;
  /** index into the dissection's fields, or -1 */
  field: number;
  role: ByteRole;
}

export interface HexRow {
  label: string;
  offset: number;
  role: ByteRole;
  cells: HexCell[];
  /** the recovered plaintext block beside a ciphertext row (padding still on) */
  plain: PlainCell[] | null;
}

export interface FrameView {
  wire: Uint8Array;
  dissection: Dissection;
  /** what the hex pane shows: the frame, or for a line the bytes its base64 carries */
  shown: Uint8Array;
  /** a line frame's text (without the line end), for the base64 view; null for raw bytes (§5.6) */
  lineText: string | null;
  /** a line message's form (docs/protocol.md §5.5): "line", "hex line", "line, no line end" … */
  form: string | null;
  rows: HexRow[];
  /** field index of each shown byte, for byte → field */
  fieldOfByte: Int16Array;
}

export function frameBytes(f: CapturedFrame): Uint8Array {
  try {
    return base64ToBytes(f.bytes);
  } catch {
    return new Uint8Array(0);
  }
}

export function frameView(f: CapturedFrame, opened: Opened | null): FrameView {
  const wire = frameBytes(f);
  const isLine = wire.length > 0 && !isNativeFrame(wire) && f.framing !== 'native';
  const dissection = dissect(wire);
  const fields = dissection.fields;
  let shown: Uint8Array = wire;
  let lineText: string | null = null;
  // byte range each field covers in `shown`
  const ranges: ({ start: number; end: number } | null)[] = fields.map((x) => ({ start: x.start, end: x.end }));
  const form = isLine ? (f.form ?? dissection.form ?? null) : null;
  if (isLine) {
    const raw = form === 'raw bytes';
    lineText = raw ? null : bytesToLatin1(wire).replace(/\r?\n$/, '');
    if (opened?.iv && opened.ciphertext) {
      shown = new Uint8Array(opened.iv.length + opened.ciphertext.length);
      shown.set(opened.iv);
      shown.set(opened.ciphertext, opened.iv.length);
    } else {
      try {
        shown = readLineMessage(wire).bytes; // §5.5: whatever form the line took
      } catch {
        shown = raw ? wire : new Uint8Array(0);
      }
    }
    for (let i = 0; i < fields.length; i++) ranges[i] = fields[i].decoded ?? null;
  }
  const fieldOfByte = new Int16Array(shown.length).fill(-1);
  for (let i = 0; i < fields.length; i++) {
    const r = ranges[i];
    if (!r) continue;
    for (let b = r.start; b < Math.min(r.end, shown.length); b++) if (fieldOfByte[b] < 0) fieldOfByte[b] = i;
  }

  const cell = (offset: number): HexCell => {
    const fi = fieldOfByte[offset];
    return {
      offset,
      value: shown[offset],
      hex: byteToHex(shown[offset]),
      field: fi,
      role: roleOfField(fields[fi]?.name)
    };
  };

  const rows: HexRow[] = [];
  const trace = opened?.trace ?? null;
  const pad = trace && trace.padding.ok ? trace.padding.padLength : 0;
  const badAt = trace && !trace.padding.ok ? trace.padding.check.position : -1;
  const gcmPlain = opened && opened.ok && opened.suite === 'gcm' ? opened.plaintext : null;
  let covered = 0;
  // header fields of a native frame share one row; every other field gets rows of at most 16 bytes
  const headerEnd = fields.filter((x) => roleOfField(x.name) === 'header').reduce((m, x) => Math.max(m, x.end), 0);
  if (!isLine && headerEnd > 0) {
    rows.push({
      label: 'header',
      offset: 0,
      role: 'header',
      cells: range(0, Math.min(headerEnd, shown.length)).map(cell),
      plain: null
    });
    covered = headerEnd;
  }
  for (let i = 0; i < fields.length; i++) {
    const fld = fields[i];
    const r = ranges[i];
    if (!r || roleOfField(fld.name) === 'header' || r.start < covered) continue;
    const role = roleOfField(fld.name);
    const end = Math.min(r.end, shown.length);
    for (let o = r.start, part = 0; o < end; o += 16, part++) {
      const rowEnd = Math.min(o + 16, end);
      let plain: PlainCell[] | null = null;
      if (fld.name === 'ciphertext-block' && trace) {
        const base = (fld.block! - 1) * 16;
        plain = range(base, base + 16).map((k) => ({
          value: trace.padded[k],
          pad: pad > 0 && k >= trace.padded.length - pad,
          bad: k === badAt
        }));
      } else if (fld.name === 'ciphertext' && gcmPlain) {
        const base = o - r.start;
        plain = range(base, Math.min(base + 16, gcmPlain.length)).map((k) => ({
          value: gcmPlain[k],
          pad: false,
          bad: false
        }));
      }
      const many = end - r.start > 16;
      rows.push({
        label: fieldTitle(fld) + (many ? ` ${part + 1}` : ''),
        offset: o,
        role,
        cells: range(o, rowEnd).map(cell),
        plain
      });
    }
    covered = Math.max(covered, end);
  }
  if (covered < shown.length) {
    for (let o = covered; o < shown.length; o += 16)
      rows.push({
        label: 'bytes',
        offset: o,
        role: 'unknown',
        cells: range(o, Math.min(o + 16, shown.length)).map(cell),
        plain: null
      });
  }
  return { wire, dissection, shown, lineText, form, rows, fieldOfByte };
}

function range(a: number, b: number): number[] {
  const out: number[] = [];
  for (let i = a; i < b; i++) out.push(i);
  return out;
}

/** One line for the packet list: the plaintext when the key opens it, else why not, else the bytes. */
export function preview(
  f: CapturedFrame,
  opened: Opened | null
): { text: string; kind: 'plain' | 'clear' | 'fail' | 'raw' } {
  if (f.error) return { text: `${f.error.code}: ${f.error.message}`, kind: 'fail' };
  if (opened) {
    if (opened.ok) {
      const t = opened.text ?? `(not UTF-8) ${hexPreview(opened.plaintext)}`;
      return { text: t, kind: opened.clear ? 'clear' : 'plain' };
    }
    return { text: `${FAILURE[opened.code] ?? opened.code} (${opened.code})`, kind: 'fail' };
  }
  return { text: f.bytes.slice(0, 48), kind: 'raw' };
}

const FAILURE: Record<string, string> = {
  ERR_BAD_PADDING: 'bad padding',
  ERR_BAD_MAC: 'bad MAC',
  ERR_BAD_TAG: 'bad GCM tag',
  ERR_PAYLOAD_LENGTH: 'wrong length',
  ERR_BAD_BASE64: 'not base64',
  ERR_UNDECODABLE: 'cannot parse'
};

function hexPreview(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < Math.min(b.length, 16); i++) s += byteToHex(b[i]) + ' ';
  return s + (b.length > 16 ? '…' : '');
}

/** Printable ASCII for the plaintext column; everything else a middle dot. */
export function asciiOf(v: number): string {
  return v >= 0x20 && v < 0x7f ? String.fromCharCode(v) : '·';
}
