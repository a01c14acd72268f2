// The CBC chain picture (SP 800-38A §6.2), written like long addition, one column per block:
//   encrypt:  Pᵢ / ⊕ Cᵢ₋₁ / ─── / = Xᵢ / AES_K / Cᵢ
//   decrypt:  Cᵢ / AES⁻¹_K / Xᵢ / ⊕ Cᵢ₋₁ / ─── / = Pᵢ
// Byte j of every row sits in the same column, so the XOR reads straight down. The chain
// arrow runs from Cᵢ in one column to the "⊕ Cᵢ₋₁" row of the next.
import { linkHorizontal } from 'd3-shape';
import { gridLayout, type GridLayout } from './grid';

export type Direction = 'encrypt' | 'decrypt';

export interface ChainSpec {
  direction: Direction;
  cell: number;
  gap: number;
  /** room left of each column for the row labels */
  labelWidth: number;
  columnGap: number;
  /** space above the first row for the column title */
  top: number;
  aesHeight: number;
}

export interface ChainRows {
  plain: number;
  chain: number;
  xored: number;
  cipher: number;
  /** y of the rule under the two XOR operands */
  rule: number;
  aes: { y: number; height: number };
}

export interface ChainLayout {
  spec: ChainSpec;
  rows: ChainRows;
  /** the byte grid of column k (16 cells, x offset applied) */
  grid(k: number): GridLayout;
  /** left edge of column k's label gutter */
  columnX(k: number): number;
  /** left edge of column k's cells */
  cellsX(k: number): number;
  rowWidth: number;
  width(columns: number): number;
  height: number;
  /** SVG path of the chain arrow from Cᵢ in column k to the chain-input row of column k + 1 */
  chainPath(k: number): string;
  /** vertical arrows inside a column, [y1, y2] pairs at the column's centre */
  arrows: [number, number][];
}

const link = linkHorizontal<{ source: [number, number]; target: [number, number] }, [number, number]>();

export function chainLayout(spec: ChainSpec): ChainLayout {
  const { cell, gap, labelWidth, columnGap, top, aesHeight, direction } = spec;
  const rowWidth = 16 * cell + 15 * gap;
  const step = cell + 8;
  let rows: ChainRows;
  let arrows: [number, number][];
  if (direction === 'encrypt') {
    const plain = top;
    const chain = plain + step;
    const rule = chain + cell + 4;
    const xored = rule + 4;
    const aesY = xored + cell + 12;
    const cipher = aesY + aesHeight + 12;
    rows = { plain, chain, xored, cipher, rule, aes: { y: aesY, height: aesHeight } };
    arrows = [
      [xored + cell + 1, aesY - 1],
      [aesY + aesHeight + 1, cipher - 1]
    ];
  } else {
    const cipher = top;
    const aesY = cipher + cell + 12;
    const xored = aesY + aesHeight + 12;
    const chain = xored + step;
    const rule = chain + cell + 4;
    const plain = rule + 4;
    rows = { plain, chain, xored, cipher, rule, aes: { y: aesY, height: aesHeight } };
    arrows = [
      [cipher + cell + 1, aesY - 1],
      [aesY + aesHeight + 1, xored - 1]
    ];
  }
  const height = Math.max(rows.plain, rows.cipher) + cell + 2;
  const columnX = (k: number) => k * (labelWidth + rowWidth + columnGap);
  const cellsX = (k: number) => columnX(k) + labelWidth;
  return {
    spec,
    rows,
    rowWidth,
    height,
    arrows,
    columnX,
    cellsX,
    grid: (k) => gridLayout({ columns: 16, cell, gap, rowStep: cell, x0: cellsX(k) }),
    width: (columns) => (columns <= 0 ? 0 : columns * (labelWidth + rowWidth) + (columns - 1) * columnGap),
    chainPath(k) {
      const sx = cellsX(k) + rowWidth + 2;
      const sy = rows.cipher + cell / 2;
      const tx = cellsX(k + 1) - 4;
      const ty = rows.chain + cell / 2;
      return link({ source: [sx, sy], target: [tx, ty] }) ?? '';
    }
  };
}
