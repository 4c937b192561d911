/**
 * Static uniform grid over shape segments (in projected metres), stored as CSR so it lives in the
 * same binary cache as the graph. A road network's segments are short and evenly spread, so a grid
 * sized to ~2 segments per cell answers a snap with a handful of cells; no tree is needed.
 * (flatbush/kdbush are ESM-only in their current majors, which Jest's CommonJS runtime cannot load.)
 */
export interface SegmentGrid {
  minX: number;
  minY: number;
  cellM: number;
  cols: number;
  rows: number;
  /** Items of cell (col,row) are cellItems[cellStart[i] .. cellStart[i+1]-1], i = row*cols+col. */
  cellStart: Int32Array;
  cellItems: Int32Array;
}

/** x1,y1,x2,y2 per item (segment id = position); NaN boxes are skipped. */
export function buildSegmentGrid(boxes: Float64Array): SegmentGrid {
  const n = boxes.length / 4;
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity, used = 0;
  for (let i = 0; i < n; i++) {
    if (Number.isNaN(boxes[4 * i]!)) continue;
    used++;
    minX = Math.min(minX, boxes[4 * i]!);
    minY = Math.min(minY, boxes[4 * i + 1]!);
    maxX = Math.max(maxX, boxes[4 * i + 2]!);
    maxY = Math.max(maxY, boxes[4 * i + 3]!);
  }
  if (used === 0) return { minX: 0, minY: 0, cellM: 1, cols: 1, rows: 1, cellStart: new Int32Array(2), cellItems: new Int32Array(0) };
  const area = Math.max(1, (maxX - minX) * (maxY - minY));
  const cellM = Math.max(25, Math.sqrt((area * 2) / used));
  const cols = Math.max(1, Math.ceil((maxX - minX) / cellM) + 1);
  const rows = Math.max(1, Math.ceil((maxY - minY) / cellM) + 1);
  const cellStart = new Int32Array(cols * rows + 1);
  const forCells = (i: number, f: (cell: number) => void): void => {
    const c0 = Math.floor((boxes[4 * i]! - minX) / cellM);
    const r0 = Math.floor((boxes[4 * i + 1]! - minY) / cellM);
    const c1 = Math.floor((boxes[4 * i + 2]! - minX) / cellM);
    const r1 = Math.floor((boxes[4 * i + 3]! - minY) / cellM);
    for (let r = r0; r <= r1; r++) for (let c = c0; c <= c1; c++) f(r * cols + c);
  };
  for (let i = 0; i < n; i++) if (!Number.isNaN(boxes[4 * i]!)) forCells(i, (cell) => cellStart[cell + 1]!++);
  for (let k = 0; k < cols * rows; k++) cellStart[k + 1]! += cellStart[k]!;
  const pos = cellStart.slice(0, cols * rows);
  const cellItems = new Int32Array(cellStart[cols * rows]!);
  for (let i = 0; i < n; i++) if (!Number.isNaN(boxes[4 * i]!)) forCells(i, (cell) => (cellItems[pos[cell]!++] = i));
  return { minX, minY, cellM, cols, rows, cellStart, cellItems };
}

/** Items whose box may intersect the query box (may repeat an item; callers dedupe if needed). */
export function searchGrid(g: SegmentGrid, x1: number, y1: number, x2: number, y2: number, out: number[]): void {
  const c0 = Math.max(0, Math.floor((x1 - g.minX) / g.cellM));
  const r0 = Math.max(0, Math.floor((y1 - g.minY) / g.cellM));
  const c1 = Math.min(g.cols - 1, Math.floor((x2 - g.minX) / g.cellM));
  const r1 = Math.min(g.rows - 1, Math.floor((y2 - g.minY) / g.cellM));
  for (let r = r0; r <= r1; r++) {
    for (let c = c0; c <= c1; c++) {
      const cell = r * g.cols + c;
      for (let k = g.cellStart[cell]!; k < g.cellStart[cell + 1]!; k++) out.push(g.cellItems[k]!);
    }
  }
}
