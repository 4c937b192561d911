import type { ContractionHierarchy } from './contraction';
import type { RoadGraph } from './graph';
import { MinHeap } from './heap';
import { exits, type ManyToOneResult, type QueryOptions, sameChain } from './queries';
import { weights } from './search';
import type { SnappedPoint } from './snap';

/** Where a placed point leaves the road piece it is on: a source vertex and the cost to reach it. */
interface PortCost {
  slot: number;
  w: number;
  o: number;
}

/**
 * Many-to-one on a contraction hierarchy for sources that move (the units, as their fixes arrive):
 * bucket-based many-to-one (Knopp et al., 2007). Each *source vertex* (a vertex a unit leaves its
 * road piece through) keeps its forward upward search, stall-on-demand pruned, as entries
 * (source, cost) in the buckets of the vertices it settles. A query runs only the incident's
 * backward upward search and scans the buckets of the vertices it settles: for every source vertex x,
 * min over meeting vertices m of up(x→m) + down(m→t) is the exact cost x→t.
 *
 * A unit is a set of ports (source vertex + cost of the part of its road piece still to drive), so
 * a unit moving along its road piece changes only its port costs; a new road piece whose exit
 * vertices already have a search (another unit's, or the station's) costs nothing more. Source
 * vertices are reference-counted and their entries removed when no unit leaves through them.
 *
 * Results equal the plain many-to-one search (queries.ts `manyToOne`) from the same points.
 */
export class BucketManyToOne {
  private readonly units = new Map<string, { point: SnappedPoint; ports: PortCost[] }>();
  // Source vertices: vertex → slot (-1 none); per slot its vertex, unit count and bucket entries.
  private readonly slotOf: Int32Array;
  private slotVertex: Int32Array = new Int32Array(64);
  private slotRefs: Int32Array = new Int32Array(64);
  /** Bucket vertices of slot s and the entry's position in each (kept current as entries move). */
  private slotAt: Int32Array[] = [];
  private slotPos: Int32Array[] = [];
  private readonly freeSlots: number[] = [];
  private slotCount = 0;
  private readonly buckets: BucketPool;
  // Search state (global vertex ids, generation-stamped), shared by the upward and backward searches.
  private readonly dist: Float64Array;
  private readonly other: Float64Array;
  private readonly stamp: Uint32Array;
  private gen = 0;
  private readonly heap = new MinHeap(1024);
  private readonly settledV: number[] = [];
  // Per-query best cost from each slot's vertex to the target.
  private bestW = new Float64Array(64);
  private bestO = new Float64Array(64);
  private readonly w: Float64Array;
  private readonly o: Float64Array;

  constructor(
    private readonly g: RoadGraph,
    private readonly ch: ContractionHierarchy,
  ) {
    const n = g.vertexCount;
    this.slotOf = new Int32Array(n).fill(-1);
    this.buckets = new BucketPool(n);
    this.dist = new Float64Array(n);
    this.other = new Float64Array(n);
    this.stamp = new Uint32Array(n);
    ({ w: this.w, o: this.o } = weights(g, ch.optimize));
  }

  /** Units placed. */
  get size(): number {
    return this.units.size;
  }

  /** Source vertices with a search kept, and bucket entries in all (the structure's size). */
  get stats(): { sourceVertices: number; bucketEntries: number } {
    return { sourceVertices: this.slotCount - this.freeSlots.length, bucketEntries: this.buckets.entries };
  }

  point(key: string): SnappedPoint | null {
    return this.units.get(key)?.point ?? null;
  }

  /** Place (or move) a unit; null removes it. */
  set(key: string, point: SnappedPoint | null): void {
    const old = this.units.get(key);
    if (point === null) {
      if (old) {
        for (const p of old.ports) this.release(p.slot);
        this.units.delete(key);
      }
      return;
    }
    const ports: PortCost[] = [];
    for (const p of exits(this.g, point)) {
      const slot = this.acquire(p.vertex);
      ports.push({ slot, w: p.frac * this.w[p.edge]!, o: p.frac * this.o[p.edge]! });
    }
    // Acquire before releasing, so a unit staying on its road piece keeps its searches.
    if (old) for (const p of old.ports) this.release(p.slot);
    this.units.set(key, { point, ports });
  }

  /**
   * Cost from each of `keys` to the target, aligned with `keys` (Infinity for a key not placed, not
   * reachable or beyond the limits), as queries.ts `manyToOne` gives for the same points.
   */
  query(target: SnappedPoint, keys: readonly string[], opts: QueryOptions = {}): ManyToOneResult {
    if ((opts.optimize ?? 'time') !== this.ch.optimize) throw new Error(`buckets are kept for optimize=${this.ch.optimize}`);
    const { g, ch, w, o, dist, other, stamp, heap, buckets } = this;
    const gen = this.nextGen();
    heap.clear();
    for (let k = g.cEdgeStart[target.chain]!; k < g.cEdgeStart[target.chain + 1]!; k++) {
      const e = g.cEdges[k]!;
      const len = g.cLength[target.chain]!;
      const t = len > 0 ? target.alongM / len : 0;
      const frac = g.eDir[e] === 0 ? t : 1 - t;
      const v = g.eSrc[e]!;
      const c = frac * w[e]!;
      if (stamp[v] !== gen || c < dist[v]!) {
        stamp[v] = gen;
        dist[v] = c;
        other[v] = frac * o[e]!;
        heap.push(c, v);
      }
    }
    const { bestW, bestO } = this;
    // Reset per query over the slots (thousands) rather than stamping in the scan's inner loop.
    bestW.fill(Infinity, 0, this.slotCount);
    const { slot: bSlot, w: bW, o: bO, start: bStart, len: bLen } = buckets;
    let settled = 0;
    // Backward upward search (edges x→u from higher-ranked x), stalled where a higher vertex already
    // reaches the target more cheaply; each settled vertex's bucket gives the sources meeting there.
    while (heap.size > 0) {
      const d = heap.peekKey();
      const u = heap.pop();
      if (d > dist[u]!) continue;
      let stalled = false;
      for (let e = ch.upStart[u]!; e < ch.upStart[u + 1]!; e++) {
        const x = ch.upTo[e]!;
        if (stamp[x] === gen && dist[x]! + ch.upW[e]! < d) {
          stalled = true;
          break;
        }
      }
      if (stalled) continue;
      settled++;
      const ou = other[u]!;
      for (let i = bStart[u]!, end = i + bLen[u]!; i < end; i++) {
        const s = bSlot[i]!;
        const c = bW[i]! + d;
        if (c < bestW[s]!) {
          bestW[s] = c;
          bestO[s] = bO[i]! + ou;
        }
      }
      for (let e = ch.dnStart[u]!; e < ch.dnStart[u + 1]!; e++) {
        const x = ch.dnFrom[e]!;
        const nd = d + ch.dnW[e]!;
        if (stamp[x] !== gen || nd < dist[x]!) {
          stamp[x] = gen;
          dist[x] = nd;
          other[x] = ou + ch.dnO[e]!;
          heap.push(nd, x);
        }
      }
    }
    const n = keys.length;
    const outW = new Float64Array(n).fill(Infinity);
    const outO = new Float64Array(n).fill(Infinity);
    for (let i = 0; i < n; i++) {
      const u = this.units.get(keys[i]!);
      if (!u) continue;
      for (const p of u.ports) {
        const c = p.w + bestW[p.slot]!;
        if (c < outW[i]!) {
          outW[i] = c;
          outO[i] = p.o + bestO[p.slot]!;
        }
      }
      if (u.point.chain === target.chain) {
        const direct = sameChain(g, u.point, target, w, o);
        if (direct && direct.w < outW[i]!) {
          outW[i] = direct.w;
          outO[i] = direct.o;
        }
      }
    }
    const time = ch.optimize === 'time';
    const durationS = time ? outW : outO;
    const distanceM = time ? outO : outW;
    const maxT = opts.maxTimeS ?? Infinity;
    const maxD = opts.maxDistanceM ?? Infinity;
    for (let i = 0; i < n; i++) {
      if (!(durationS[i]! <= maxT && distanceM[i]! <= maxD)) {
        durationS[i] = Infinity;
        distanceM[i] = Infinity;
      }
    }
    return { durationS, distanceM, settled };
  }

  private nextGen(): number {
    if (++this.gen === 0xffffffff) {
      this.stamp.fill(0);
      this.gen = 1;
    }
    return this.gen;
  }

  /** The slot of source vertex v, with its search run now if it had none. */
  private acquire(v: number): number {
    let s = this.slotOf[v]!;
    if (s >= 0) {
      this.slotRefs[s]!++;
      return s;
    }
    s = this.freeSlots.pop() ?? this.newSlot();
    this.slotOf[v] = s;
    this.slotVertex[s] = v;
    this.slotRefs[s] = 1;
    this.fill(s, v);
    return s;
  }

  private release(s: number): void {
    if (--this.slotRefs[s]! > 0) return;
    const at = this.slotAt[s]!;
    const pos = this.slotPos[s]!;
    for (let k = 0; k < at.length; k++) this.removeEntry(at[k]!, pos[k]!);
    this.slotAt[s] = EMPTY;
    this.slotPos[s] = EMPTY;
    this.slotOf[this.slotVertex[s]!] = -1;
    this.freeSlots.push(s);
  }

  private newSlot(): number {
    const s = this.slotCount++;
    if (s === this.slotVertex.length) {
      const grow = <T extends Int32Array | Float64Array | Uint32Array>(a: T, make: (k: number) => T): T => {
        const b = make(a.length * 2);
        b.set(a);
        return b;
      };
      this.slotVertex = grow(this.slotVertex, (k) => new Int32Array(k));
      this.slotRefs = grow(this.slotRefs, (k) => new Int32Array(k));
      this.bestW = grow(this.bestW, (k) => new Float64Array(k));
      this.bestO = grow(this.bestO, (k) => new Float64Array(k));
    }
    this.slotAt.push(EMPTY);
    this.slotPos.push(EMPTY);
    return s;
  }

  /** Forward upward search from v (stall-on-demand); every unstalled settled vertex gets an entry. */
  private fill(s: number, v: number): void {
    const { ch, dist, other, stamp, heap } = this;
    const gen = this.nextGen();
    heap.clear();
    stamp[v] = gen;
    dist[v] = 0;
    other[v] = 0;
    heap.push(0, v);
    const kept = this.settledV;
    kept.length = 0;
    while (heap.size > 0) {
      const d = heap.peekKey();
      const u = heap.pop();
      if (d > dist[u]!) continue;
      // Stalled: a higher vertex already reached reaches u more cheaply, so no shortest path meets here.
      let stalled = false;
      for (let e = ch.dnStart[u]!; e < ch.dnStart[u + 1]!; e++) {
        const x = ch.dnFrom[e]!;
        if (stamp[x] === gen && dist[x]! + ch.dnW[e]! < d) {
          stalled = true;
          break;
        }
      }
      if (stalled) continue;
      kept.push(u);
      const ou = other[u]!;
      for (let e = ch.upStart[u]!; e < ch.upStart[u + 1]!; e++) {
        const x = ch.upTo[e]!;
        const nd = d + ch.upW[e]!;
        if (stamp[x] !== gen || nd < dist[x]!) {
          stamp[x] = gen;
          dist[x] = nd;
          other[x] = ou + ch.upO[e]!;
          heap.push(nd, x);
        }
      }
    }
    const at = new Int32Array(kept.length);
    const pos = new Int32Array(kept.length);
    for (let k = 0; k < kept.length; k++) {
      const u = kept[k]!;
      at[k] = u;
      pos[k] = this.buckets.add(u, s, k, dist[u]!, other[u]!);
    }
    this.slotAt[s] = at;
    this.slotPos[s] = pos;
  }

  /** Remove entry `pos` of u's bucket; the bucket's last entry moves into its place. */
  private removeEntry(u: number, pos: number): void {
    const moved = this.buckets.removeAt(u, pos);
    if (moved !== null) this.slotPos[moved.slot]![moved.k] = pos;
  }
}

const EMPTY = new Int32Array(0);

/**
 * Per-vertex buckets in one pool of typed arrays (a province has millions of vertices; only those in
 * some unit's upward search hold entries). A bucket that outgrows its block moves to the pool's end
 * with twice the room; a full pool is compacted into a larger one. Entry positions are relative to
 * the bucket, so moves keep them.
 */
class BucketPool {
  readonly start: Int32Array;
  readonly len: Int32Array;
  private readonly cap: Int32Array;
  slot = new Int32Array(1024);
  /** Index of the entry in its slot's list (to update the back-pointer when it moves). */
  k = new Int32Array(1024);
  w = new Float64Array(1024);
  o = new Float64Array(1024);
  private used = 0;
  entries = 0;

  constructor(n: number) {
    this.start = new Int32Array(n);
    this.len = new Int32Array(n);
    this.cap = new Int32Array(n);
  }

  add(u: number, slot: number, k: number, w: number, o: number): number {
    if (this.len[u] === this.cap[u]) this.move(u, Math.max(4, this.cap[u]! * 2));
    const pos = this.len[u]!++;
    const i = this.start[u]! + pos;
    this.slot[i] = slot;
    this.k[i] = k;
    this.w[i] = w;
    this.o[i] = o;
    this.entries++;
    return pos;
  }

  /** Remove entry pos of u; returns the entry that moved into pos (its slot and k), if any. */
  removeAt(u: number, pos: number): { slot: number; k: number } | null {
    const s = this.start[u]!;
    const last = --this.len[u]!;
    this.entries--;
    if (pos === last) return null;
    const i = s + pos;
    const j = s + last;
    this.slot[i] = this.slot[j]!;
    this.k[i] = this.k[j]!;
    this.w[i] = this.w[j]!;
    this.o[i] = this.o[j]!;
    return { slot: this.slot[i]!, k: this.k[i]! };
  }

  private move(u: number, cap: number): void {
    if (this.used + cap > this.slot.length) this.compact(cap);
    const from = this.start[u]!, n = this.len[u]!;
    this.slot.copyWithin(this.used, from, from + n);
    this.k.copyWithin(this.used, from, from + n);
    this.w.copyWithin(this.used, from, from + n);
    this.o.copyWithin(this.used, from, from + n);
    this.start[u] = this.used;
    this.cap[u] = cap;
    this.used += cap;
  }

  /** Copy every bucket into a fresh pool with room for `extra` more. */
  private compact(extra: number): void {
    let live = 0;
    for (let v = 0; v < this.start.length; v++) live += this.cap[v]!;
    const size = Math.ceil((live + extra) * 1.5) + 1024;
    const slot = new Int32Array(size), k = new Int32Array(size), w = new Float64Array(size), o = new Float64Array(size);
    let at = 0;
    for (let v = 0; v < this.start.length; v++) {
      const c = this.cap[v]!;
      if (c === 0) continue;
      const s = this.start[v]!, n = this.len[v]!;
      slot.set(this.slot.subarray(s, s + n), at);
      k.set(this.k.subarray(s, s + n), at);
      w.set(this.w.subarray(s, s + n), at);
      o.set(this.o.subarray(s, s + n), at);
      this.start[v] = at;
      at += c;
    }
    this.slot = slot;
    this.k = k;
    this.w = w;
    this.o = o;
    this.used = at;
  }
}
