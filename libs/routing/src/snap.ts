import { RoutingError } from './errors';
import { angleDiffDeg, bearingDeg, cosDeg, EARTH_RADIUS_M, haversineM, projX, projY } from '@rescue/common';
import { chainOfShapePoint, edgeOnMainNetwork, type RoadGraph } from './graph';
import { searchGrid } from './segment-grid';

/** A point placed on a chain of the graph: where it was, where it lands, which ways it may leave. */
export interface SnappedPoint {
  lat: number;
  lon: number;
  snappedLat: number;
  snappedLon: number;
  /** Metres from the input point to the road. */
  distanceM: number;
  chain: number;
  /** Metres from the chain's first shape point to the snapped point. */
  alongM: number;
  /** May travel in the chain's shape direction / against it (heading can rule one out). */
  allowForward: boolean;
  allowBackward: boolean;
}

export interface SnapOptions {
  /** Refuse points farther than this from any drivable road. */
  maxDistanceM: number;
  /** Direction of travel, degrees clockwise from north; picks the carriageway of a moving unit. */
  headingDeg?: number;
  /** A carriageway whose direction is within this of the heading matches (default 60°). */
  headingToleranceDeg?: number;
  /** How much farther than the nearest road a heading-matching carriageway may be (default 30 m). */
  headingSlackM?: number;
  /**
   * 'main' (default): only road pieces on the main network (largest strongly connected component),
   * so the snapped point can reach, and be reached from, every other snapped point. A station next
   * to a cut-off one-way stub then lands on the main road 20 m away instead of being "unreachable".
   * 'any': the nearest drivable road whatever it connects to (diagnostics, map display).
   */
  network?: 'main' | 'any';
}

interface Candidate {
  p: number;
  d: number;
  s: number;
  chain: number;
  /** Directions of travel this candidate may be left in (on the main network when that is asked). */
  fwd: boolean;
  bwd: boolean;
}

export function checkLatLon(lat: number, lon: number): void {
  if (!Number.isFinite(lat) || !Number.isFinite(lon) || Math.abs(lat) > 90 || Math.abs(lon) > 180) {
    throw new RoutingError('BAD_INPUT', `invalid coordinates ${lat},${lon}`);
  }
}

/** Snap to the nearest drivable edge (or, with a heading, the nearest one driven that way). */
export function snap(g: RoadGraph, lat: number, lon: number, opts: SnapOptions): SnappedPoint {
  checkLatLon(lat, lon);
  const limit = opts.maxDistanceM;
  const mainOnly = (opts.network ?? 'main') === 'main';
  const slack = opts.headingDeg === undefined ? 0 : (opts.headingSlackM ?? 30);
  const cosq = cosDeg(lat);
  const qx = projX(lon, g.projCos);
  const qy = projY(lat);
  // Grow the search box: most points lie within tens of metres of a road.
  let r = Math.min(limit, 60);
  let cands: Candidate[] = [];
  // Nearest road of any network, only to explain a refusal when the main network is out of reach.
  let nearestAny = Infinity;
  for (;;) {
    const rx = (r * g.projCos) / Math.max(cosq, 1e-6) + 1;
    const ids: number[] = [];
    searchGrid(g.index, qx - rx, qy - r - 1, qx + rx, qy + r + 1, ids);
    cands = [];
    for (const p of new Set(ids)) {
      const c = nearestOnSegment(g, p, lat, lon, cosq, mainOnly);
      if (c.d < nearestAny) nearestAny = c.d;
      // Pieces cut off from the main network have no direction left: skipped, so the box keeps
      // growing past them to the main road.
      if (c.fwd || c.bwd) cands.push(c);
    }
    let best = Infinity;
    for (const c of cands) if (c.d < best) best = c.d;
    // Enough when the nearest found (plus heading slack) is inside the box searched.
    if (best + slack <= r || r >= limit) break;
    r = Math.min(limit, Math.max(r * 4, best + slack));
  }
  cands.sort((a, b) => a.d - b.d);
  const nearest = cands[0];
  if (nearest === undefined || nearest.d > limit) {
    const offMain = mainOnly && nearestAny <= limit;
    throw new RoutingError(
      'SNAP_TOO_FAR',
      offMain
        ? `no road of the main network within ${limit} m of ${lat},${lon} (the nearest road, ${Math.round(nearestAny)} m away, is cut off from it)`
        : `no drivable road within ${limit} m of ${lat},${lon}`,
      {
        lat,
        lon,
        maxDistanceM: limit,
        ...(nearest ? { nearestM: Math.round(nearest.d) } : {}),
        ...(offMain ? { nearestCutOffM: Math.round(nearestAny) } : {}),
      },
    );
  }
  if (opts.headingDeg !== undefined) {
    const tol = opts.headingToleranceDeg ?? 60;
    for (const c of cands) {
      if (c.d > nearest.d + slack || c.d > limit) break;
      const b = bearingDeg(g.sLat[c.p]!, g.sLon[c.p]!, g.sLat[c.p + 1]!, g.sLon[c.p + 1]!);
      if (c.fwd && angleDiffDeg(opts.headingDeg, b) <= tol) return make(g, c, lat, lon, true, false);
      if (c.bwd && angleDiffDeg(opts.headingDeg, b + 180) <= tol) return make(g, c, lat, lon, false, true);
    }
  }
  return make(g, nearest, lat, lon, nearest.fwd, nearest.bwd);
}

/**
 * Directions in which a chain is driven; with mainOnly, only by edges that stay on the main network
 * (a direction leading off it would leave the snapped point stranded).
 */
function directions(g: RoadGraph, chain: number, mainOnly: boolean): { fwd: boolean; bwd: boolean } {
  let fwd = false;
  let bwd = false;
  for (let k = g.cEdgeStart[chain]!; k < g.cEdgeStart[chain + 1]!; k++) {
    const e = g.cEdges[k]!;
    if (mainOnly && !edgeOnMainNetwork(g, e)) continue;
    if (g.eDir[e] === 0) fwd = true;
    else bwd = true;
  }
  return { fwd, bwd };
}

/** Nearest point of segment p→p+1 in a projection centred on the query (exact enough below km). */
function nearestOnSegment(g: RoadGraph, p: number, lat: number, lon: number, cosq: number, mainOnly: boolean): Candidate {
  const k = (Math.PI / 180) * EARTH_RADIUS_M;
  const ax = (g.sLon[p]! - lon) * k * cosq;
  const ay = (g.sLat[p]! - lat) * k;
  const bx = (g.sLon[p + 1]! - lon) * k * cosq;
  const by = (g.sLat[p + 1]! - lat) * k;
  const dx = bx - ax;
  const dy = by - ay;
  const len2 = dx * dx + dy * dy;
  let s = len2 > 0 ? -(ax * dx + ay * dy) / len2 : 0;
  s = s < 0 ? 0 : s > 1 ? 1 : s;
  const x = ax + s * dx;
  const y = ay + s * dy;
  const chain = chainOfShapePoint(g, p);
  return { p, d: Math.sqrt(x * x + y * y), s, chain, ...directions(g, chain, mainOnly) };
}

function make(g: RoadGraph, c: Candidate, lat: number, lon: number, allowForward: boolean, allowBackward: boolean): SnappedPoint {
  const snappedLat = g.sLat[c.p]! + c.s * (g.sLat[c.p + 1]! - g.sLat[c.p]!);
  const snappedLon = g.sLon[c.p]! + c.s * (g.sLon[c.p + 1]! - g.sLon[c.p]!);
  const alongM = g.sCum[c.p]! + c.s * (g.sCum[c.p + 1]! - g.sCum[c.p]!);
  return { lat, lon, snappedLat, snappedLon, distanceM: haversineM(lat, lon, snappedLat, snappedLon), chain: c.chain, alongM, allowForward, allowBackward };
}
