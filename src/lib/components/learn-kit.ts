// Shared bits of the /learn pictures: names of bytes as SP 800-38A writes them (P₁, C₁, IV),
// their roles (which palette colour and border style), and a sentence for any byte.
import type { Trace } from '$lib/crypto';
import { hexLiteral } from '$lib/crypto/bytes';
import type { ByteRef, ByteSpace, Lineage, Relation } from '$lib/viz/lineage';

export type Role = 'plain' | 'pad' | 'iv' | 'xor' | 'cipher' | 'b64' | 'bad';

const SUB = '₀₁₂₃₄₅₆₇₈₉';
export function sub(n: number): string {
  return String(n).replace(/\d/g, (d) => SUB[Number(d)]);
}

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

/** One sentence per relation: what the picked byte is, what it came from, what it feeds. */
export function describe(trace: Trace, ref: ByteRef, lin: Lineage): { self: string; sources: string; feeds: string } {
  const by: Record<Relation, ByteRef[]> = { self: [], source: [], feeds: [], block: [] };
  for (const [key, rel] of lin) {
    const [space, i] = key.split(':');
    by[rel].push({ space: space as ByteSpace, index: Number(i) });
  }
  const sort = (a: ByteRef, b: ByteRef) => ORDER.indexOf(a.space) - ORDER.indexOf(b.space) || a.index - b.index;
  const list = (rs: ByteRef[]) => {
    rs.sort(sort);
    const bytes = rs.filter((r) => r.space !== 'b').map((r) => fmt(trace, r));
    const chars = rs.filter((r) => r.space === 'b');
    if (chars.length) {
      const text = chars.map((r) => trace.wire.base64[r.index]).join('');
      bytes.push(
        `base64 chars ${chars[0].index}${chars.length > 1 ? '–' + chars[chars.length - 1].index : ''} “${text}”`
      );
    }
    return bytes.join(', ') || 'nothing on this page';
  };
  return { self: fmt(trace, ref), sources: list(by.source), feeds: list(by.feeds) };
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
  /** how the learner typed the message: decides how stage 1 labels the bytes */
  enc: 'utf8' | 'hex' | 'base64';
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
