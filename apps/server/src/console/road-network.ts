import type { RoadGraph } from '@rescue/routing';

/** Speed classes of the basemap (km/h of the chain's free-flow speed): drawn thicker when faster. */
export const ROAD_CLASSES = [
  { id: 'major', minKmh: 60 },
  { id: 'secondary', minKmh: 40 },
  { id: 'minor', minKmh: 0 },
] as const;
export type RoadClassId = (typeof ROAD_CLASSES)[number]['id'];

export interface RoadNetworkGeoJson {
  type: 'FeatureCollection';
  features: Array<{
    type: 'Feature';
    properties: { roadClass: RoadClassId; chains: number };
    geometry: { type: 'MultiLineString'; coordinates: number[][][] };
  }>;
  attribution: string;
  bbox: [number, number, number, number];
}

/** Perpendicular distance² (projected metres) of p from segment a–b. */
function segDist2(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax;
  const dy = by - ay;
  const len2 = dx * dx + dy * dy;
  let t = len2 > 0 ? ((px - ax) * dx + (py - ay) * dy) / len2 : 0;
  t = t < 0 ? 0 : t > 1 ? 1 : t;
  const ex = ax + t * dx - px;
  const ey = ay + t * dy - py;
  return ex * ex + ey * ey;
}

/** Douglas–Peucker on projected metres; keeps both ends. Iterative (long chains must not overflow the stack). */
export function simplify(xs: number[], ys: number[], toleranceM: number): boolean[] {
  const n = xs.length;
  const keep = new Array<boolean>(n).fill(false);
  if (n === 0) return keep;
  keep[0] = true;
  keep[n - 1] = true;
  const tol2 = toleranceM * toleranceM;
  const stack: Array<[number, number]> = [[0, n - 1]];
  while (stack.length) {
    const [a, b] = stack.pop()!;
    let best = -1;
    let bestD = tol2;
    for (let i = a + 1; i < b; i++) {
      const d = segDist2(xs[i]!, ys[i]!, xs[a]!, ys[a]!, xs[b]!, ys[b]!);
      if (d > bestD) {
        bestD = d;
        best = i;
      }
    }
    if (best >= 0) {
      keep[best] = true;
      stack.push([a, best], [best, b]);
    }
  }
  return keep;
}

const M_PER_DEG = 111_320;
const round5 = (v: number): number => Math.round(v * 1e5) / 1e5;

/**
 * The drivable road network of the loaded graph as a basemap: one MultiLineString per speed class,
 * each road piece (chain) once whatever its directions, simplified to `toleranceM`, coordinates
 * rounded to 1e-5° (about 1 m). Pure function of the graph: compute once and cache.
 */
export function roadNetworkGeoJson(g: RoadGraph, attribution: string, toleranceM = 3): RoadNetworkGeoJson {
  const lines: Record<RoadClassId, number[][][]> = { major: [], secondary: [], minor: [] };
  const cos = Math.cos(((g.meta.bbox[1] + g.meta.bbox[3]) / 2) * (Math.PI / 180));
  for (let c = 0; c < g.chainCount; c++) {
    const s0 = g.cShapeStart[c]!;
    const s1 = g.cShapeStart[c + 1]!;
    if (s1 - s0 < 2) continue;
    let kmh = 0;
    for (let k = g.cEdgeStart[c]!; k < g.cEdgeStart[c + 1]!; k++) {
      const e = g.cEdges[k]!;
      const t = g.eTime[e]!;
      if (t > 0) kmh = Math.max(kmh, (g.eDist[e]! / t) * 3.6);
    }
    const xs: number[] = [];
    const ys: number[] = [];
    for (let p = s0; p < s1; p++) {
      xs.push(g.sLon[p]! * M_PER_DEG * cos);
      ys.push(g.sLat[p]! * M_PER_DEG);
    }
    const keep = simplify(xs, ys, toleranceM);
    const coords: number[][] = [];
    for (let p = s0; p < s1; p++) if (keep[p - s0]) coords.push([round5(g.sLon[p]!), round5(g.sLat[p]!)]);
    const cls = ROAD_CLASSES.find((r) => kmh >= r.minKmh)!.id;
    lines[cls].push(coords);
  }
  return {
    type: 'FeatureCollection',
    features: ROAD_CLASSES.map((r) => ({
      type: 'Feature' as const,
      properties: { roadClass: r.id, chains: lines[r.id].length },
      geometry: { type: 'MultiLineString' as const, coordinates: lines[r.id] },
    })),
    attribution,
    bbox: g.meta.bbox,
  };
}
