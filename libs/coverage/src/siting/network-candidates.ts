import type { RoadGraph } from '@rescue/routing';
import { CoverageError } from '../errors';
import { CellGrid } from '../grid';
import type { Site } from '../network';

/**
 * Candidate sites generated on the road network: in each grid cell, the junction nearest the cell
 * centre (junctions, degree ≥ 3, are where a station can leave in several directions). The cell is
 * widened until at most `max` candidates remain.
 */
export function networkCandidates(g: RoadGraph, max: number, startCellM = 500): Site[] {
  if (!Number.isInteger(max) || max < 1 || max > 5000) throw new CoverageError('BAD_INPUT', 'candidate count must be 1–5000');
  const [minLon, minLat, maxLon, maxLat] = g.meta.bbox;
  const degree = new Int32Array(g.vertexCount);
  for (let e = 0; e < g.edgeCount; e++) {
    degree[g.eSrc[e]!]!++;
    degree[g.eDst[e]!]!++;
  }
  for (let cellM = startCellM; ; cellM *= 1.25) {
    const grid = new CellGrid(minLon, minLat, maxLon, maxLat, cellM);
    const best = new Map<number, { v: number; d: number }>();
    for (let v = 0; v < g.vertexCount; v++) {
      // In- plus out-degree: a two-way through road counts 4, a junction of three two-way roads 6.
      if (degree[v]! < 5) continue;
      const c = grid.cellOf(g.vLat[v]!, g.vLon[v]!);
      if (c < 0) continue;
      const ctr = grid.centre(c);
      const d = (g.vLat[v]! - ctr.lat) ** 2 + ((g.vLon[v]! - ctr.lon) * Math.cos((ctr.lat * Math.PI) / 180)) ** 2;
      const cur = best.get(c);
      if (!cur || d < cur.d) best.set(c, { v, d });
    }
    if (best.size <= max) {
      return [...best.entries()]
        .sort((a, b) => a[0] - b[0])
        .map(([c, { v }], i) => ({ id: `cand-${i + 1}`, name: `junction in cell ${c} (${Math.round(cellM)} m)`, lat: g.vLat[v]!, lon: g.vLon[v]! }));
    }
  }
}
