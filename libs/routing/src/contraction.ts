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

/**
 * Per-vertex arc lists in one shared pool of typed arrays (no Map or object per vertex or arc: a
 * province graph has millions of each). A list that outgrows its block moves to the pool's end
 * with twice the room; a full pool is compacted into a larger one.
 */
class ArcLists {
  readonly start: Int32Array;
  readonly len: Int32Array;
  private readonly cap: Int32Array;
  to: Int32Array;
  w: Float64Array;
  o: Float64Array;
  private used = 0;

  constructor(n: number, degree: Int32Array) {
    this.start = new Int32Array(n);
    this.len = new Int32Array(n);
    this.cap = new Int32Array(n);
    let total = 0;
    for (let v = 0; v < n; v++) {
      this.start[v] = total;
      this.cap[v] = degree[v]! + 2;
      total += this.cap[v]!;
    }
    this.used = total;
    const size = Math.ceil(total * 1.5) + 16;
    this.to = new Int32Array(size);
    this.w = new Float64Array(size);
    this.o = new Float64Array(size);
  }

  find(u: number, x: number): number {
    const s = this.start[u]!;
    const e = s + this.len[u]!;
    for (let i = s; i < e; i++) if (this.to[i] === x) return i;
    return -1;
  }

  add(u: number, x: number, w: number, o: number): void {
    if (this.len[u] === this.cap[u]) this.move(u, this.cap[u]! * 2);
    const i = this.start[u]! + this.len[u]!++;
    this.to[i] = x;
    this.w[i] = w;
    this.o[i] = o;
  }

  /** Remove x from u's list (order not kept). */
  remove(u: number, x: number): void {
    const i = this.find(u, x);
    if (i < 0) return;
    const last = this.start[u]! + --this.len[u]!;
    this.to[i] = this.to[last]!;
    this.w[i] = this.w[last]!;
    this.o[i] = this.o[last]!;
  }

  private move(u: number, cap: number): void {
    if (this.used + cap > this.to.length) this.compact(cap);
    const from = this.start[u]!, n = this.len[u]!;
    this.to.copyWithin(this.used, from, from + n);
    this.w.copyWithin(this.used, from, from + n);
    this.o.copyWithin(this.used, from, from + n);
    this.start[u] = this.used;
    this.cap[u] = cap;
    this.used += cap;
  }

  /** Copy every list into a fresh pool with room for `extra` more. */
  private compact(extra: number): void {
    let live = 0;
    for (let v = 0; v < this.start.length; v++) live += this.cap[v]!;
    const size = Math.ceil((live + extra) * 1.5) + 16;
    const to = new Int32Array(size), w = new Float64Array(size), o = new Float64Array(size);
    let at = 0;
    for (let v = 0; v < this.start.length; v++) {
      const s = this.start[v]!, n = this.len[v]!;
      to.set(this.to.subarray(s, s + n), at);
      w.set(this.w.subarray(s, s + n), at);
      o.set(this.o.subarray(s, s + n), at);
      this.start[v] = at;
      at += this.cap[v]!;
    }
    this.to = to;
    this.w = w;
    this.o = o;
    this.used = at;
  }
}

/** A growable triple list (vertex, other vertex, weight, other metric) for the final CSR. */
class ArcBuffer {
  a = new Int32Array(1024);
  b = new Int32Array(1024);
  w = new Float64Array(1024);
  o = new Float64Array(1024);
  n = 0;
  push(a: number, b: number, w: number, o: number): void {
    if (this.n === this.a.length) {
      const grow = <T extends Int32Array | Float64Array>(x: T, make: (k: number) => T): T => {
        const y = make(x.length * 2);
        y.set(x);
        return y;
      };
      this.a = grow(this.a, (k) => new Int32Array(k));
      this.b = grow(this.b, (k) => new Int32Array(k));
      this.w = grow(this.w, (k) => new Float64Array(k));
      this.o = grow(this.o, (k) => new Float64Array(k));
    }
    this.a[this.n] = a;
    this.b[this.n] = b;
    this.w[this.n] = w;
    this.o[this.n] = o;
    this.n++;
  }
}

/** Settled-vertex budget of one witness search; beyond it a shortcut is added (always safe). */
const WITNESS_SETTLE_LIMIT = 60;

export function buildContractionHierarchy(g: RoadGraph, optimize: Optimize = 'time'): ContractionHierarchy {
  const t0 = performance.now();
  const n = g.vertexCount;
  const { w, o } = weights(g, optimize);
  const outDeg = new Int32Array(n), inDeg = new Int32Array(n);
  for (let e = 0; e < g.edgeCount; e++) {
    outDeg[g.eSrc[e]!]!++;
    inDeg[g.eDst[e]!]!++;
  }
  const out = new ArcLists(n, outDeg);
  const inc = new ArcLists(n, inDeg);
  /** Keep the cheaper of a new arc and an existing one between the same vertices. */
  const addArc = (u: number, v: number, aw: number, ao: number): boolean => {
    if (u === v) return false;
    const i = out.find(u, v);
    if (i >= 0) {
      if (out.w[i]! <= aw) return false;
      out.w[i] = aw;
      out.o[i] = ao;
      const j = inc.find(v, u);
      inc.w[j] = aw;
      inc.o[j] = ao;
      return true;
    }
    out.add(u, v, aw, ao);
    inc.add(v, u, aw, ao);
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
      const s = out.start[u]!, end = s + out.len[u]!;
      for (let i = s; i < end; i++) {
        const v = out.to[i]!;
        if (v === avoid || contracted[v]) continue;
        const nd = k + out.w[i]!;
        if (wStamp[v] !== wGen || nd < wDist[v]!) {
          wStamp[v] = wGen;
          wDist[v] = nd;
          wHeap.push(nd, v);
        }
      }
    }
  };
  const distTo = (v: number): number => (wStamp[v] === wGen ? wDist[v]! : Infinity);

  // v's live arcs, copied out: adding shortcuts may move the pools under them.
  let oTo = new Int32Array(64), oW = new Float64Array(64), oO = new Float64Array(64);
  let iFrom = new Int32Array(64), iW = new Float64Array(64), iO = new Float64Array(64);
  const copyLive = (v: number): [number, number] => {
    const need = Math.max(out.len[v]!, inc.len[v]!);
    if (need > oTo.length) {
      const k = 2 * need;
      [oTo, oW, oO, iFrom, iW, iO] = [new Int32Array(k), new Float64Array(k), new Float64Array(k), new Int32Array(k), new Float64Array(k), new Float64Array(k)];
    }
    let no = 0, ni = 0;
    for (let i = out.start[v]!, e = i + out.len[v]!; i < e; i++) {
      if (contracted[out.to[i]!]) continue;
      oTo[no] = out.to[i]!;
      oW[no] = out.w[i]!;
      oO[no++] = out.o[i]!;
    }
    for (let i = inc.start[v]!, e = i + inc.len[v]!; i < e; i++) {
      if (contracted[inc.to[i]!]) continue;
      iFrom[ni] = inc.to[i]!;
      iW[ni] = inc.w[i]!;
      iO[ni++] = inc.o[i]!;
    }
    return [no, ni];
  };

  /** Shortcuts contracting v would need; `apply` adds them. */
  const contract = (v: number, apply: boolean): number => {
    let count = 0;
    const [no, ni] = copyLive(v);
    for (let a = 0; a < ni; a++) {
      const u = iFrom[a]!;
      let limit = 0;
      for (let b = 0; b < no; b++) if (oTo[b] !== u) limit = Math.max(limit, iW[a]! + oW[b]!);
      if (limit === 0) continue;
      witness(u, v, limit);
      for (let b = 0; b < no; b++) {
        const x = oTo[b]!;
        if (x === u) continue;
        const via = iW[a]! + oW[b]!;
        if (distTo(x) <= via) continue;
        count++;
        if (apply) addArc(u, x, via, iO[a]! + oO[b]!);
      }
    }
    return count;
  };
  const priority = (v: number): number => {
    let deg = 0;
    for (let i = out.start[v]!, e = i + out.len[v]!; i < e; i++) if (!contracted[out.to[i]!]) deg++;
    for (let i = inc.start[v]!, e = i + inc.len[v]!; i < e; i++) if (!contracted[inc.to[i]!]) deg++;
    return 2 * contract(v, false) - deg + deletedNbrs[v]!;
  };

  const pq = new MinHeap(n + 16);
  const pri = new Float64Array(n);
  for (let v = 0; v < n; v++) {
    pri[v] = priority(v);
    pq.push(pri[v]!, v);
  }
  const rank = new Int32Array(n);
  const up = new ArcBuffer();
  const dn = new ArcBuffer();
  const nbrMark = new Int32Array(n).fill(-1);
  const nbrs: number[] = [];
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
    nbrs.length = 0;
    for (let i = out.start[v]!, e = i + out.len[v]!; i < e; i++) {
      const x = out.to[i]!;
      if (contracted[x]) continue;
      up.push(v, x, out.w[i]!, out.o[i]!);
      if (nbrMark[x] !== v) (nbrMark[x] = v), nbrs.push(x);
    }
    for (let i = inc.start[v]!, e = i + inc.len[v]!; i < e; i++) {
      const x = inc.to[i]!;
      if (contracted[x]) continue;
      dn.push(v, x, inc.w[i]!, inc.o[i]!);
      if (nbrMark[x] !== v) (nbrMark[x] = v), nbrs.push(x);
    }
    for (const x of nbrs) {
      deletedNbrs[x]!++;
      out.remove(x, v);
      inc.remove(x, v);
      pri[x] = priority(x);
      pq.push(pri[x]!, x);
    }
  }
  const csr = (list: ArcBuffer) => {
    const start = new Int32Array(n + 1);
    for (let i = 0; i < list.n; i++) start[list.a[i]! + 1]!++;
    for (let v = 0; v < n; v++) start[v + 1]! += start[v]!;
    const pos = start.slice(0, n);
    const to = new Int32Array(list.n);
    const cw = new Float64Array(list.n);
    const co = new Float64Array(list.n);
    for (let i = 0; i < list.n; i++) {
      const k = pos[list.a[i]!]!++;
      to[k] = list.b[i]!;
      cw[k] = list.w[i]!;
      co[k] = list.o[i]!;
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
