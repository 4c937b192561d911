import type { RoadGraph } from './graph';
import { MinHeap } from './heap';
import { type Optimize, weights } from './search';

/**
 * Contraction hierarchy (Geisberger et al., 2008) over one metric. Vertices are contracted in
 * order of edge difference + contracted neighbours (lazy updates); a shortcut u→w replaces u→v→w
 * unless a bounded witness search finds a path no longer without v. What is kept per vertex:
 * `up*`: edges to higher-ranked vertices (forward), `dn*`: edges *from* higher-ranked vertices
 * (for the backward search from a target). Each edge also carries the other metric so results
 * report distance along the fastest path.
 */
export interface ContractionHierarchy {
  optimize: Optimize;
  rank: Int32Array;
  upStart: Int32Array;
  upTo: Int32Array;
  upW: Float64Array;
  upO: Float64Array;
  dnStart: Int32Array;
  dnFrom: Int32Array;
  dnW: Float64Array;
  dnO: Float64Array;
  shortcuts: number;
  buildMs: number;
}

interface Arc {
  w: number;
  o: number;
}

/** Settled-vertex budget of one witness search; beyond it a shortcut is added (always safe). */
const WITNESS_SETTLE_LIMIT = 60;

export function buildContractionHierarchy(g: RoadGraph, optimize: Optimize = 'time'): ContractionHierarchy {
  const t0 = performance.now();
  const n = g.vertexCount;
  const { w, o } = weights(g, optimize);
  const out: Map<number, Arc>[] = Array.from({ length: n }, () => new Map());
  const inc: Map<number, Arc>[] = Array.from({ length: n }, () => new Map());
  const addArc = (u: number, v: number, aw: number, ao: number): boolean => {
    if (u === v) return false;
    const cur = out[u]!.get(v);
    if (cur && cur.w <= aw) return false;
    const arc = { w: aw, o: ao };
    out[u]!.set(v, arc);
    inc[v]!.set(u, arc);
    return true;
  };
  for (let e = 0; e < g.edgeCount; e++) addArc(g.eSrc[e]!, g.eDst[e]!, w[e]!, o[e]!);

  const contracted = new Uint8Array(n);
  const deletedNbrs = new Int32Array(n);
  // Witness search state, generation-stamped.
  const wDist = new Float64Array(n);
  const wStamp = new Uint32Array(n);
  let wGen = 0;
  const wHeap = new MinHeap(256);
  const witness = (src: number, avoid: number, limit: number): void => {
    wGen++;
    wHeap.clear();
    wStamp[src] = wGen;
    wDist[src] = 0;
    wHeap.push(0, src);
    let settled = 0;
    while (wHeap.size > 0) {
      const k = wHeap.peekKey();
      const u = wHeap.pop();
      if (k > wDist[u]!) continue;
      if (k > limit || ++settled > WITNESS_SETTLE_LIMIT) break;
      for (const [v, a] of out[u]!) {
        if (v === avoid || contracted[v]) continue;
        const nd = k + a.w;
        if (wStamp[v] !== wGen || nd < wDist[v]!) {
          wStamp[v] = wGen;
          wDist[v] = nd;
          wHeap.push(nd, v);
        }
      }
    }
  };
  const distTo = (v: number): number => (wStamp[v] === wGen ? wDist[v]! : Infinity);

  /** Shortcuts contracting v would need; `apply` adds them. */
  const contract = (v: number, apply: boolean): number => {
    let count = 0;
    const outs = [...out[v]!].filter(([x]) => !contracted[x]);
    for (const [u, a] of inc[v]!) {
      if (contracted[u]) continue;
      let limit = 0;
      for (const [x, b] of outs) if (x !== u) limit = Math.max(limit, a.w + b.w);
      if (limit === 0) continue;
      witness(u, v, limit);
      for (const [x, b] of outs) {
        if (x === u) continue;
        const via = a.w + b.w;
        if (distTo(x) <= via) continue;
        count++;
        if (apply) addArc(u, x, via, a.o + b.o);
      }
    }
    return count;
  };
  const priority = (v: number): number => {
    let deg = 0;
    for (const x of out[v]!.keys()) if (!contracted[x]) deg++;
    for (const x of inc[v]!.keys()) if (!contracted[x]) deg++;
    return 2 * contract(v, false) - deg + deletedNbrs[v]!;
  };

  const pq = new MinHeap(n + 16);
  const pri = new Float64Array(n);
  for (let v = 0; v < n; v++) {
    pri[v] = priority(v);
    pq.push(pri[v]!, v);
  }
  const rank = new Int32Array(n);
  const up: [number, number, Arc][] = [];
  const dn: [number, number, Arc][] = [];
  let next = 0;
  let shortcuts = 0;
  while (pq.size > 0) {
    const k = pq.peekKey();
    const v = pq.pop();
    if (contracted[v] || k !== pri[v]) continue;
    // Lazy update: re-evaluate; if it got worse than the next candidate, put it back.
    const p = priority(v);
    if (pq.size > 0 && p > pq.peekKey()) {
      pri[v] = p;
      pq.push(p, v);
      continue;
    }
    shortcuts += contract(v, true);
    contracted[v] = 1;
    rank[v] = next++;
    for (const [x, a] of out[v]!) if (!contracted[x]) up.push([v, x, a]);
    for (const [x, a] of inc[v]!) if (!contracted[x]) dn.push([v, x, a]);
    const nbrs = new Set<number>();
    for (const x of out[v]!.keys()) if (!contracted[x]) nbrs.add(x);
    for (const x of inc[v]!.keys()) if (!contracted[x]) nbrs.add(x);
    for (const x of nbrs) {
      deletedNbrs[x]!++;
      out[x]!.delete(v);
      inc[x]!.delete(v);
      pri[x] = priority(x);
      pq.push(pri[x]!, x);
    }
  }
  const csr = (list: [number, number, Arc][]) => {
    const start = new Int32Array(n + 1);
    for (const [v] of list) start[v + 1]!++;
    for (let v = 0; v < n; v++) start[v + 1]! += start[v]!;
    const pos = start.slice(0, n);
    const to = new Int32Array(list.length);
    const cw = new Float64Array(list.length);
    const co = new Float64Array(list.length);
    for (const [v, x, a] of list) {
      const k = pos[v]!++;
      to[k] = x;
      cw[k] = a.w;
      co[k] = a.o;
    }
    return { start, to, cw, co };
  };
  const U = csr(up);
  const Dn = csr(dn);
  return {
    optimize,
    rank,
    upStart: U.start,
    upTo: U.to,
    upW: U.cw,
    upO: U.co,
    dnStart: Dn.start,
    dnFrom: Dn.to,
    dnW: Dn.cw,
    dnO: Dn.co,
    shortcuts,
    buildMs: performance.now() - t0,
  };
}
