import type { RoadGraph } from '../graph';
import { appendSlice, type LineString } from '../queries';
import { bestLeg, legPieces, type LegCosts, type Piece, type State } from './transitions';

/** One directed edge driven once (whole or in part), with when the unit entered and left it. */
export interface EdgeTraversal {
  /** Directed edge id in the loaded graph. */
  edge: number;
  /** OSM way the edge belongs to. */
  wayId: number;
  /** Metres driven on it. */
  distanceM: number;
  /** Where the drive on it began and ended, as fractions of the edge in its direction (0 tail, 1 head). */
  fromFrac: number;
  toFrac: number;
  /** Driven from one end to the other (a speed from it is not diluted by the match's end points). */
  full: boolean;
  /** Epoch milliseconds, interpolated along the matched path between fixes; null without timestamps. */
  enterTs: number | null;
  exitTs: number | null;
  durationS: number | null;
}

/** A fix as the matcher keeps it: a run of fixes within 3σ of its first is one stop (arrive … leave). */
export interface KeptFix {
  lat: number;
  lon: number;
  /** Input indices first .. last this kept fix stands for. */
  first: number;
  last: number;
  /** Epoch ms of the first and the last fix of the run (NaN without timestamps). */
  arriveTs: number;
  leaveTs: number;
}

export interface AssembledPath {
  geometry: LineString;
  distanceM: number;
  edges: EdgeTraversal[];
}

interface TimedPiece extends Piece {
  leg: number;
  /** Metres into the leg where the piece starts and ends. */
  legFrom: number;
  legTo: number;
}

/**
 * Turn the chosen state of each kept fix into the path driven: the pieces of road between
 * consecutive states, merged per directed edge, timed by linear interpolation along each leg from
 * the leave time of one fix to the arrival time of the next (a stop's dwell stays at the stop). A
 * state read as jitter back keeps the unit where it was, so the path never steps backwards.
 */
export function assemblePath(g: RoadGraph, fixes: readonly KeptFix[], chosen: readonly State[], maxLegM: readonly number[], k: LegCosts): AssembledPath {
  const timed: TimedPiece[] = [];
  const legLen: number[] = [];
  let cur = chosen[0]!;
  for (let i = 0; i + 1 < chosen.length; i++) {
    let at = 0;
    const next = chosen[i + 1]!;
    const leg = bestLeg(g, cur, next, maxLegM[i]! + k.jitterM, k);
    for (const p of legPieces(g, cur, next, leg, maxLegM[i]! + k.jitterM)) {
      const len = Math.abs(p.toM - p.fromM);
      timed.push({ ...p, leg: i, legFrom: at, legTo: at + len });
      at += len;
    }
    if (leg.kind !== 'stay') cur = next;
    legLen.push(at);
  }
  const timeAt = (leg: number, m: number): number => {
    const a = fixes[leg]!.leaveTs;
    const b = fixes[leg + 1]!.arriveTs;
    const len = legLen[leg]!;
    return len > 0 ? a + ((b - a) * m) / len : a;
  };
  const coords: [number, number][] = [];
  const edges: EdgeTraversal[] = [];
  let distanceM = 0;
  let open: { edge: number; chain: number; fromM: number; toM: number; enter: number; exit: number } | null = null;
  const close = (): void => {
    if (!open) return;
    const len = g.cLength[open.chain]!;
    const d = Math.abs(open.toM - open.fromM);
    const timed = Number.isFinite(open.enter) && Number.isFinite(open.exit);
    const frac = (m: number): number => (len > 0 ? (g.eDir[open!.edge] === 0 ? m / len : 1 - m / len) : 0);
    edges.push({
      edge: open.edge,
      wayId: g.cWayId[open.chain]!,
      distanceM: d,
      fromFrac: frac(open.fromM),
      toFrac: frac(open.toM),
      full: Math.min(open.fromM, open.toM) <= 1e-6 && Math.max(open.fromM, open.toM) >= len - 1e-6,
      enterTs: timed ? Math.round(open.enter) : null,
      exitTs: timed ? Math.round(open.exit) : null,
      durationS: timed ? (open.exit - open.enter) / 1000 : null,
    });
    open = null;
  };
  for (const p of timed) {
    appendSlice(g, coords, p.chain, p.fromM, p.toM);
    distanceM += Math.abs(p.toM - p.fromM);
    const enter = timeAt(p.leg, p.legFrom);
    const exit = timeAt(p.leg, p.legTo);
    if (open && open.edge === p.edge && Math.abs(open.toM - p.fromM) < 1e-6) {
      open.toM = p.toM;
      open.exit = exit;
    } else {
      close();
      open = { edge: p.edge, chain: p.chain, fromM: p.fromM, toM: p.toM, enter, exit };
    }
  }
  close();
  if (coords.length === 0) coords.push([chosen[0]!.cand.snappedLon, chosen[0]!.cand.snappedLat]);
  if (coords.length === 1) coords.push([coords[0]![0], coords[0]![1]]);
  return { geometry: { type: 'LineString', coordinates: coords }, distanceM, edges };
}
