import booleanPointInPolygon from '@turf/boolean-point-in-polygon';
import type { RoadGraph } from '@rescue/routing';
import type { DemandPoint, DemandSet } from '../demand';
import { CellGrid } from '../grid';
import type { PopulationArea, PopulationInput } from './population-input';

export interface PopulationDemandOptions {
  /** Side of the cells an area's count is spread over (default 200 m). */
  cellM?: number;
}

export interface PopulationDemand extends DemandSet {
  /** Areas with no road vertex inside: their people stand at the area's middle (often unreached). */
  areasWithoutRoad: string[];
}

/**
 * Points along every road of the graph, no more than half a cell apart, bucketed into grid cells:
 * cell → [lon, lat] samples. The cells a road passes through, with where it passes.
 */
function roadCells(g: RoadGraph, grid: CellGrid): Map<number, Array<[number, number]>> {
  const cells = new Map<number, Array<[number, number]>>();
  const add = (lat: number, lon: number) => {
    const c = grid.cellOf(lat, lon);
    if (c < 0) return;
    const list = cells.get(c);
    if (list) list.push([lon, lat]);
    else cells.set(c, [[lon, lat]]);
  };
  const step = grid.cellM / 2;
  for (let c = 0; c < g.chainCount; c++) {
    const end = g.cShapeStart[c + 1]! - 1;
    for (let p = g.cShapeStart[c]!; p < end; p++) {
      const n = Math.max(1, Math.ceil((g.sCum[p + 1]! - g.sCum[p]!) / step));
      for (let k = 0; k < n; k++) add(g.sLat[p]! + ((g.sLat[p + 1]! - g.sLat[p]!) * k) / n, g.sLon[p]! + ((g.sLon[p + 1]! - g.sLon[p]!) * k) / n);
    }
    add(g.sLat[end]!, g.sLon[end]!);
  }
  return cells;
}

function bboxOf(a: PopulationArea): [number, number, number, number] {
  let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
  const polys = a.geometry.type === 'Polygon' ? [a.geometry.coordinates] : a.geometry.coordinates;
  for (const poly of polys) {
    for (const [lon, lat] of poly[0]!) {
      x0 = Math.min(x0, lon);
      y0 = Math.min(y0, lat);
      x1 = Math.max(x1, lon);
      y1 = Math.max(y1, lat);
    }
  }
  return [x0, y0, x1, y1];
}

/**
 * Population as coverage demand, in people. Raster cells stand where they are (a cell far from any road
 * counts as unreached, as its people are). An area's census count is spread evenly over the road-reachable
 * cells inside it: the grid cells holding a road vertex, each represented on the road (the mean of its
 * vertices), so mountains, lakes and fields inside a township carry no one. An area with no road inside
 * keeps its count at its bounding box's middle and is listed.
 */
export function populationDemand(g: RoadGraph, input: PopulationInput, opts: PopulationDemandOptions = {}): PopulationDemand {
  const cellM = opts.cellM ?? 200;
  const points: DemandPoint[] = input.cells.map((c) => ({ id: c.id, lat: c.lat, lon: c.lon, weight: c.population, population: c.population }));
  const areasWithoutRoad: string[] = [];
  let spreadCells = 0;
  if (input.areas.length > 0) {
    const [minLon, minLat, maxLon, maxLat] = g.meta.bbox;
    const grid = new CellGrid(minLon, minLat, maxLon, maxLat, cellM);
    const roads = roadCells(g, grid);
    for (const a of input.areas) {
      const [x0, y0, x1, y1] = bboxOf(a);
      const c0 = Math.max(0, Math.floor((x0 - grid.minLon) / grid.dLon));
      const c1 = Math.min(grid.cols - 1, Math.floor((x1 - grid.minLon) / grid.dLon));
      const r0 = Math.max(0, Math.floor((y0 - grid.minLat) / grid.dLat));
      const r1 = Math.min(grid.rows - 1, Math.floor((y1 - grid.minLat) / grid.dLat));
      const inside: Array<{ lat: number; lon: number }> = [];
      for (let r = r0; r <= r1; r++) {
        for (let c = c0; c <= c1; c++) {
          const samples = roads.get(r * grid.cols + c);
          if (!samples) continue;
          // The area's part of the cell's road (a cell on the boundary is split between areas); the point
          // stands on the road sample nearest the part's middle, so it snaps to that road.
          const mine = samples.filter((q) => booleanPointInPolygon(q, a.geometry));
          if (mine.length === 0) continue;
          const [lon, lat] = mine[Math.floor(mine.length / 2)]!;
          inside.push({ lat, lon });
        }
      }
      if (inside.length === 0) {
        areasWithoutRoad.push(a.id);
        points.push({ id: a.id, lat: (y0 + y1) / 2, lon: (x0 + x1) / 2, weight: a.population, population: a.population });
        continue;
      }
      spreadCells += inside.length;
      const share = a.population / inside.length;
      inside.forEach((p, k) => points.push({ id: `${a.id}#${k + 1}`, lat: p.lat, lon: p.lon, weight: share, population: share }));
    }
  }
  const parts = [];
  if (input.areas.length > 0) parts.push(`${input.areas.length} areas spread over ${spreadCells} road cells of ${cellM} m`);
  if (input.cells.length > 0) parts.push(`${input.cells.length} raster cells`);
  return { kind: 'population', unit: 'people', source: `${input.source}: ${parts.join(', ')}`, points, areasWithoutRoad };
}
