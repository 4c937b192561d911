import type { RoadGraph } from '../graph';
import { searchSpace } from '../search';
import type { SnappedPoint } from '../snap';

/** A piece of one directed edge driven between two along-distances of its chain (metres). */
export interface Piece {
  edge: number;
  chain: number;
  fromM: number;
  toM: number;
}

/**
 * A hidden state: a candidate road position and the direction the unit drives there (0: along the
 * chain's shape, 1: against it). Direction is what lets the model tell jitter from a U-turn and keep
 * a unit going one way on a two-way road when its fixes scatter back and forth.
 */
export interface State {
  cand: SnappedPoint;
  dir: number;
}

export interface LegCosts {
  /** Penalty in metres added for turning round mid-road. */
  uTurnM: number;
  /** A step back this short, same direction, is read as standing still (GPS jitter). */
  jitterM: number;
}

/** The directed edge of a chain in a direction whose tail (entry) or head (exit) is wanted: first match. */
function chainEdge(g: RoadGraph, chain: number, dir: number): number {
  for (let k = g.cEdgeStart[chain]!; k < g.cEdgeStart[chain + 1]!; k++) if (g.eDir[g.cEdges[k]!] === dir) return g.cEdges[k]!;
  return -1;
}

/** Metres left to drive on the chain from the candidate in direction dir (to the edge's head). */
function toEnd(g: RoadGraph, c: SnappedPoint, dir: number): number {
  return dir === 0 ? g.cLength[c.chain]! - c.alongM : c.alongM;
}

export function statesOf(g: RoadGraph, cands: readonly SnappedPoint[]): State[] {
  const out: State[] = [];
  for (const c of cands) {
    if (c.allowForward) out.push({ cand: c, dir: 0 });
    if (c.allowBackward) out.push({ cand: c, dir: 1 });
  }
  return out;
}

/**
 * Exit and entry edges per state. A chain split by turn restrictions has several edges per direction
 * (one per copy of the via vertex); every one of them is a way in, and the first is taken as the way
 * out (they share the shape, and the search reaches the copies from it).
 */
export function entryEdges(g: RoadGraph, s: State): number[] {
  const out: number[] = [];
  for (let k = g.cEdgeStart[s.cand.chain]!; k < g.cEdgeStart[s.cand.chain + 1]!; k++) if (g.eDir[g.cEdges[k]!] === s.dir) out.push(g.cEdges[k]!);
  return out;
}

/** Kind of leg chosen between two states: how the assembly re-traces it. */
export type LegKind = 'stay' | 'along' | 'turn-along' | 'route' | 'turn-route' | 'none';

export interface Leg {
  m: number;
  kind: LegKind;
  entry: number;
}

/**
 * Road metres from state a to state b, given the distances from a's exit vertices (straight on or,
 * after a U-turn, the other way) to every target vertex: min over staying on the chain, turning
 * round on it, or leaving it (either way) and entering b's chain in b's direction.
 */
export function legCost(g: RoadGraph, a: State, b: State, fromAhead: Float64Array | null, fromBehind: Float64Array | null, slot: Int32Array, k: LegCosts): Leg {
  let best: Leg = { m: Infinity, kind: 'none', entry: -1 };
  if (a.cand.chain === b.cand.chain) {
    const d = b.cand.alongM - a.cand.alongM;
    const ahead = a.dir === 0 ? d : -d;
    if (a.dir === b.dir) {
      if (ahead >= 0) best = { m: ahead, kind: 'along', entry: -1 };
      else if (-ahead <= k.jitterM) best = { m: 0, kind: 'stay', entry: -1 };
    } else if (ahead <= 0) {
      best = { m: -ahead + k.uTurnM, kind: 'turn-along', entry: -1 };
    }
  }
  const lenB = g.cLength[b.cand.chain]!;
  const intoB = b.dir === 0 ? b.cand.alongM : lenB - b.cand.alongM;
  const outAhead = toEnd(g, a.cand, a.dir);
  const outBehind = toEnd(g, a.cand, 1 - a.dir);
  // Driving off the end of a's chain and straight back onto it is a U-turn at that vertex: the
  // vertex graph allows it for free, which let scattered fixes read as trips to the chain's end and back.
  const sameChain = a.cand.chain === b.cand.chain;
  const aheadV = sameChain && b.dir !== a.dir ? exitVertex(g, a, a.dir) : -1;
  const behindV = sameChain && b.dir === a.dir ? exitVertex(g, a, 1 - a.dir) : -1;
  const c = b.cand.chain;
  for (let j = g.cEdgeStart[c]!; j < g.cEdgeStart[c + 1]!; j++) {
    const e = g.cEdges[j]!;
    if (g.eDir[e] !== b.dir) continue;
    const v = g.eSrc[e]!;
    const t = slot[v]!;
    if (fromAhead) {
      const m = outAhead + fromAhead[t]! + intoB + (v === aheadV ? k.uTurnM : 0);
      if (m < best.m) best = { m, kind: 'route', entry: e };
    }
    if (fromBehind) {
      const m = outBehind + fromBehind[t]! + intoB + k.uTurnM + (v === behindV ? k.uTurnM : 0);
      if (m < best.m) best = { m, kind: 'turn-route', entry: e };
    }
  }
  return best;
}

/** Head vertex of the state's chain in direction dir, or -1 when not driven that way. */
export function exitVertex(g: RoadGraph, s: State, dir: number): number {
  const e = chainEdge(g, s.cand.chain, dir);
  return e < 0 ? -1 : g.eDst[e]!;
}

/**
 * Road metres from vertex v to each target vertex (Infinity beyond maxM), by one Dijkstra that
 * stops once every target is settled.
 */
export function vertexDistances(g: RoadGraph, v: number, targets: readonly number[], maxM: number, out: Float64Array): void {
  const sp = searchSpace(g);
  sp.reset();
  sp.seed(v, 0, 0);
  for (const t of targets) sp.want(t);
  sp.run(g, false, g.eDist, g.eTime, maxM, true);
  for (let i = 0; i < targets.length; i++) out[i] = sp.isSettled(targets[i]!) ? sp.cost(targets[i]!) : Infinity;
}

/** Directed edges of the shortest path from vertex v to vertex w (empty when v === w). */
export function vertexPath(g: RoadGraph, v: number, w: number, maxM: number): number[] | null {
  const sp = searchSpace(g);
  sp.reset();
  sp.seed(v, 0, 0);
  sp.want(w);
  sp.run(g, false, g.eDist, g.eTime, maxM, true);
  if (!sp.isSettled(w)) return null;
  const path: number[] = [];
  for (let x = w; sp.pred[x]! >= 0; x = g.eSrc[sp.pred[x]!]!) path.push(sp.pred[x]!);
  return path.reverse();
}

/** The road pieces of a chosen leg, in driving order. */
export function legPieces(g: RoadGraph, a: State, b: State, leg: Leg, maxM: number): Piece[] {
  const ca = a.cand;
  const cb = b.cand;
  const piece = (chain: number, dir: number, fromM: number, toM: number): Piece => ({ edge: chainEdge(g, chain, dir), chain, fromM, toM });
  switch (leg.kind) {
    case 'none':
    case 'stay':
      return [];
    case 'along':
      return [piece(ca.chain, a.dir, ca.alongM, cb.alongM)];
    case 'turn-along':
      return [piece(ca.chain, b.dir, ca.alongM, cb.alongM)];
    case 'route':
    case 'turn-route': {
      const outDir = leg.kind === 'route' ? a.dir : 1 - a.dir;
      const lenA = g.cLength[ca.chain]!;
      const first = piece(ca.chain, outDir, ca.alongM, outDir === 0 ? lenA : 0);
      const path = vertexPath(g, g.eDst[first.edge]!, g.eSrc[leg.entry]!, maxM) ?? [];
      const out = [first];
      for (const e of path) {
        const c = g.eChain[e]!;
        const len = g.cLength[c]!;
        out.push({ edge: e, chain: c, fromM: g.eDir[e] === 0 ? 0 : len, toM: g.eDir[e] === 0 ? len : 0 });
      }
      const lenB = g.cLength[cb.chain]!;
      out.push({ edge: leg.entry, chain: cb.chain, fromM: b.dir === 0 ? 0 : lenB, toM: cb.alongM });
      return out.filter((p) => p.fromM !== p.toM);
    }
  }
}

/** Per graph: vertex → index among the current step's target vertices (valid for those only). */
const slots = new WeakMap<RoadGraph, Int32Array>();
export function slotArray(g: RoadGraph): Int32Array {
  let s = slots.get(g);
  if (!s) {
    s = new Int32Array(g.vertexCount);
    slots.set(g, s);
  }
  return s;
}

/** legCost for one pair, doing its own searches (the assembly re-traces chosen legs with it). */
export function bestLeg(g: RoadGraph, a: State, b: State, maxM: number, k: LegCosts): Leg {
  const targets = [...new Set(entryEdges(g, b).map((e) => g.eSrc[e]!))];
  const slot = slotArray(g);
  targets.forEach((v, i) => (slot[v] = i));
  const lookup = (v: number): Float64Array | null => {
    if (v < 0) return null;
    const row = new Float64Array(targets.length);
    vertexDistances(g, v, targets, maxM, row);
    return row;
  };
  const ahead = lookup(exitVertex(g, a, a.dir));
  const behind = lookup(exitVertex(g, a, 1 - a.dir));
  targets.forEach((v, i) => (slot[v] = i)); // (searches do not touch it, but keep it obviously right)
  return legCost(g, a, b, ahead, behind, slot, k);
}
