import type { DemandSet } from '../demand';
import { CoverageError } from '../errors';
import { CellGrid } from '../grid';
import type { ExtractFeatures } from './extract-features';

/**
 * Fallback demand when the planner has neither population nor incidents: one point per grid cell
 * at the cell centre, weighted by the metres of residential street in it (where people live is
 * where streets are lined with homes). Cells without residential streets carry no demand.
 */
export function demandFromExtract(features: ExtractFeatures, bbox: [number, number, number, number], cellM = 500): DemandSet {
  if (!(cellM >= 50 && cellM <= 10_000)) throw new CoverageError('BAD_INPUT', 'demand cell must be 50–10,000 m');
  const grid = new CellGrid(bbox[0], bbox[1], bbox[2], bbox[3], cellM);
  const w = new Float64Array(grid.size);
  // Weighted centre of the streets in each cell: the point then lies near the homes, not in a field.
  const sLat = new Float64Array(grid.size);
  const sLon = new Float64Array(grid.size);
  for (const r of features.residentialRoads) {
    const c = grid.cellOf(r.lat, r.lon);
    if (c < 0) continue;
    w[c] += r.lengthM;
    sLat[c] += r.lat * r.lengthM;
    sLon[c] += r.lon * r.lengthM;
  }
  const points = [];
  for (let c = 0; c < grid.size; c++) {
    if (w[c]! <= 0) continue;
    points.push({ id: `cell-${c}`, lat: sLat[c]! / w[c]!, lon: sLon[c]! / w[c]!, weight: Math.round(w[c]!) });
  }
  if (points.length === 0) throw new CoverageError('BAD_DEMAND', 'the extract has no residential streets inside the region; supply demand points');
  return {
    kind: 'extract-residential-roads',
    unit: 'm of residential road',
    source: `fallback from the extract: residential + living_street length per ${cellM} m cell, placed at the streets' weighted centre`,
    points,
  };
}
