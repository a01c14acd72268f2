import { describe, expect, it } from 'vitest';
import { gridLayout, rowWindow } from '../../../src/lib/viz/grid';

describe('gridLayout', () => {
  const g = gridLayout({ columns: 16, cell: 30, gap: 4, rowStep: 44, x0: 78, y0: 8 });
  it('puts 16 cells of 30 px with 4 px gaps in a 540 px row', () => {
    expect(g.width).toBe(540);
    expect(g.colX(0)).toBe(78);
    expect(g.colX(1)).toBe(112);
    expect(g.colX(15)).toBe(588);
  });
  it('places byte 37 in row 2, column 5, counting rows from the first drawn row', () => {
    expect(g.cell(37, 1)).toEqual({ index: 37, row: 2, col: 5, x: 248, y: 52, width: 30, height: 30 });
    expect(g.cell(37).y).toBe(96);
  });
  it('measures rows', () => {
    expect(g.height(0)).toBe(0);
    expect(g.height(1)).toBe(30);
    expect(g.height(3)).toBe(118);
  });
});

describe('rowWindow', () => {
  it('draws everything when it fits', () => expect(rowWindow(2, 3, 4)).toEqual([0, 3]));
  it('centres the window, one row above the current one', () => expect(rowWindow(10, 100, 4)).toEqual([9, 13]));
  it('clamps at both ends', () => {
    expect(rowWindow(0, 100, 4)).toEqual([0, 4]);
    expect(rowWindow(99, 100, 4)).toEqual([96, 100]);
  });
});
