// The base64 picture (RFC 4648 §4): each group of 3 bytes is 24 bits, read again as four 6-bit
// values, each one character. Bytes, bits, sextets and characters share one bit axis, so a
// byte sits exactly above the characters that carry its bits.
import { scaleLinear } from 'd3-scale';

export interface Base64LayoutSpec {
  groupsPerLine: number;
  /** px per bit */
  bitWidth: number;
  groupGap: number;
  /** distance from one line of groups to the next */
  lineStep: number;
  x0?: number;
  y0?: number;
}

export interface GroupBox {
  /** position of the group in the drawn window (0-based) */
  slot: number;
  x: number;
  y: number;
  width: number;
  /** x of bit b (0..24) in this group */
  bitX(b: number): number;
  /** [x, width] of byte k (0..2) */
  byteSpan(k: number): [number, number];
  /** [x, width] of sextet s (0..3) */
  sextetSpan(s: number): [number, number];
}

export function base64Layout(spec: Base64LayoutSpec) {
  const { groupsPerLine, bitWidth, groupGap, lineStep } = spec;
  const x0 = spec.x0 ?? 0;
  const y0 = spec.y0 ?? 0;
  const groupWidth = 24 * bitWidth;
  const width = groupsPerLine * groupWidth + (groupsPerLine - 1) * groupGap;
  return {
    groupWidth,
    width,
    height(lines: number) {
      return lines * lineStep;
    },
    group(slot: number): GroupBox {
      const line = Math.floor(slot / groupsPerLine);
      const col = slot % groupsPerLine;
      const x = x0 + col * (groupWidth + groupGap);
      const bit = scaleLinear()
        .domain([0, 24])
        .range([x, x + groupWidth]);
      return {
        slot,
        x,
        y: y0 + line * lineStep,
        width: groupWidth,
        bitX: (b) => bit(b),
        byteSpan: (k) => [bit(8 * k), bit(8 * k + 8) - bit(8 * k)],
        sextetSpan: (s) => [bit(6 * s), bit(6 * s + 6) - bit(6 * s)]
      };
    }
  };
}

/** The base64 characters (indices into the text) that carry bits of wire byte `w`. */
export function charsOfByte(w: number): [number, number] {
  const g = Math.floor(w / 3);
  const k = w % 3;
  // byte k holds bits 8k..8k+7 of the group; sextet s holds bits 6s..6s+5
  return [4 * g + Math.floor((8 * k) / 6), 4 * g + Math.floor((8 * k + 7) / 6)];
}

/** The wire bytes whose bits base64 character `c` carries; empty for `=` padding. */
export function bytesOfChar(c: number, byteCount: number): number[] {
  const g = Math.floor(c / 4);
  const s = c % 4;
  const first = 3 * g + Math.floor((6 * s) / 8);
  const last = 3 * g + Math.floor((6 * s + 5) / 8);
  const out: number[] = [];
  for (let b = first; b <= last; b++) if (b < byteCount) out.push(b);
  return out;
}

/** The group slots to draw: a window around `centerGroup`, plus the last group when it is not in it. */
export function groupWindow(
  centerGroup: number,
  groupCount: number,
  size: number
): { groups: number[]; gapAfter: number | null } {
  if (groupCount <= size) return { groups: Array.from({ length: groupCount }, (_, i) => i), gapAfter: null };
  const before = Math.floor((size - 2) / 2);
  const start = Math.max(0, Math.min(centerGroup - before, groupCount - size));
  const groups: number[] = [];
  const last = groupCount - 1;
  const room = start + size - 1 >= last ? size : size - 1;
  for (let g = start; g < start + room; g++) groups.push(g);
  if (groups[groups.length - 1] !== last) {
    const gapAfter = groups[groups.length - 1];
    groups.push(last);
    return { groups, gapAfter };
  }
  return { groups, gapAfter: null };
}
