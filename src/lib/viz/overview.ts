// The overview: every block of a message of any size as one small mark. When there are more
// blocks than marks fit, a mark stands for a run of consecutive blocks (aggregated marks), so
// a 1 MiB message (65 536 blocks) still fits in a strip and draws in one canvas pass.
import { scaleLinear } from 'd3-scale';

export interface OverviewSpec {
  blockCount: number;
  width: number;
  maxHeight: number;
  maxCell?: number;
  minCell?: number;
}

export interface OverviewLayout {
  blocksPerCell: number;
  cellCount: number;
  cols: number;
  rows: number;
  cell: number;
  width: number;
  height: number;
  x(cellIndex: number): number;
  y(cellIndex: number): number;
  cellOfBlock(block: number): number;
  /** blocks [start, end) a mark stands for */
  blocksOfCell(cellIndex: number): [number, number];
  /** the block under a point, or -1 */
  blockAt(px: number, py: number): number;
}

export function overviewLayout({
  blockCount,
  width,
  maxHeight,
  maxCell = 14,
  minCell = 3
}: OverviewSpec): OverviewLayout {
  const n = Math.max(1, blockCount);
  let k = 1;
  let cell = maxCell;
  let cols = 1;
  let cellCount = n;
  let rows = 1;
  for (;;) {
    cellCount = Math.ceil(n / k);
    cell = Math.min(maxCell, Math.floor(Math.sqrt((width * maxHeight) / cellCount)));
    cols = Math.max(1, Math.floor(width / Math.max(1, cell)));
    rows = Math.ceil(cellCount / cols);
    while (cell > minCell && rows * cell > maxHeight) {
      cell--;
      cols = Math.floor(width / cell);
      rows = Math.ceil(cellCount / cols);
    }
    if (cell >= minCell && rows * cell <= maxHeight) break;
    k *= 2;
  }
  cols = Math.min(cols, cellCount);
  const x = scaleLinear()
    .domain([0, cols])
    .range([0, cols * cell]);
  const blocksPerCell = k;
  return {
    blocksPerCell,
    cellCount,
    cols,
    rows,
    cell,
    width: cols * cell,
    height: rows * cell,
    // marks sit on whole pixels, so the canvas draws them crisp
    x: (i) => Math.round(x(i % cols)),
    y: (i) => Math.floor(i / cols) * cell,
    cellOfBlock: (b) => Math.floor(b / blocksPerCell),
    blocksOfCell: (i) => [i * blocksPerCell, Math.min(blockCount, (i + 1) * blocksPerCell)],
    blockAt(px, py) {
      const c = Math.floor(px / cell);
      const r = Math.floor(py / cell);
      if (px < 0 || py < 0 || c >= cols) return -1;
      const i = r * cols + c;
      if (i >= cellCount) return -1;
      return Math.min(blockCount - 1, i * blocksPerCell);
    }
  };
}
