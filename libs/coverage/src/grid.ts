/**
 * A regular grid of square-ish cells over a bounding box, in metres at the box's mid latitude
 * (an equirectangular approximation; cells are hundreds of metres, regions tens of kilometres).
 */
export class CellGrid {
  readonly cols: number;
  readonly rows: number;
  readonly dLat: number;
  readonly dLon: number;

  constructor(
    readonly minLon: number,
    readonly minLat: number,
    maxLon: number,
    maxLat: number,
    readonly cellM: number,
  ) {
    const midLat = (minLat + maxLat) / 2;
    this.dLat = cellM / 111_195;
    this.dLon = cellM / (111_195 * Math.cos((midLat * Math.PI) / 180));
    this.cols = Math.max(1, Math.ceil((maxLon - minLon) / this.dLon));
    this.rows = Math.max(1, Math.ceil((maxLat - minLat) / this.dLat));
  }

  get size(): number {
    return this.cols * this.rows;
  }

  /** Cell index of a point, or -1 outside the grid. */
  cellOf(lat: number, lon: number): number {
    const c = Math.floor((lon - this.minLon) / this.dLon);
    const r = Math.floor((lat - this.minLat) / this.dLat);
    if (c < 0 || r < 0 || c >= this.cols || r >= this.rows) return -1;
    return r * this.cols + c;
  }

  centre(cell: number): { lat: number; lon: number } {
    const r = Math.floor(cell / this.cols);
    const c = cell % this.cols;
    return { lat: this.minLat + (r + 0.5) * this.dLat, lon: this.minLon + (c + 0.5) * this.dLon };
  }

  /** Cell outline as a closed GeoJSON ring ([lon, lat]). */
  ring(cell: number): [number, number][] {
    const r = Math.floor(cell / this.cols);
    const c = cell % this.cols;
    const x0 = this.minLon + c * this.dLon;
    const y0 = this.minLat + r * this.dLat;
    const x1 = x0 + this.dLon;
    const y1 = y0 + this.dLat;
    return [
      [x0, y0],
      [x1, y0],
      [x1, y1],
      [x0, y1],
      [x0, y0],
    ];
  }

  /** Sum of a neighbourhood (radius in cells), used to smooth densities. */
  neighbourhoodSum(values: Float64Array, cell: number, radius: number): number {
    const r0 = Math.floor(cell / this.cols);
    const c0 = cell % this.cols;
    let s = 0;
    for (let r = Math.max(0, r0 - radius); r <= Math.min(this.rows - 1, r0 + radius); r++) {
      for (let c = Math.max(0, c0 - radius); c <= Math.min(this.cols - 1, c0 + radius); c++) s += values[r * this.cols + c]!;
    }
    return s;
  }
}
