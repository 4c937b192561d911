import type { ContractionHierarchy } from './contraction';
import type { RoadGraph } from './graph';
import { MinHeap } from './heap';
import { entries, exits, manyToOne, type ManyToOneResult, type QueryOptions, sameChain } from './queries';
import { weights } from './search';
import type { SnappedPoint } from './snap';

/**
 * Many-to-one on a contraction hierarchy for a fixed set of sources (the units at one moment),
 * RPHAST-style (Delling et al., 2011) mirrored for one target: prepare() keeps R, the vertices
 * reachable upward from the units' exit vertices, in descending rank. A query then runs a small
 * backward upward search from the incident and one linear sweep over R (no heap): each vertex takes
 * the best of its own backward distance and its upward edges into already-swept, higher vertices.
 */
export class ManyToOnePlan {
  private readonly order: Int32Array; // R by descending rank
  private readonly localOf: Int32Array; // vertex → index in order, -1 outside R
  private readonly lStart: Int32Array; // local upward CSR
  private readonly lTo: Int32Array;
  private readonly lW: Float64Array;
  private readonly lO: Float64Array;
  private readonly dW: Float64Array; // per-local best cost to the target
  private readonly dO: Float64Array;
  private readonly ports: { local: number; w: number; o: number }[][];
  // Backward search state (global vertex ids, generation-stamped).
  private readonly bDist: Float64Array;
  private readonly bOther: Float64Array;
  private readonly bStamp: Uint32Array;
  private gen = 0;
  private readonly heap = new MinHeap(1024);

  constructor(
    private readonly g: RoadGraph,
    private readonly ch: ContractionHierarchy,
    private readonly sources: readonly SnappedPoint[],
  ) {
    const n = g.vertexCount;
    const { w, o } = weights(g, ch.optimize);
    const seen = new Uint8Array(n);
    const stack: number[] = [];
    const srcPorts = sources.map((s) => exits(g, s));
    for (const ps of srcPorts) for (const p of ps) if (!seen[p.vertex]) (seen[p.vertex] = 1), stack.push(p.vertex);
    const members: number[] = [];
    while (stack.length > 0) {
      const v = stack.pop()!;
      members.push(v);
      for (let k = ch.upStart[v]!; k < ch.upStart[v + 1]!; k++) {
        const x = ch.upTo[k]!;
        if (!seen[x]) (seen[x] = 1), stack.push(x);
      }
    }
    members.sort((a, b) => ch.rank[b]! - ch.rank[a]!);
    this.order = Int32Array.from(members);
    this.localOf = new Int32Array(n).fill(-1);
    members.forEach((v, i) => (this.localOf[v] = i));
    this.lStart = new Int32Array(members.length + 1);
    let m = 0;
    for (let i = 0; i < members.length; i++) {
      const v = members[i]!;
      m += ch.upStart[v + 1]! - ch.upStart[v]!;
      this.lStart[i + 1] = m;
    }
    this.lTo = new Int32Array(m);
    this.lW = new Float64Array(m);
    this.lO = new Float64Array(m);
    for (let i = 0; i < members.length; i++) {
      const v = members[i]!;
      let k2 = this.lStart[i]!;
      for (let k = ch.upStart[v]!; k < ch.upStart[v + 1]!; k++, k2++) {
        this.lTo[k2] = this.localOf[ch.upTo[k]!]!;
        this.lW[k2] = ch.upW[k]!;
        this.lO[k2] = ch.upO[k]!;
      }
    }
    this.dW = new Float64Array(members.length);
    this.dO = new Float64Array(members.length);
    this.ports = srcPorts.map((ps) => ps.map((p) => ({ local: this.localOf[p.vertex]!, w: p.frac * w[p.edge]!, o: p.frac * o[p.edge]! })));
    this.bDist = new Float64Array(n);
    this.bOther = new Float64Array(n);
    this.bStamp = new Uint32Array(n);
  }

  /** Vertices swept per query. */
  get size(): number {
    return this.order.length;
  }

  query(target: SnappedPoint, opts: QueryOptions = {}): ManyToOneResult {
    const g = this.g;
    const ch = this.ch;
    const { w, o } = weights(g, ch.optimize);
    const gen = ++this.gen;
    const heap = this.heap;
    heap.clear();
    const { bDist, bOther, bStamp } = this;
    for (const p of entries(g, target)) {
      const c = p.frac * w[p.edge]!;
      if (bStamp[p.vertex] !== gen || c < bDist[p.vertex]!) {
        bStamp[p.vertex] = gen;
        bDist[p.vertex] = c;
        bOther[p.vertex] = p.frac * o[p.edge]!;
        heap.push(c, p.vertex);
      }
    }
    // Backward upward search: follow edges x→u from higher-ranked x.
    let settled = 0;
    while (heap.size > 0) {
      const k = heap.peekKey();
      const u = heap.pop();
      if (k > bDist[u]!) continue;
      settled++;
      const ou = bOther[u]!;
      for (let e = ch.dnStart[u]!; e < ch.dnStart[u + 1]!; e++) {
        const x = ch.dnFrom[e]!;
        const nd = k + ch.dnW[e]!;
        if (bStamp[x] !== gen || nd < bDist[x]!) {
          bStamp[x] = gen;
          bDist[x] = nd;
          bOther[x] = ou + ch.dnO[e]!;
          heap.push(nd, x);
        }
      }
    }
    // Sweep R from the top rank down.
    const { order, lStart, lTo, lW, lO, dW, dO } = this;
    for (let i = 0; i < order.length; i++) {
      const v = order[i]!;
      let bw = Infinity;
      let bo = Infinity;
      if (bStamp[v] === gen) {
        bw = bDist[v]!;
        bo = bOther[v]!;
      }
      for (let k = lStart[i]!; k < lStart[i + 1]!; k++) {
        const j = lTo[k]!;
        const c = lW[k]! + dW[j]!;
        if (c < bw) {
          bw = c;
          bo = lO[k]! + dO[j]!;
        }
      }
      dW[i] = bw;
      dO[i] = bo;
    }
    const n = this.sources.length;
    const bestW = new Float64Array(n).fill(Infinity);
    const bestO = new Float64Array(n).fill(Infinity);
    for (let s = 0; s < n; s++) {
      for (const p of this.ports[s]!) {
        const c = p.w + dW[p.local]!;
        if (c < bestW[s]!) {
          bestW[s] = c;
          bestO[s] = p.o + dO[p.local]!;
        }
      }
      const src = this.sources[s]!;
      const direct = src.chain === target.chain ? sameChain(g, src, target, w, o) : null;
      if (direct && direct.w < bestW[s]!) {
        bestW[s] = direct.w;
        bestO[s] = direct.o;
      }
    }
    const time = ch.optimize === 'time';
    const durationS = time ? bestW : bestO;
    const distanceM = time ? bestO : bestW;
    const maxT = opts.maxTimeS ?? Infinity;
    const maxD = opts.maxDistanceM ?? Infinity;
    for (let s = 0; s < n; s++) {
      if (!(durationS[s]! <= maxT && distanceM[s]! <= maxD)) {
        durationS[s] = Infinity;
        distanceM[s] = Infinity;
      }
    }
    return { durationS, distanceM, settled: settled + order.length };
  }
}

export interface ManyToOne {
  /** Costs from every prepared source to this target. */
  query(target: SnappedPoint, opts?: QueryOptions): ManyToOneResult;
}

/**
 * Prepare the current units once, then ask for many incidents. Uses the graph's contraction
 * hierarchy when it has one for the metric asked; otherwise (or for optimize=distance) plain
 * many-to-one Dijkstra, with identical results.
 */
export function prepareManyToOne(g: RoadGraph, sources: readonly SnappedPoint[]): ManyToOne {
  const plan = g.ch ? new ManyToOnePlan(g, g.ch, sources) : null;
  return {
    query: (target, opts = {}) =>
      plan && (opts.optimize ?? 'time') === g.ch!.optimize ? plan.query(target, opts) : manyToOne(g, sources, target, opts),
  };
}
