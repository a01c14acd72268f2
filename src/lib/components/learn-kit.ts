// Shared bits of the /learn pictures: names of bytes as SP 800-38A writes them (P₁, C₁, IV),
// their roles (which palette colour and border style), and a sentence for any byte.
import type { Trace } from '$lib/crypto';
import { bytesToHex, firstInvalidUtf8, hexLiteral } from '$lib/crypto/bytes';
import { unitsInRange, type UnitEncoding } from '$lib/viz/units';
import type { ByteRef, ByteSpace, Lineage, Relation } from '$lib/viz/lineage';
import { sub } from '$lib/lessons/words';

export type Role = 'plain' | 'pad' | 'iv' | 'xor' | 'cipher' | 'b64' | 'bad';

// (the pure modules, the CLI among their users, take it from its one home)
export { sub };

/** Padded length, and where the pad starts (or -1 when there is no valid pad to mark). */
export function padStart(trace: Trace): number {
  if (trace.direction === 'encrypt') return trace.input.length;
  const p = trace.padding;
  return p.ok ? trace.padded.length - p.padLength : -1;
}

export function roleOf(trace: Trace, space: ByteSpace, index: number): Role {
  if (space === 'p') {
    const s = padStart(trace);
    return s >= 0 && index >= s && (trace.direction === 'encrypt' ? trace.padding.padLength > 0 : true)
      ? 'pad'
      : 'plain';
  }
  if (space === 'iv') return 'iv';
  if (space === 'x') return 'xor';
  if (space === 'c') return 'cipher';
  return 'b64';
}

export function valueOf(trace: Trace, space: ByteSpace, index: number): number | string {
  switch (space) {
    case 'p':
      return trace.padded[index];
    case 'iv':
      return trace.iv[index];
    case 'x':
      return trace.blocks[index >> 4].xored[index & 15];
    case 'c':
      return trace.ciphertext[index];
    case 'b':
      return trace.wire.base64[index];
  }
}

export function nameOf(space: ByteSpace, index: number): string {
  const b = sub((index >> 4) + 1);
  const j = index & 15;
  switch (space) {
    case 'p':
      return `P${b}[${j}]`;
    case 'x':
      return `X${b}[${j}]`;
    case 'c':
      return `C${b}[${j}]`;
    case 'iv':
      return `IV[${index}]`;
    case 'b':
      return `base64 char ${index}`;
  }
}

function fmt(trace: Trace, r: ByteRef): string {
  const v = valueOf(trace, r.space, r.index);
  return `${nameOf(r.space, r.index)} = ${typeof v === 'number' ? hexLiteral(v) : `'${v}'`}`;
}

const ORDER: ByteSpace[] = ['iv', 'p', 'x', 'c', 'b'];
const BLOCK_NAME: Partial<Record<ByteSpace, string>> = { p: 'P', x: 'X', c: 'C' };

/** Bytes as a list; a whole block of P, X or C is named once ("all 16 bytes of C₁"), not 16 times. */
function list(trace: Trace, rs: ByteRef[]): string {
  rs.sort((a, b) => ORDER.indexOf(a.space) - ORDER.indexOf(b.space) || a.index - b.index);
  const out: string[] = [];
  let k = 0;
  while (k < rs.length) {
    const r = rs[k];
    const name = BLOCK_NAME[r.space];
    const whole =
      name !== undefined &&
      r.index % 16 === 0 &&
      k + 15 < rs.length &&
      rs[k + 15].space === r.space &&
      rs[k + 15].index === r.index + 15;
    if (whole) {
      out.push(`all 16 bytes of ${name}${sub((r.index >> 4) + 1)}`);
      k += 16;
    } else if (r.space === 'b') {
      let e = k;
      while (e + 1 < rs.length && rs[e + 1].space === 'b') e++;
      const a = r.index;
      const z = rs[e].index;
      const text = rs
        .slice(k, e + 1)
        .map((c) => trace.wire.base64[c.index])
        .join('');
      out.push(`base64 char${a === z ? ` ${a}` : `s ${a}–${z}`} “${text}”`);
      k = e + 1;
    } else {
      out.push(fmt(trace, r));
      k++;
    }
  }
  return out.join(', ');
}

/** A stage of /learn that a sentence points to: the page turns it into a link with its step. */
export type StageRef = 'text' | 'pad';

/** What the inspect line says of a picked byte, every part of it read off the trace. */
export interface Said {
  /** the byte and its value */
  self: string;
  /** the bytes it is computed from ('' when it comes from a stage named in `from`, or the form) */
  sources: string;
  /** where the byte comes from when that is not a byte on the page: a character, the pad, a field */
  from: { text: string; stage?: StageRef } | null;
  /** the bytes computed from it */
  feeds: string;
  /** what it becomes beyond the bytes: the text it decodes to, or the blocks after it by the chain */
  to: { text: string; stage?: StageRef } | null;
  /** the AES block this byte goes into or comes out of, in the rounds lesson */
  aes: { href: string; text: string } | null;
}

/** The unit of stage "Text → bytes" that holds byte i: a character, a hex pair or a base64 quad. */
function unitAt(bytes: Uint8Array, i: number, enc: UnitEncoding) {
  const u = unitsInRange(bytes, i, i + 1, enc)[0];
  const label = u.label === ' ' ? '␣ (space)' : u.label;
  const n = u.byteEnd - u.byteStart;
  const what =
    enc === 'utf8'
      ? u.invalid
        ? 'the invalid byte'
        : 'the character'
      : enc === 'hex'
        ? 'the hex pair'
        : 'the base64 quad';
  return `${what} “${label}”${n > 1 ? ` (byte ${i - u.byteStart + 1} of its ${n})` : ''}`;
}

function roundsHref(trace: Trace, block: number, bit: number | null): string {
  const enc = trace.direction === 'encrypt';
  const b = trace.blocks[block];
  return (
    `/lessons/aes-rounds?key=${bytesToHex(trace.key)}&block=${bytesToHex(enc ? b.xored : b.cipherBlock)}` +
    (enc ? '' : '&dir=decrypt') +
    (bit !== null && bit > 0 ? `&bit=${bit}` : '')
  );
}

/**
 * What the picked byte is, what it came from and what it feeds (the lineage, which goes one AES
 * deep), and where it goes beyond: the character it was typed as, the pad, the chain, the rounds.
 * `enc` is how the message was typed (stage "Text → bytes" shows the bytes in those units).
 */
export function describe(trace: Trace, ref: ByteRef, lin: Lineage, enc: UnitEncoding = 'utf8'): Said {
  const by: Record<Relation, ByteRef[]> = { self: [], source: [], feeds: [] };
  for (const [key, rel] of lin) {
    const [space, i] = key.split(':');
    by[rel].push({ space: space as ByteSpace, index: Number(i) });
  }
  const fwd = trace.direction === 'encrypt';
  const n = trace.blocks.length;
  const i = ref.index;
  const said: Said = {
    self: fmt(trace, ref),
    sources: list(trace, by.source),
    from: null,
    feeds: list(trace, by.feeds),
    to: null,
    aes: null
  };
  const blockOf = ref.space === 'iv' ? -1 : ref.space === 'b' ? -1 : i >> 4;
  if (fwd) {
    if (ref.space === 'p') {
      said.from =
        i < trace.input.length
          ? { text: `${unitAt(trace.input, i, enc)}`, stage: 'text' }
          : {
              text: `the PKCS#7 pad: ${trace.padding.padLength} bytes of ${hexLiteral(trace.padding.padLength)}`,
              stage: 'pad'
            };
    }
    if (ref.space === 'iv') said.from = { text: 'the IV field' };
    // the block whose AES this byte goes into: its own for P and X, the next one for a chain byte
    const into =
      ref.space === 'p' || ref.space === 'x' ? blockOf : ref.space === 'iv' ? 0 : ref.space === 'c' ? blockOf + 1 : -1;
    if (into >= 0 && into < n) {
      said.aes = {
        href: roundsHref(trace, into, (i & 15) * 8),
        text: `how AES mixes X${sub(into + 1)} into all of C${sub(into + 1)}: the rounds lesson`
      };
      if (into + 1 < n) said.to = { text: `by the chain, every block after C${sub(into + 1)} too` };
    } else if (ref.space === 'c') {
      said.aes = {
        href: roundsHref(trace, blockOf, null),
        text: `how AES makes C${sub(blockOf + 1)} from X${sub(blockOf + 1)}: the rounds lesson`
      };
    }
    if (ref.space === 'b') said.to = { text: 'the wire' };
  } else {
    if (ref.space === 'b') said.from = { text: 'the wire field' };
    if (ref.space === 'p') {
      const plain = trace.plaintext;
      if (plain && i < plain.length) {
        const shown: UnitEncoding = firstInvalidUtf8(plain) === -1 ? 'utf8' : 'hex';
        said.to = { text: unitAt(plain, i, shown), stage: 'text' };
      } else if (plain) said.to = { text: 'nothing: the padding check removes it', stage: 'pad' };
      else said.to = { text: 'no text: the padding check failed', stage: 'pad' };
    }
    const from = ref.space === 'c' || ref.space === 'x' || ref.space === 'p' ? blockOf : -1;
    if (from >= 0) {
      said.aes = {
        href: roundsHref(trace, from, ref.space === 'c' ? (i & 15) * 8 : null),
        text: `how AES⁻¹ turns C${sub(from + 1)} into X${sub(from + 1)}: the rounds lesson`
      };
    }
  }
  return said;
}

/** Arrow-key movement over the bytes a picture shows, in reading order. */
export function moveInGrid(
  key: string,
  refs: ByteRef[],
  current: ByteRef | null,
  columns: number
): ByteRef | null | undefined {
  if (refs.length === 0) return undefined;
  let i = current ? refs.findIndex((r) => r.space === current.space && r.index === current.index) : -1;
  if (key === 'Escape') return null;
  if (i < 0)
    return ['ArrowRight', 'ArrowDown', 'ArrowLeft', 'ArrowUp', 'Home', 'End'].includes(key) ? refs[0] : undefined;
  if (key === 'ArrowRight') i = Math.min(refs.length - 1, i + 1);
  else if (key === 'ArrowLeft') i = Math.max(0, i - 1);
  else if (key === 'ArrowDown') i = Math.min(refs.length - 1, i + columns);
  else if (key === 'ArrowUp') i = Math.max(0, i - columns);
  else if (key === 'Home') i = 0;
  else if (key === 'End') i = refs.length - 1;
  else return undefined;
  return refs[i];
}

export interface StageProps {
  trace: Trace;
  /** the block the windowed pictures centre on */
  viewBlock: number;
  /** the block of the current chain step, or null */
  stepBlock: number | null;
  lin: Lineage | null;
  inspect: ByteRef | null;
  pick: (ref: ByteRef | null) => void;
  /** how the learner typed the message: decides how stage "Text → bytes" labels the bytes */
  enc: 'utf8' | 'hex' | 'base64';
  /** where the trace's IV came from */
  ivOrigin: IvOrigin;
  /** a link to another stage, with its step number */
  stageLink: (stage: StageRef) => StageLinkTo;
}

/**
 * Where the IV of a trace came from: the fixed example of SP 800-38A F.2 (000102…0f), the
 * "random IV" button, typed in (or a link: then nobody knows how it was made), or the wire.
 */
export type IvOrigin = 'example' | 'random' | 'typed' | 'wire';

/** A stage as a link: its href (#stage-…), "step 7, PKCS#7 padding check", and how to go there. */
export interface StageLinkTo {
  href: string;
  label: string;
  go: () => void;
}

export function relOf(lin: Lineage | null, space: ByteSpace, index: number): Relation | undefined {
  return lin?.get(`${space}:${index}`);
}

export interface Row {
  key: string;
  label: string;
  note: string;
  cells: { ref: ByteRef; value: number; role: Role }[];
  /** draw "⋯ n blocks not drawn" above this row */
  skipped?: number;
}
