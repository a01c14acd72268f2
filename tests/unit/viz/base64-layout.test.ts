import { describe, expect, it } from 'vitest';
import { base64Layout, bytesOfChar, charsOfByte, groupWindow } from '../../../src/lib/viz/base64-layout';

describe('base64Layout', () => {
  const b = base64Layout({ groupsPerLine: 5, bitWidth: 7, groupGap: 16, lineStep: 118, x0: 70 });
  it('gives each group 24 bits of 7 px', () => {
    expect(b.groupWidth).toBe(168);
    expect(b.width).toBe(904);
    expect(b.height(2)).toBe(236);
  });
  it('wraps slot 6 to the second line, second column', () => {
    const g = b.group(6);
    expect([g.x, g.y]).toEqual([254, 118]);
    expect(g.bitX(0)).toBe(254);
    expect(g.bitX(24)).toBe(422);
  });
  it('spans byte k over bits 8k..8k+8 and sextet s over bits 6s..6s+6', () => {
    const g = b.group(0);
    expect(g.byteSpan(0)).toEqual([70, 56]);
    expect(g.byteSpan(2)).toEqual([182, 56]);
    expect(g.sextetSpan(0)).toEqual([70, 42]);
    expect(g.sextetSpan(3)).toEqual([196, 42]);
  });
});

describe('charsOfByte / bytesOfChar (RFC 4648 §4 bit groups)', () => {
  it('byte 0 of a group feeds chars 0-1, byte 1 chars 1-2, byte 2 chars 2-3', () => {
    expect(charsOfByte(0)).toEqual([0, 1]);
    expect(charsOfByte(1)).toEqual([1, 2]);
    expect(charsOfByte(2)).toEqual([2, 3]);
    expect(charsOfByte(47)).toEqual([62, 63]);
  });
  it('char 1 carries bits of bytes 0 and 1; char 3 only of byte 2', () => {
    expect(bytesOfChar(1, 48)).toEqual([0, 1]);
    expect(bytesOfChar(3, 48)).toEqual([2]);
    expect(bytesOfChar(0, 48)).toEqual([0]);
  });
  it('= padding carries no byte', () => {
    expect(bytesOfChar(1, 1)).toEqual([0]);
    expect(bytesOfChar(2, 1)).toEqual([]);
    expect(bytesOfChar(3, 1)).toEqual([]);
  });
});

describe('groupWindow', () => {
  it('draws every group when they fit', () =>
    expect(groupWindow(0, 5, 10)).toEqual({ groups: [0, 1, 2, 3, 4], gapAfter: null }));
  it('adds the last group (with its = padding) after a gap', () =>
    expect(groupWindow(10, 100, 10)).toEqual({ groups: [6, 7, 8, 9, 10, 11, 12, 13, 14, 99], gapAfter: 14 }));
  it('needs no gap at the end', () =>
    expect(groupWindow(98, 100, 10)).toEqual({ groups: [90, 91, 92, 93, 94, 95, 96, 97, 98, 99], gapAfter: null }));
});
