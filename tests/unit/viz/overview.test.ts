import { describe, expect, it } from 'vitest';
import { overviewLayout } from '../../../src/lib/viz/overview';

describe('overviewLayout', () => {
  it('gives a short message big marks, one per block, no wider than needed', () => {
    const o = overviewLayout({ blockCount: 2, width: 600, maxHeight: 30 });
    expect([o.blocksPerCell, o.cellCount, o.cols, o.rows, o.cell, o.width, o.height]).toEqual([1, 2, 2, 1, 14, 28, 14]);
  });
  it('shrinks marks to fit 100 blocks in two rows', () => {
    const o = overviewLayout({ blockCount: 100, width: 600, maxHeight: 30 });
    expect([o.blocksPerCell, o.cellCount, o.cols, o.rows, o.cell, o.width, o.height]).toEqual([
      1, 100, 50, 2, 12, 600, 24
    ]);
    expect(o.x(57)).toBe(84);
    expect(o.y(57)).toBe(12);
  });
  it('aggregates a 1 MiB message (65 537 blocks) into marks of 64 blocks', () => {
    const o = overviewLayout({ blockCount: 65537, width: 600, maxHeight: 30 });
    expect([o.blocksPerCell, o.cellCount, o.cols, o.rows, o.cell, o.width, o.height]).toEqual([
      64, 1025, 150, 7, 4, 600, 28
    ]);
    expect(o.cellOfBlock(65536)).toBe(1024);
    expect(o.blocksOfCell(1024)).toEqual([65536, 65537]);
    expect(o.blocksOfCell(3)).toEqual([192, 256]);
  });
  it('maps a point back to the first block of the mark under it', () => {
    const o = overviewLayout({ blockCount: 65537, width: 600, maxHeight: 30 });
    expect(o.blockAt(21, 1)).toBe(320);
    expect(o.blockAt(1, 5)).toBe(150 * 64);
    expect(o.blockAt(-1, 0)).toBe(-1);
    expect(o.blockAt(599, 27)).toBe(-1); // past the last mark
  });
});
