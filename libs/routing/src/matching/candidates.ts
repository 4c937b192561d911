import { cosDeg, EARTH_RADIUS_M, projX, projY } from '@rescue/common';
import { chainOfShapePoint, type RoadGraph } from '../graph';
import { searchGrid } from '../segment-grid';
import type { SnappedPoint } from '../snap';

const M_PER_DEG = (Math.PI / 180) * EARTH_RADIUS_M;

/**
 * Road positions a fix may have been taken on: the nearest point of each chain within radiusM, the
 * nearest maxCount of them. One per chain (as Newson & Krumm take one per road segment); a chain
 * that passes the fix twice (a hairpin) offers its nearer pass. Any drivable chain counts, on the main
 * network or not: a unit may really be on a cut-off stub, and the transitions decide.
 */
export function candidatesNear(g: RoadGraph, lat: number, lon: number, radiusM: number, maxCount: number, scratch: number[] = []): SnappedPoint[] {
  const cosq = cosDeg(lat);
  const qx = projX(lon, g.projCos);
  const qy = projY(lat);
  const rx = (radiusM * g.projCos) / Math.max(cosq, 1e-6) + 1;
  scratch.length = 0;
  searchGrid(g.index, qx - rx, qy - radiusM - 1, qx + rx, qy + radiusM + 1, scratch);
  const best = new Map<number, { p: number; s: number; d: number }>();
  for (const p of scratch) {
    const ax = (g.sLon[p]! - lon) * M_PER_DEG * cosq;
    const ay = (g.sLat[p]! - lat) * M_PER_DEG;
    const dx = (g.sLon[p + 1]! - lon) * M_PER_DEG * cosq - ax;
    const dy = (g.sLat[p + 1]! - lat) * M_PER_DEG - ay;
    const len2 = dx * dx + dy * dy;
    let s = len2 > 0 ? -(ax * dx + ay * dy) / len2 : 0;
    s = s < 0 ? 0 : s > 1 ? 1 : s;
    const x = ax + s * dx;
    const y = ay + s * dy;
    const d = Math.sqrt(x * x + y * y);
    if (d > radiusM) continue;
    const chain = chainOfShapePoint(g, p);
    const prev = best.get(chain);
    if (prev === undefined || d < prev.d) best.set(chain, { p, s, d });
  }
  const found = [...best.entries()].sort((a, b) => a[1].d - b[1].d).slice(0, maxCount);
  return found.map(([chain, { p, s, d }]) => {
    let fwd = false;
    let bwd = false;
    for (let k = g.cEdgeStart[chain]!; k < g.cEdgeStart[chain + 1]!; k++) {
      if (g.eDir[g.cEdges[k]!] === 0) fwd = true;
      else bwd = true;
    }
    return {
      lat,
      lon,
      snappedLat: g.sLat[p]! + s * (g.sLat[p + 1]! - g.sLat[p]!),
      snappedLon: g.sLon[p]! + s * (g.sLon[p + 1]! - g.sLon[p]!),
      distanceM: d,
      chain,
      alongM: g.sCum[p]! + s * (g.sCum[p + 1]! - g.sCum[p]!),
      allowForward: fwd,
      allowBackward: bwd,
    };
  });
}

/** Distance from a fix to the nearest road within radiusM, or Infinity (for estimating GPS noise). */
export function nearestRoadM(g: RoadGraph, lat: number, lon: number, radiusM: number, scratch: number[] = []): number {
  const c = candidatesNear(g, lat, lon, radiusM, 1, scratch);
  return c.length > 0 ? c[0]!.distanceM : Infinity;
}
