import type { RoadGraph } from './graph';
import { MinHeap } from './heap';

export type Optimize = 'time' | 'distance';

/**
 * Reusable per-graph search state. Generation stamps make a reset O(1): a vertex's dist is valid
 * only when stamp[v] === gen, so a 500-unit query on a large graph never clears whole arrays.
 * Node runs one query at a time on a thread, so one space per graph is enough.
 */
export class SearchSpace {
  readonly dist: Float64Array;
  /** The other metric (distance when optimising time, and vice versa) along the chosen path. */
  readonly other: Float64Array;
  /** Edge that reached v, or -1 for a seed. */
  readonly pred: Int32Array;
  private readonly stamp: Uint32Array;
  private readonly settledStamp: Uint32Array;
  private readonly wantStamp: Uint32Array;
  gen = 0;
  readonly heap = new MinHeap(4096);
  /** Vertices in settling order for the last run, settledList[0 .. settledCount-1]. */
  settledList: Int32Array;
  settledCount = 0;
  wanted = 0;

  constructor(readonly n: number) {
    this.dist = new Float64Array(n);
    this.other = new Float64Array(n);
    this.pred = new Int32Array(n);
    this.stamp = new Uint32Array(n);
    this.settledStamp = new Uint32Array(n);
    this.wantStamp = new Uint32Array(n);
    this.settledList = new Int32Array(n);
  }

  reset(): void {
    if (++this.gen === 0xffffffff) {
      this.stamp.fill(0);
      this.settledStamp.fill(0);
      this.wantStamp.fill(0);
      this.gen = 1;
    }
    this.heap.clear();
    this.settledCount = 0;
    this.wanted = 0;
  }

  cost(v: number): number {
    return this.stamp[v] === this.gen ? this.dist[v]! : Infinity;
  }
  isSettled(v: number): boolean {
    return this.settledStamp[v] === this.gen;
  }

  /** Mark v as a vertex whose settling the search waits for (early stop). */
  want(v: number): void {
    if (this.wantStamp[v] !== this.gen) {
      this.wantStamp[v] = this.gen;
      this.wanted++;
    }
  }

  seed(v: number, cost: number, other: number): void {
    if (cost < this.cost(v)) {
      this.stamp[v] = this.gen;
      this.dist[v] = cost;
      this.other[v] = other;
      this.pred[v] = -1;
      this.heap.push(cost, v);
    }
  }

  /**
   * Dijkstra from the seeds. backward: follow edges against their direction (costs *to* the
   * seeds). Stops when the heap is empty, the next key exceeds maxCost, every wanted vertex is
   * settled, or the next key reaches stopAtCost (a one-to-one bound the caller improves).
   */
  run(g: RoadGraph, backward: boolean, w: Float64Array, o: Float64Array, maxCost: number, stopWhenWantedDone: boolean, stopAt?: { cost: number; onSettle: (v: number) => void }): void {
    // Backward search reads edges through revEdge; forward ones are the CSR order itself. Two
    // loops rather than a per-edge branch keep the hot loop monomorphic.
    const heap = this.heap;
    const dist = this.dist;
    const other = this.other;
    const pred = this.pred;
    const stamp = this.stamp;
    const settled = this.settledStamp;
    const want = this.wantStamp;
    const list = this.settledList;
    const gen = this.gen;
    const start = backward ? g.revStart : g.fwdStart;
    const revEdge = g.revEdge;
    const next = backward ? g.eSrc : g.eDst;
    const bounded = stopAt !== undefined;
    let count = this.settledCount;
    let wanted = this.wanted;
    while (heap.size > 0) {
      const key = heap.peekKey();
      if (key > maxCost || (bounded && key >= stopAt.cost)) break;
      const u = heap.pop();
      if (settled[u] === gen || key > dist[u]!) continue;
      settled[u] = gen;
      list[count++] = u;
      if (bounded) stopAt.onSettle(u);
      if (want[u] === gen && --wanted === 0 && stopWhenWantedDone) break;
      const du = dist[u]!;
      const ou = other[u]!;
      const end = start[u + 1]!;
      if (backward) {
        for (let k = start[u]!; k < end; k++) {
          const e = revEdge[k]!;
          const v = next[e]!;
          const nd = du + w[e]!;
          if (stamp[v] !== gen || nd < dist[v]!) {
            stamp[v] = gen;
            dist[v] = nd;
            other[v] = ou + o[e]!;
            pred[v] = e;
            heap.push(nd, v);
          }
        }
      } else {
        for (let e = start[u]!; e < end; e++) {
          const v = next[e]!;
          const nd = du + w[e]!;
          if (stamp[v] !== gen || nd < dist[v]!) {
            stamp[v] = gen;
            dist[v] = nd;
            other[v] = ou + o[e]!;
            pred[v] = e;
            heap.push(nd, v);
          }
        }
      }
    }
    this.settledCount = count;
    this.wanted = wanted;
  }
}

const spaces = new WeakMap<RoadGraph, SearchSpace>();

export function searchSpace(g: RoadGraph): SearchSpace {
  let s = spaces.get(g);
  if (!s) {
    s = new SearchSpace(g.vertexCount);
    spaces.set(g, s);
  }
  return s;
}

export function weights(g: RoadGraph, optimize: Optimize): { w: Float64Array; o: Float64Array } {
  return optimize === 'distance' ? { w: g.eDist, o: g.eTime } : { w: g.eTime, o: g.eDist };
}
