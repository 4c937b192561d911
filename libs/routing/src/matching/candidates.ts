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
interface Scratch {
  /** Per chain: generation stamp and the index of its best segment hit in the hit arrays. */
  stamp: Uint32Array;
  slot: Int32Array;
  gen: number;
  hitP: number[];
  hitS: number[];
  hitD: number[];
  hitC: number[];
}
const scratches = new WeakMap<RoadGraph, Scratch>();

function scratchFor(g: RoadGraph): Scratch {
  let s = scratches.get(g);
  if (!s) {
    s = { stamp: new Uint32Array(g.chainCount), slot: new Int32Array(g.chainCount), gen: 0, hitP: [], hitS: [], hitD: [], hitC: [] };
    scratches.set(g, s);
  }
  return s;
}

export function candidatesNear(g: RoadGraph, lat: number, lon: number, radiusM: number, maxCount: number, ids: number[] = []): SnappedPoint[] {
  const cosq = cosDeg(lat);
  const qx = projX(lon, g.projCos);
  const qy = projY(lat);
  const rx = (radiusM * g.projCos) / Math.max(cosq, 1e-6) + 1;
  ids.length = 0;
  searchGrid(g.index, qx - rx, qy - radiusM - 1, qx + rx, qy + radiusM + 1, ids);
  const sc = scratchFor(g);
  if (++sc.gen === 0xffffffff) {
    sc.stamp.fill(0);
    sc.gen = 1;
  }
  const gen = sc.gen;
  const { hitP, hitS, hitD, hitC } = sc;
  hitP.length = hitS.length = hitD.length = hitC.length = 0;
  const kx = M_PER_DEG * cosq;
  for (let i = 0; i < ids.length; i++) {
    const p = ids[i]!;
    const ax = (g.sLon[p]! - lon) * kx;
    const ay = (g.sLat[p]! - lat) * M_PER_DEG;
    const dx = (g.sLon[p + 1]! - lon) * kx - ax;
    const dy = (g.sLat[p + 1]! - lat) * M_PER_DEG - ay;
    const len2 = dx * dx + dy * dy;
    let s = len2 > 0 ? -(ax * dx + ay * dy) / len2 : 0;
    s = s < 0 ? 0 : s > 1 ? 1 : s;
    const x = ax + s * dx;
    const y = ay + s * dy;
    const d = Math.sqrt(x * x + y * y);
    if (d > radiusM) continue;
    const chain = chainOfShapePoint(g, p);
    if (sc.stamp[chain] === gen) {
      const k = sc.slot[chain]!;
      if (d < hitD[k]!) {
        hitP[k] = p;
        hitS[k] = s;
        hitD[k] = d;
      }
    } else {
      sc.stamp[chain] = gen;
      sc.slot[chain] = hitP.length;
      hitP.push(p);
      hitS.push(s);
      hitD.push(d);
      hitC.push(chain);
    }
  }
  const order = hitD.map((_, k) => k).sort((a, b) => hitD[a]! - hitD[b]!);
  if (order.length > maxCount) order.length = maxCount;
  return order.map((k) => {
    const p = hitP[k]!;
    const s = hitS[k]!;
    const chain = hitC[k]!;
    let fwd = false;
    let bwd = false;
    for (let j = g.cEdgeStart[chain]!; j < g.cEdgeStart[chain + 1]!; j++) {
      if (g.eDir[g.cEdges[j]!] === 0) fwd = true;
      else bwd = true;
    }
    return {
      lat,
      lon,
      snappedLat: g.sLat[p]! + s * (g.sLat[p + 1]! - g.sLat[p]!),
      snappedLon: g.sLon[p]! + s * (g.sLon[p + 1]! - g.sLon[p]!),
      distanceM: hitD[k]!,
      chain,
      alongM: g.sCum[p]! + s * (g.sCum[p + 1]! - g.sCum[p]!),
      allowForward: fwd,
      allowBackward: bwd,
    };
  });
}

/** Distance from a fix to the nearest road within radiusM, or Infinity (for estimating GPS noise). */
export function nearestRoadM(g: RoadGraph, lat: number, lon: number, radiusM: number, ids: number[] = []): number {
  const c = candidatesNear(g, lat, lon, radiusM, 1, ids);
  return c.length > 0 ? c[0]!.distanceM : Infinity;
}
