// Byte grids: 16 cells a row, one row per AES block (SP 800-38A §6.2 works in 128-bit blocks),
// so "row r" and "block r" are the same thing in every picture.
import { scaleBand } from 'd3-scale';
import { range } from 'd3-array';

export interface GridSpec {
  columns: number;
  /** cell width and height in px */
  cell: number;
  /** horizontal gap between cells */
  gap: number;
  /** vertical distance from one row's top to the next */
  rowStep: number;
  /** left edge of column 0 */
  x0?: number;
  /** top edge of the first drawn row */
  y0?: number;
}

export interface CellBox {
  index: number;
  row: number;
  col: number;
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface GridLayout {
  spec: GridSpec;
  /** width of one row of cells */
  width: number;
  /** left edge of column c */
  colX(c: number): number;
  /** the box of byte `index`, rows counted from `firstRow` (the first drawn row) */
  cell(index: number, firstRow?: number): CellBox;
  /** height of `rows` rows */
  height(rows: number): number;
}

export function gridLayout(spec: GridSpec): GridLayout {
  const { columns, cell, gap, rowStep } = spec;
  const x0 = spec.x0 ?? 0;
  const y0 = spec.y0 ?? 0;
  const width = columns * cell + (columns - 1) * gap;
  // paddingInner as a fraction of the step makes bandwidth exactly `cell` and the step cell+gap
  const x = scaleBand<number>()
    .domain(range(columns))
    .range([x0, x0 + width])
    .paddingInner(gap / (cell + gap))
    .paddingOuter(0);
  const colX = (c: number) => Math.round((x(c) ?? 0) * 1000) / 1000;
  return {
    spec,
    width,
    colX,
    cell(index, firstRow = 0) {
      const row = Math.floor(index / columns);
      const col = index % columns;
      return { index, row, col, x: colX(col), y: y0 + (row - firstRow) * rowStep, width: cell, height: cell };
    },
    height(rows) {
      return rows <= 0 ? 0 : (rows - 1) * rowStep + cell;
    }
  };
}

/** The rows [start, end) to draw around `center` out of `total`, at most `size` of them. */
export function rowWindow(center: number, total: number, size: number): [number, number] {
  if (total <= size) return [0, total];
  const before = Math.floor((size - 1) / 2);
  const start = Math.max(0, Math.min(center - before, total - size));
  return [start, start + size];
}
