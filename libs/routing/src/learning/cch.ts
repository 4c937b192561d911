import type { ContractionHierarchy } from '../contraction';
import type { RoadGraph } from '../graph';
import { nestedDissectionOrder } from './nd-order';

/**
 * Customizable contraction hierarchy (Dibbelt, Strasser & Wagner 2014), in two phases:
 * - topology, once per graph and metric-independent: contract the undirected graph in a fixed order
 *   adding *every* shortcut between upper neighbours (no witness search), so the result is chordal,
 *   and list its lower triangles {v < x < y};
 * - customization, per weights: seed the arcs with the edges, then one pass over the triangles in
 *   order of their lowest vertex relaxes x→y through v. That is a few array sweeps (no search), so
 *   learned weights of a new time slot replace the hierarchy without rebuilding it.
 * The order is a nested dissection (nd-order.ts): the witness-search hierarchy's own order, tried
 * first, gave more than 10^9 triangles on the Anhui extract.
 * The customized hierarchy has the ContractionHierarchy layout, so prepareManyToOne uses it as is.
 */
export interface CchTopology {
  n: number;
  rank: Int32Array;
  /** Arcs of vertex v (to higher-ranked x) are arcTo[arcStart[v] .. arcStart[v+1]-1]. */
  arcStart: Int32Array;
  arcTo: Int32Array;
  /** Per original edge: its arc and whether it runs upward (low → high rank); -1 for loops. */
  edgeArc: Int32Array;
  edgeUp: Uint8Array;
  /** Triangles as (v→x arc, v→y arc, x→y arc), rank x < rank y, ordered by v's rank. */
  tri: Int32Array;
  buildMs: number;
}

export function buildCchTopology(g: RoadGraph, rank?: Int32Array): CchTopology {
  const t0 = performance.now();
  const n = g.vertexCount;
  const r = rank ?? nestedDissectionOrder(g);
  const up: Set<number>[] = Array.from({ length: n }, () => new Set<number>());
  const link = (a: number, b: number): void => {
    if (a === b) return;
    if (r[a]! < r[b]!) up[a]!.add(b);
    else up[b]!.add(a);
  };
  for (let e = 0; e < g.edgeCount; e++) link(g.eSrc[e]!, g.eDst[e]!);
  const byRank = new Int32Array(n);
  for (let v = 0; v < n; v++) byRank[r[v]!] = v;
  // Fill-in: the upper neighbours of each vertex become a clique.
  for (let i = 0; i < n; i++) {
    const v = byRank[i]!;
    const ns = [...up[v]!];
    for (let a = 0; a < ns.length; a++) for (let b = a + 1; b < ns.length; b++) link(ns[a]!, ns[b]!);
  }
  const arcStart = new Int32Array(n + 1);
  for (let v = 0; v < n; v++) arcStart[v + 1] = arcStart[v]! + up[v]!.size;
  const arcTo = new Int32Array(arcStart[n]!);
  const arcId = new Map<number, number>();
  for (let v = 0; v < n; v++) {
    const ns = [...up[v]!].sort((a, b) => r[a]! - r[b]!);
    ns.forEach((x, k) => {
      arcTo[arcStart[v]! + k] = x;
      arcId.set(v * n + x, arcStart[v]! + k);
    });
  }
  const edgeArc = new Int32Array(g.edgeCount).fill(-1);
  const edgeUp = new Uint8Array(g.edgeCount);
  for (let e = 0; e < g.edgeCount; e++) {
    const u = g.eSrc[e]!;
    const v = g.eDst[e]!;
    if (u === v) continue;
    const lo = r[u]! < r[v]! ? u : v;
    const hi = lo === u ? v : u;
    edgeArc[e] = arcId.get(lo * n + hi)!;
    edgeUp[e] = lo === u ? 1 : 0;
  }
  let count = 0;
  for (let v = 0; v < n; v++) {
    const d = arcStart[v + 1]! - arcStart[v]!;
    count += (d * (d - 1)) / 2;
  }
  if (count * 3 > 2 ** 30) throw new Error(`customizable hierarchy: ${count} triangles with this order, too many (use a nested-dissection order)`);
  const tri = new Int32Array(count * 3);
  let k = 0;
  for (let i = 0; i < n; i++) {
    const v = byRank[i]!;
    for (let a = arcStart[v]!; a < arcStart[v + 1]!; a++) {
      const x = arcTo[a]!;
      for (let b = a + 1; b < arcStart[v + 1]!; b++) {
        tri[k++] = a;
        tri[k++] = b;
        tri[k++] = arcId.get(x * n + arcTo[b]!)!;
      }
    }
  }
  return { n, rank: Int32Array.from(r), arcStart, arcTo, edgeArc, edgeUp, tri, buildMs: performance.now() - t0 };
}

/** Weights on the topology: the hierarchy for travel times w (seconds per edge) and other metric o (metres). */
export function customizeCch(topo: CchTopology, g: RoadGraph, w: Float64Array, o: Float64Array = g.eDist): ContractionHierarchy & { customizeMs: number } {
  const t0 = performance.now();
  const m = topo.arcTo.length;
  const upW = new Float64Array(m).fill(Infinity);
  const dnW = new Float64Array(m).fill(Infinity);
  const upO = new Float64Array(m).fill(Infinity);
  const dnO = new Float64Array(m).fill(Infinity);
  for (let e = 0; e < g.edgeCount; e++) {
    const a = topo.edgeArc[e]!;
    if (a < 0) continue;
    if (topo.edgeUp[e]) {
      if (w[e]! < upW[a]!) (upW[a] = w[e]!), (upO[a] = o[e]!);
    } else if (w[e]! < dnW[a]!) (dnW[a] = w[e]!), (dnO[a] = o[e]!);
  }
  const tri = topo.tri;
  for (let k = 0; k < tri.length; k += 3) {
    const vx = tri[k]!;
    const vy = tri[k + 1]!;
    const xy = tri[k + 2]!;
    // x→y through v: x→v is the v→x arc's downward weight, v→y the v→y arc's upward one.
    const f = dnW[vx]! + upW[vy]!;
    if (f < upW[xy]!) (upW[xy] = f), (upO[xy] = dnO[vx]! + upO[vy]!);
    const b = dnW[vy]! + upW[vx]!;
    if (b < dnW[xy]!) (dnW[xy] = b), (dnO[xy] = dnO[vy]! + upO[vx]!);
  }
  return {
    optimize: 'time',
    rank: topo.rank,
    upStart: topo.arcStart,
    upTo: topo.arcTo,
    upW,
    upO,
    dnStart: topo.arcStart,
    dnFrom: topo.arcTo,
    dnW,
    dnO,
    shortcuts: m,
    buildMs: topo.buildMs,
    customizeMs: performance.now() - t0,
  };
}

/**
 * The graph with other travel times (and, when given, the hierarchy customized for them): every
 * query (route, manyToOne, oneToMany, prepareManyToOne) then runs on the learned weights unchanged.
 */
export function withTravelTimes(g: RoadGraph, eTime: Float64Array, ch?: ContractionHierarchy): RoadGraph {
  if (eTime.length !== g.edgeCount) throw new Error(`expected ${g.edgeCount} edge times, got ${eTime.length}`);
  const view: RoadGraph = { ...g, eTime };
  if (ch) view.ch = ch;
  else delete view.ch;
  return view;
}
