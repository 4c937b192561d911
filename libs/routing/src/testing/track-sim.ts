import { EARTH_RADIUS_M, haversineM, seededRandom } from '@rescue/common';
import { edgeOnMainNetwork, type RoadGraph } from '../graph';
import type { EdgeTraversal } from '../matching/assemble';
import type { TrackPoint } from '../matching/match';
import { route } from '../queries';
import { snap, type SnappedPoint } from '../snap';

/**
 * Simulated drives with known truth for map-matching accuracy: a route by travel time between
 * random places (optionally out to a point mid-road and back, a U-turn), driven at 60–110 % of the
 * profile speed with random stops at junctions, sampled every intervalS seconds, with Gaussian
 * noise of noiseM metres on each axis and optionally one gap of 60–120 s without fixes.
 */
export interface SimOptions {
  intervalS: number;
  noiseM: number;
  seed: number;
  /** Chance of a 10–60 s stop at the end of each road piece. */
  stopChance?: number;
  uTurn?: boolean;
  gap?: boolean;
  /** Straight-line distance between start and end, metres. */
  minM?: number;
  maxM?: number;
  /** Epoch ms of the first fix (default 2026-01-05 08:00 UTC). */
  startMs?: number;
  /**
   * Hidden truth for learning: the unit drives each edge at profile speed × this factor × 0.9–1.1
   * (instead of 0.6–1.1 at random). Called with the edge and the moment the unit enters it.
   */
  speedFactor?: (edge: number, atMs: number) => number;
}

/** A stretch of one chain driven in one direction (dir 0: along its shape), as along-metres lo < hi. */
export interface TruthPiece {
  chain: number;
  dir: number;
  lo: number;
  hi: number;
}

export interface SimTrack {
  points: TrackPoint[];
  truth: TruthPiece[];
  lengthM: number;
  uTurns: number;
  /** Seconds from the first to the last position driven (stops included). */
  durationS: number;
  /** The true start and end on the road. */
  from: SnappedPoint;
  to: SnappedPoint;
}

/** The repo's one seeded PRNG, under the name the matching specs and bench use. */
export const rng = seededRandom;

function gauss(r: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
}

interface Leg {
  chain: number;
  dir: number;
  fromM: number;
  toM: number;
  edge: number;
}

function mainVertex(g: RoadGraph, r: () => number): number {
  for (;;) {
    const v = Math.floor(r() * g.vertexCount);
    if (g.vComp[v] === 0 && g.fwdStart[v + 1]! > g.fwdStart[v]!) return v;
  }
}

function at(g: RoadGraph, v: number): SnappedPoint {
  return snap(g, g.vLat[v]!, g.vLon[v]!, { maxDistanceM: 50 });
}

/** The pieces a route() result drives, ends included; null for a route within one chain. */
function legsOf(g: RoadGraph, from: SnappedPoint, to: SnappedPoint): Leg[] | null {
  const r = route(g, from, to);
  if (r.edges.length === 0) return null;
  const legs: Leg[] = [];
  const v0 = g.eSrc[r.edges[0]!]!;
  const vn = g.eDst[r.edges[r.edges.length - 1]!]!;
  const chainEdge = (c: number, ok: (e: number) => boolean): number => {
    for (let k = g.cEdgeStart[c]!; k < g.cEdgeStart[c + 1]!; k++) if (ok(g.cEdges[k]!)) return g.cEdges[k]!;
    return -1;
  };
  const e0 = chainEdge(from.chain, (e) => g.eDst[e] === v0);
  const en = chainEdge(to.chain, (e) => g.eSrc[e] === vn);
  if (e0 < 0 || en < 0) return null;
  const full = (e: number): Leg => {
    const c = g.eChain[e]!;
    const len = g.cLength[c]!;
    return { chain: c, dir: g.eDir[e]!, fromM: g.eDir[e] === 0 ? 0 : len, toM: g.eDir[e] === 0 ? len : 0, edge: e };
  };
  legs.push({ ...full(e0), fromM: from.alongM });
  for (const e of r.edges) legs.push(full(e));
  legs.push({ ...full(en), toM: to.alongM });
  return legs.filter((l) => Math.abs(l.toM - l.fromM) > 1e-6);
}

function pointOn(g: RoadGraph, c: number, m: number): [number, number] {
  const s0 = g.cShapeStart[c]!;
  const s1 = g.cShapeStart[c + 1]! - 1;
  let p = s0;
  while (p < s1 - 1 && g.sCum[p + 1]! < m) p++;
  const seg = g.sCum[p + 1]! - g.sCum[p]!;
  const f = seg > 0 ? Math.min(1, Math.max(0, (m - g.sCum[p]!) / seg)) : 0;
  return [g.sLat[p]! + f * (g.sLat[p + 1]! - g.sLat[p]!), g.sLon[p]! + f * (g.sLon[p + 1]! - g.sLon[p]!)];
}

export function simulateTrack(g: RoadGraph, o: SimOptions): SimTrack {
  const r = rng(o.seed);
  const minM = o.minM ?? 1500;
  const maxM = o.maxM ?? 5000;
  for (let attempt = 0; attempt < 1000; attempt++) {
    const a = mainVertex(g, r);
    const b = mainVertex(g, r);
    const d = haversineM(g.vLat[a]!, g.vLon[a]!, g.vLat[b]!, g.vLon[b]!);
    if (d < minM || d > maxM) continue;
    let legs = legsOf(g, at(g, a), at(g, b));
    if (!legs || legs.length < 3) continue;
    let uTurns = 0;
    if (o.uTurn) {
      // Turn round in the middle of a two-way road half-way along, then drive back towards the start.
      const mid = legs.slice(legs.length >> 2, legs.length - 1).find((l) => {
        const c = l.chain;
        return g.cEdgeStart[c + 1]! - g.cEdgeStart[c]! >= 2 && g.cLength[c]! > 80 && edgeOnMainNetwork(g, l.edge);
      });
      if (!mid) continue;
      const k = legs.indexOf(mid);
      const m = (mid.fromM + mid.toM) / 2;
      const [lat, lon] = pointOn(g, mid.chain, m);
      const p: SnappedPoint = { lat, lon, snappedLat: lat, snappedLon: lon, distanceM: 0, chain: mid.chain, alongM: m, allowForward: mid.dir === 1, allowBackward: mid.dir === 0 };
      const back = legsOf(g, p, at(g, a));
      if (!back) continue;
      const into: Leg = { ...mid, toM: m };
      // Leaving backwards from p: the first leg is on mid's chain in the other direction.
      if (back[0]!.chain !== mid.chain) continue;
      legs = [...legs.slice(0, k), into, ...back];
      uTurns = 1;
    }
    return drive(g, legs, o, r, uTurns);
  }
  throw new Error('could not draw a route');
}

function drive(g: RoadGraph, legs: Leg[], o: SimOptions, r: () => number, uTurns: number): SimTrack {
  // Time line: (t, leg, metres into it) breakpoints, then sampled.
  const stopChance = o.stopChance ?? 0.1;
  const marks: { t: number; leg: number; m: number }[] = [];
  const t0 = o.startMs ?? Date.UTC(2026, 0, 5, 8, 0, 0);
  let t = 0;
  legs.forEach((l, i) => {
    const len = Math.abs(l.toM - l.fromM);
    const base = g.cLength[l.chain]! / g.eTime[l.edge]!;
    const speed = o.speedFactor ? base * o.speedFactor(l.edge, t0 + t * 1000) * (0.9 + 0.2 * r()) : base * (0.6 + 0.5 * r());
    marks.push({ t, leg: i, m: 0 });
    t += len / speed;
    marks.push({ t, leg: i, m: len });
    if (r() < stopChance) {
      t += 10 + 50 * r();
      marks.push({ t, leg: i, m: len });
    }
  });
  let gapFrom = Infinity;
  let gapTo = -Infinity;
  if (o.gap && t > 300) {
    gapFrom = 60 + r() * (t - 240);
    gapTo = gapFrom + 60 + 60 * r();
  }
  const points: TrackPoint[] = [];
  const mPerDeg = (Math.PI / 180) * EARTH_RADIUS_M;
  let k = 0;
  for (let s = 0; s <= t; s += o.intervalS) {
    while (k + 1 < marks.length && marks[k + 1]!.t < s) k++;
    if (s >= gapFrom && s <= gapTo) continue;
    const a = marks[k]!;
    const b = marks[Math.min(k + 1, marks.length - 1)]!;
    const f = b.t > a.t ? (s - a.t) / (b.t - a.t) : 1;
    const leg = legs[b.leg === a.leg ? a.leg : f < 1 ? a.leg : b.leg]!;
    const m = b.leg === a.leg ? a.m + f * (b.m - a.m) : a.m;
    const along = leg.fromM + Math.sign(leg.toM - leg.fromM) * m;
    const [lat, lon] = pointOn(g, leg.chain, along);
    const nlat = lat + (gauss(r) * o.noiseM) / mPerDeg;
    const nlon = lon + (gauss(r) * o.noiseM) / (mPerDeg * Math.cos((lat * Math.PI) / 180));
    points.push({ lat: nlat, lon: nlon, ts: t0 + Math.round(s * 1000) });
  }
  const truth = legs.map((l) => ({ chain: l.chain, dir: l.dir, lo: Math.min(l.fromM, l.toM), hi: Math.max(l.fromM, l.toM) }));
  const end = (l: Leg, m: number): SnappedPoint => {
    const [lat, lon] = pointOn(g, l.chain, m);
    return { lat, lon, snappedLat: lat, snappedLon: lon, distanceM: 0, chain: l.chain, alongM: m, allowForward: l.dir === 0, allowBackward: l.dir === 1 };
  };
  const first = legs[0]!;
  const last = legs[legs.length - 1]!;
  return { points, truth, lengthM: truth.reduce((x, p) => x + p.hi - p.lo, 0), uTurns, durationS: t, from: end(first, first.fromM), to: end(last, last.toM) };
}

export interface MatchAccuracy {
  /** Share of the true route's length covered by matched road in the same direction. */
  matchedShare: number;
  /** Share of the matched length that lies off the true route (wrong road or wrong direction). */
  wrongShare: number;
  /** Matched edges (≥ 10 m driven) with nothing in common with the truth. */
  wrongEdges: number;
}

/** Compare matched traversals with the truth, by chain, direction and along-interval. */
export function accuracy(g: RoadGraph, truth: readonly TruthPiece[], matched: readonly EdgeTraversal[]): MatchAccuracy {
  const key = (c: number, d: number): number => c * 2 + d;
  const asPiece = (e: EdgeTraversal): TruthPiece => {
    const c = g.eChain[e.edge]!;
    const len = g.cLength[c]!;
    const dir = g.eDir[e.edge]!;
    const m = (f: number): number => (dir === 0 ? f * len : (1 - f) * len);
    return { chain: c, dir, lo: Math.min(m(e.fromFrac), m(e.toFrac)), hi: Math.max(m(e.fromFrac), m(e.toFrac)) };
  };
  const mp = matched.map(asPiece);
  const byKey = (ps: readonly TruthPiece[]): Map<number, [number, number][]> => {
    const out = new Map<number, [number, number][]>();
    for (const p of ps) out.set(key(p.chain, p.dir), [...(out.get(key(p.chain, p.dir)) ?? []), [p.lo, p.hi]]);
    for (const [k, iv] of out) out.set(k, union(iv));
    return out;
  };
  const mU = byKey(mp);
  const tU = byKey(truth);
  let covered = 0;
  let total = 0;
  for (const [k, iv] of tU) for (const [lo, hi] of iv) {
    total += hi - lo;
    covered += overlap(lo, hi, mU.get(k) ?? []);
  }
  let wrong = 0;
  let mTotal = 0;
  let wrongEdges = 0;
  for (const [k, iv] of mU) for (const [lo, hi] of iv) {
    mTotal += hi - lo;
    wrong += hi - lo - overlap(lo, hi, tU.get(k) ?? []);
  }
  for (const p of mp) if (p.hi - p.lo >= 10 && overlap(p.lo, p.hi, tU.get(key(p.chain, p.dir)) ?? []) === 0) wrongEdges++;
  return { matchedShare: total > 0 ? covered / total : 0, wrongShare: mTotal > 0 ? wrong / mTotal : 0, wrongEdges };
}

function union(iv: [number, number][]): [number, number][] {
  const s = [...iv].sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const [lo, hi] of s) {
    const last = out[out.length - 1];
    if (last && lo <= last[1]) last[1] = Math.max(last[1], hi);
    else out.push([lo, hi]);
  }
  return out;
}

function overlap(lo: number, hi: number, iv: readonly [number, number][]): number {
  let s = 0;
  for (const [a, b] of iv) s += Math.max(0, Math.min(hi, b) - Math.max(lo, a));
  return s;
}
