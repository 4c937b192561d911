import { RoutingError } from './errors';
import type { RoadGraph } from './graph';
import { type Optimize, searchSpace, weights } from './search';
import type { SnappedPoint } from './snap';

export interface QueryOptions {
  /** Minimise travel time (default) or road distance. */
  optimize?: Optimize;
  /** Give up beyond this travel time; a bound on the search when optimising time. */
  maxTimeS?: number;
  /** Give up beyond this road distance; a bound on the search when optimising distance. */
  maxDistanceM?: number;
}

/** A way to leave a snapped point (forward search) or to arrive at it (backward search). */
interface Port {
  vertex: number;
  edge: number;
  /** Fraction of the edge's cost between the point and the vertex. */
  frac: number;
}

/** Vertices a point can drive to, each with the fraction of its edge still to drive. */
export function exits(g: RoadGraph, p: SnappedPoint): Port[] {
  const out: Port[] = [];
  const len = g.cLength[p.chain]!;
  const t = len > 0 ? p.alongM / len : 0;
  for (let k = g.cEdgeStart[p.chain]!; k < g.cEdgeStart[p.chain + 1]!; k++) {
    const e = g.cEdges[k]!;
    if (g.eDir[e] === 0 ? p.allowForward : p.allowBackward) out.push({ vertex: g.eDst[e]!, edge: e, frac: g.eDir[e] === 0 ? 1 - t : t });
  }
  return out;
}

/** Vertices from which a point is reached, each with the fraction of the edge driven to it. */
export function entries(g: RoadGraph, p: SnappedPoint): Port[] {
  const out: Port[] = [];
  const len = g.cLength[p.chain]!;
  const t = len > 0 ? p.alongM / len : 0;
  for (let k = g.cEdgeStart[p.chain]!; k < g.cEdgeStart[p.chain + 1]!; k++) {
    const e = g.cEdges[k]!;
    out.push({ vertex: g.eSrc[e]!, edge: e, frac: g.eDir[e] === 0 ? t : 1 - t });
  }
  return out;
}

/** Cost of driving from a to b without leaving their common chain, or null. */
export function sameChain(g: RoadGraph, a: SnappedPoint, b: SnappedPoint, w: Float64Array, o: Float64Array): { edge: number; w: number; o: number } | null {
  if (a.chain !== b.chain) return null;
  const len = g.cLength[a.chain]!;
  let best: { edge: number; w: number; o: number } | null = null;
  for (let k = g.cEdgeStart[a.chain]!; k < g.cEdgeStart[a.chain + 1]!; k++) {
    const e = g.cEdges[k]!;
    const fwd = g.eDir[e] === 0;
    if (fwd ? !a.allowForward || b.alongM < a.alongM : !a.allowBackward || b.alongM > a.alongM) continue;
    const frac = len > 0 ? Math.abs(b.alongM - a.alongM) / len : 0;
    const c = { edge: e, w: frac * w[e]!, o: frac * o[e]! };
    if (best === null || c.w < best.w) best = c;
  }
  return best;
}

function limits(opts: QueryOptions): { optimize: Optimize; maxW: number; maxTime: number; maxDist: number } {
  const optimize = opts.optimize ?? 'time';
  const maxTime = opts.maxTimeS ?? Infinity;
  const maxDist = opts.maxDistanceM ?? Infinity;
  return { optimize, maxW: optimize === 'time' ? maxTime : maxDist, maxTime, maxDist };
}

export interface ManyToOneResult {
  /** Seconds from source i to the target; Infinity when unreachable or beyond the limits. */
  durationS: Float64Array;
  /** Road metres along the same path; Infinity when unreachable. */
  distanceM: Float64Array;
  /** Vertices settled by the search (work done). */
  settled: number;
}

/**
 * Cost from every source (units) to one target (incident) by a single Dijkstra over the reversed
 * graph from the target, stopped once every source's exit vertices are settled or the bound is
 * passed.
 */
export function manyToOne(g: RoadGraph, sources: readonly SnappedPoint[], target: SnappedPoint, opts: QueryOptions = {}): ManyToOneResult {
  const { optimize, maxW, maxTime, maxDist } = limits(opts);
  const { w, o } = weights(g, optimize);
  const sp = searchSpace(g);
  sp.reset();
  for (const p of entries(g, target)) sp.seed(p.vertex, p.frac * w[p.edge]!, p.frac * o[p.edge]!);
  const srcExits = sources.map((s) => exits(g, s));
  for (const ex of srcExits) for (const p of ex) sp.want(p.vertex);
  sp.run(g, true, w, o, maxW, true);
  const n = sources.length;
  const bestW = new Float64Array(n).fill(Infinity);
  const bestO = new Float64Array(n).fill(Infinity);
  for (let i = 0; i < n; i++) {
    for (const p of srcExits[i]!) {
      const c = sp.cost(p.vertex) + p.frac * w[p.edge]!;
      if (c < bestW[i]!) {
        bestW[i] = c;
        bestO[i] = sp.other[p.vertex]! + p.frac * o[p.edge]!;
      }
    }
    const direct = sameChain(g, sources[i]!, target, w, o);
    if (direct && direct.w < bestW[i]!) {
      bestW[i] = direct.w;
      bestO[i] = direct.o;
    }
  }
  const durationS = optimize === 'time' ? bestW : bestO;
  const distanceM = optimize === 'time' ? bestO : bestW;
  for (let i = 0; i < n; i++) {
    if (!(durationS[i]! <= maxTime && distanceM[i]! <= maxDist)) {
      durationS[i] = Infinity;
      distanceM[i] = Infinity;
    }
  }
  return { durationS, distanceM, settled: sp.settledCount };
}

export interface Reach {
  optimize: Optimize;
  /** Vertices reached within the bound, in order of cost. */
  vertices: Int32Array;
  durationS: Float64Array;
  distanceM: Float64Array;
  /** Dense per-vertex seconds (Infinity beyond reach), for O(1) look-ups by coverage work. */
  durationByVertex: Float64Array;
  distanceByVertex: Float64Array;
}

/** Everything a source reaches within the bound (the reach behind isochrones and coverage). */
export function oneToMany(g: RoadGraph, source: SnappedPoint, opts: QueryOptions = {}): Reach {
  const { optimize, maxW } = limits(opts);
  const { w, o } = weights(g, optimize);
  const sp = searchSpace(g);
  sp.reset();
  for (const p of exits(g, source)) sp.seed(p.vertex, p.frac * w[p.edge]!, p.frac * o[p.edge]!);
  sp.run(g, false, w, o, maxW, false);
  const k = sp.settledCount;
  const vertices = sp.settledList.slice(0, k);
  const durationS = new Float64Array(k);
  const distanceM = new Float64Array(k);
  const durationByVertex = new Float64Array(g.vertexCount).fill(Infinity);
  const distanceByVertex = new Float64Array(g.vertexCount).fill(Infinity);
  for (let i = 0; i < k; i++) {
    const v = vertices[i]!;
    const [t, d] = optimize === 'time' ? [sp.dist[v]!, sp.other[v]!] : [sp.other[v]!, sp.dist[v]!];
    durationS[i] = t;
    distanceM[i] = d;
    durationByVertex[v] = t;
    distanceByVertex[v] = d;
  }
  return { optimize, vertices, durationS, distanceM, durationByVertex, distanceByVertex };
}

/** Seconds from a reach's source to a snapped point (Infinity when outside the reach). */
export function reachTime(g: RoadGraph, reach: Reach, p: SnappedPoint): number {
  let best = Infinity;
  for (const port of entries(g, p)) {
    const t = reach.durationByVertex[port.vertex]! + port.frac * g.eTime[port.edge]!;
    if (t < best) best = t;
  }
  return best;
}

export interface LineString {
  type: 'LineString';
  /** [lon, lat] pairs (GeoJSON order). */
  coordinates: [number, number][];
}

export interface RouteResult {
  distanceM: number;
  durationS: number;
  geometry: LineString;
  snap: { fromM: number; toM: number };
  /** Directed edges driven in full, in order (for tests and debugging). */
  edges: number[];
}

/** Best route between two snapped points; throws UNREACHABLE when none exists within the bounds. */
export function route(g: RoadGraph, from: SnappedPoint, to: SnappedPoint, opts: QueryOptions = {}): RouteResult {
  const { optimize, maxW, maxTime, maxDist } = limits(opts);
  const { w, o } = weights(g, optimize);
  const sp = searchSpace(g);
  sp.reset();
  const starts = exits(g, from);
  for (const p of starts) sp.seed(p.vertex, p.frac * w[p.edge]!, p.frac * o[p.edge]!);
  const ends = entries(g, to);
  const endAt = new Map<number, Port[]>();
  for (const p of ends) endAt.set(p.vertex, [...(endAt.get(p.vertex) ?? []), p]);
  let best: { w: number; o: number; end: Port | null; edge: number } = { w: Infinity, o: Infinity, end: null, edge: -1 };
  const direct = sameChain(g, from, to, w, o);
  if (direct) best = { w: direct.w, o: direct.o, end: null, edge: direct.edge };
  const bound = {
    cost: best.w,
    onSettle: (v: number): void => {
      const ports = endAt.get(v);
      if (!ports) return;
      for (const p of ports) {
        const c = sp.dist[v]! + p.frac * w[p.edge]!;
        if (c < best.w) {
          best = { w: c, o: sp.other[v]! + p.frac * o[p.edge]!, end: p, edge: p.edge };
          bound.cost = c;
        }
      }
    },
  };
  sp.run(g, false, w, o, maxW, false, bound);
  const durationS = optimize === 'time' ? best.w : best.o;
  const distanceM = optimize === 'time' ? best.o : best.w;
  if (!Number.isFinite(best.w) || durationS > maxTime || distanceM > maxDist) {
    throw new RoutingError('UNREACHABLE', 'no road path between the two points' + (Number.isFinite(maxW) ? ' within the limit' : ''), {
      from: [from.lat, from.lon],
      to: [to.lat, to.lon],
    });
  }
  const coords: [number, number][] = [];
  const edges: number[] = [];
  if (best.end === null) {
    appendSlice(g, coords, from.chain, from.alongM, to.alongM);
  } else {
    for (let v = best.end.vertex; sp.pred[v]! >= 0; v = g.eSrc[sp.pred[v]!]!) edges.push(sp.pred[v]!);
    edges.reverse();
    const firstVertex = edges.length > 0 ? g.eSrc[edges[0]!]! : best.end.vertex;
    // The start port is the one whose vertex began the path (ties: the cheapest such port).
    const start = starts.filter((p) => p.vertex === firstVertex).sort((a, b) => a.frac * w[a.edge]! - b.frac * w[b.edge]!)[0]!;
    appendSlice(g, coords, from.chain, from.alongM, g.eDir[start.edge] === 0 ? g.cLength[from.chain]! : 0);
    for (const e of edges) {
      const c = g.eChain[e]!;
      const len = g.cLength[c]!;
      if (g.eDir[e] === 0) appendSlice(g, coords, c, 0, len);
      else appendSlice(g, coords, c, len, 0);
    }
    const endEdge = best.end.edge;
    appendSlice(g, coords, to.chain, g.eDir[endEdge] === 0 ? 0 : g.cLength[to.chain]!, to.alongM);
  }
  if (coords.length === 1) coords.push([coords[0]![0], coords[0]![1]]);
  return { distanceM, durationS, geometry: { type: 'LineString', coordinates: coords }, snap: { fromM: from.distanceM, toM: to.distanceM }, edges };
}

/**
 * Best routes from several points to one target by a single reversed search (the candidates a
 * recommendation returns), stopped once every point's exits are settled: one search out to the
 * farthest of them instead of one per point. Each result has the cost route() gives from that point
 * (the path may differ only between equally fast ones); null when unreachable within the bounds.
 */
export function routesToOne(g: RoadGraph, froms: readonly SnappedPoint[], to: SnappedPoint, opts: QueryOptions = {}): Array<RouteResult | null> {
  const { optimize, maxW, maxTime, maxDist } = limits(opts);
  const { w, o } = weights(g, optimize);
  const sp = searchSpace(g);
  sp.reset();
  // The target's entry port behind each seed vertex (the cheaper one when two share it).
  const seedPort = new Map<number, Port>();
  for (const p of entries(g, to)) {
    const c = p.frac * w[p.edge]!;
    const had = seedPort.get(p.vertex);
    if (!had || c < had.frac * w[had.edge]!) seedPort.set(p.vertex, p);
    sp.seed(p.vertex, c, p.frac * o[p.edge]!);
  }
  const starts = froms.map((f) => exits(g, f));
  for (const ex of starts) for (const p of ex) sp.want(p.vertex);
  sp.run(g, true, w, o, maxW, true);
  return froms.map((from, i) => {
    let best: { w: number; o: number; start: Port | null } = { w: Infinity, o: Infinity, start: null };
    const direct = sameChain(g, from, to, w, o);
    if (direct) best = { w: direct.w, o: direct.o, start: null };
    for (const p of starts[i]!) {
      const c = sp.cost(p.vertex) + p.frac * w[p.edge]!;
      if (c < best.w) best = { w: c, o: sp.other[p.vertex]! + p.frac * o[p.edge]!, start: p };
    }
    const durationS = optimize === 'time' ? best.w : best.o;
    const distanceM = optimize === 'time' ? best.o : best.w;
    if (!Number.isFinite(best.w) || durationS > maxTime || distanceM > maxDist) return null;
    const coords: [number, number][] = [];
    const edges: number[] = [];
    if (best.start === null) appendSlice(g, coords, from.chain, from.alongM, to.alongM);
    else {
      // Reversed search: pred[v] is the edge leaving v towards the target; a seed has none.
      let v = best.start.vertex;
      for (let e = sp.pred[v]!; e >= 0; e = sp.pred[v]!) {
        edges.push(e);
        v = g.eDst[e]!;
      }
      const end = seedPort.get(v)!;
      appendSlice(g, coords, from.chain, from.alongM, g.eDir[best.start.edge] === 0 ? g.cLength[from.chain]! : 0);
      for (const e of edges) {
        const c = g.eChain[e]!;
        const len = g.cLength[c]!;
        if (g.eDir[e] === 0) appendSlice(g, coords, c, 0, len);
        else appendSlice(g, coords, c, len, 0);
      }
      appendSlice(g, coords, to.chain, g.eDir[end.edge] === 0 ? 0 : g.cLength[to.chain]!, to.alongM);
    }
    if (coords.length === 1) coords.push([coords[0]![0], coords[0]![1]]);
    return { distanceM, durationS, geometry: { type: 'LineString' as const, coordinates: coords }, snap: { fromM: from.distanceM, toM: to.distanceM }, edges };
  });
}

/** Append the chain's shape between two along-distances (either order), skipping repeated points. */
export function appendSlice(g: RoadGraph, out: [number, number][], c: number, fromM: number, toM: number): void {
  const s0 = g.cShapeStart[c]!;
  const s1 = g.cShapeStart[c + 1]! - 1;
  const at = (m: number): [number, number] => {
    let p = s0;
    while (p < s1 - 1 && g.sCum[p + 1]! < m) p++;
    const seg = g.sCum[p + 1]! - g.sCum[p]!;
    const f = seg > 0 ? Math.min(1, Math.max(0, (m - g.sCum[p]!) / seg)) : 0;
    return [g.sLon[p]! + f * (g.sLon[p + 1]! - g.sLon[p]!), g.sLat[p]! + f * (g.sLat[p + 1]! - g.sLat[p]!)];
  };
  const push = (pt: [number, number]): void => {
    const last = out[out.length - 1];
    if (!last || last[0] !== pt[0] || last[1] !== pt[1]) out.push(pt);
  };
  push(at(fromM));
  if (fromM <= toM) {
    for (let p = s0; p <= s1; p++) if (g.sCum[p]! > fromM && g.sCum[p]! < toM) push([g.sLon[p]!, g.sLat[p]!]);
  } else {
    for (let p = s1; p >= s0; p--) if (g.sCum[p]! < fromM && g.sCum[p]! > toM) push([g.sLon[p]!, g.sLat[p]!]);
  }
  push(at(toM));
}

export interface VertexCosts {
  /** Optimised metric from (or, backward, to) the vertex: Infinity where not reached. */
  cost: Float64Array;
  /** The other metric along the same paths. */
  other: Float64Array;
}

/**
 * Plain vertex-level Dijkstra (no snapping): the primitive the pgRouting agreement check and
 * benchmarks compare, since pgRouting also works between vertices.
 */
export function fromVertex(g: RoadGraph, v: number, opts: QueryOptions & { backward?: boolean } = {}): VertexCosts {
  const { optimize, maxW } = limits(opts);
  const { w, o } = weights(g, optimize);
  const sp = searchSpace(g);
  sp.reset();
  sp.seed(v, 0, 0);
  sp.run(g, opts.backward ?? false, w, o, maxW, false);
  const cost = new Float64Array(g.vertexCount).fill(Infinity);
  const other = new Float64Array(g.vertexCount).fill(Infinity);
  for (let i = 0; i < sp.settledCount; i++) {
    const u = sp.settledList[i]!;
    cost[u] = sp.dist[u]!;
    other[u] = sp.other[u]!;
  }
  return { cost, other };
}
