import type { RoadGraph } from '../graph';
import { dayTypeHour, HOURS_PER_WEEK } from './slots';

/** Trips driven on a task (驶向现场: en route to the scene, lights and siren) or any other drive. */
export type TripKind = 'emergency' | 'other';
export const TRIP_KINDS: readonly TripKind[] = ['emergency', 'other'];

/** Evidence for one directed edge, hour of the week and kind: what the matched traversals add up to. */
export interface SpeedEvidence {
  edge: number;
  hourOfWeek: number;
  kind: TripKind;
  /** Metres and seconds driven on the edge in that slot (summed over traversals). */
  distanceM: number;
  durationS: number;
  traversals: number;
}

export interface SpeedModelOptions {
  /**
   * Prior strength, in equivalent full traversals: a slot's estimate is (W·observed + K·prior)/(W + K)
   * in pace (s/m), W = metres observed / edge length. K = 3: three drives through an edge carry as
   * much weight as what the coarser level says.
   */
  priorTraversals?: number;
}

/**
 * Learned travel times: per edge, per kind, per hour of the week, each shrunk toward the level above
 * by how much evidence it has: hour of week → weekday/weekend hour → all-day → the fleet-wide ratio of
 * observed to static time for that kind applied to the static profile. So a slot with no data gets the
 * edge's all-day figure, an edge with no data the static time scaled by how the fleet really drives,
 * and a well-driven slot its own measurement. Paces are per metre (harmonic mean of speeds, the one
 * that adds up to times).
 */
export class SpeedModel {
  private readonly k: number;
  /** Per kind: fleet pace ratio observed/static, shrunk toward 1. */
  readonly fleetRatio: Record<TripKind, number>;
  private readonly byKind: Record<TripKind, { all: Map<number, Acc>; dayType: Map<number, Acc>; how: Map<number, Acc> }>;

  constructor(
    private readonly g: RoadGraph,
    evidence: readonly SpeedEvidence[],
    opts: SpeedModelOptions = {},
  ) {
    this.k = opts.priorTraversals ?? 3;
    const make = () => ({ all: new Map<number, Acc>(), dayType: new Map<number, Acc>(), how: new Map<number, Acc>() });
    this.byKind = { emergency: make(), other: make() };
    const fleet: Record<TripKind, { obs: number; stat: number; w: number }> = { emergency: { obs: 0, stat: 0, w: 0 }, other: { obs: 0, stat: 0, w: 0 } };
    for (const ev of evidence) {
      if (!(ev.distanceM > 0 && ev.durationS > 0) || ev.edge < 0 || ev.edge >= g.edgeCount) continue;
      const m = this.byKind[ev.kind];
      add(m.all, ev.edge, ev);
      add(m.dayType, ev.edge * 48 + dayTypeHour(ev.hourOfWeek), ev);
      add(m.how, ev.edge * HOURS_PER_WEEK + ev.hourOfWeek, ev);
      const f = fleet[ev.kind];
      f.obs += ev.durationS;
      f.stat += (g.eTime[ev.edge]! * ev.distanceM) / Math.max(g.eDist[ev.edge]!, 1e-9);
      f.w += ev.traversals;
    }
    const ratio = (f: { obs: number; stat: number; w: number }): number => (f.stat > 0 ? (f.w * (f.obs / f.stat) + this.k) / (f.w + this.k) : 1);
    this.fleetRatio = { emergency: ratio(fleet.emergency), other: ratio(fleet.other) };
  }

  /** Seconds to drive edge e in this kind and hour of the week. */
  edgeTime(e: number, kind: TripKind, how: number): number {
    const len = Math.max(this.g.eDist[e]!, 1e-9);
    const m = this.byKind[kind];
    let pace = (this.g.eTime[e]! / len) * this.fleetRatio[kind];
    pace = this.shrink(pace, m.all.get(e), len);
    pace = this.shrink(pace, m.dayType.get(e * 48 + dayTypeHour(how)), len);
    pace = this.shrink(pace, m.how.get(e * HOURS_PER_WEEK + how), len);
    return pace * len;
  }

  /** Travel times of every edge for one slot: the weights to route or re-weight the hierarchy with. */
  weights(kind: TripKind, how: number): Float64Array {
    const out = new Float64Array(this.g.edgeCount);
    for (let e = 0; e < out.length; e++) out[e] = this.edgeTime(e, kind, how);
    return out;
  }

  /**
   * Coverage: share of edges (by count and by length) with at least one full traversal's worth of
   * data of this kind, and share of the driven metres that fell on edges whose estimate is mostly
   * data (W ≥ K).
   */
  coverage(kind: TripKind): { edges: number; lengthShare: number; drivenShare: number; edgesWithData: number } {
    const all = this.byKind[kind].all;
    let n = 0;
    let len = 0;
    let total = 0;
    let driven = 0;
    let drivenWell = 0;
    for (let e = 0; e < this.g.edgeCount; e++) total += this.g.eDist[e]!;
    for (const [e, a] of all) {
      const w = a.dist / Math.max(this.g.eDist[e]!, 1e-9);
      driven += a.dist;
      if (w >= 1) {
        n++;
        len += this.g.eDist[e]!;
      }
      if (w >= this.k) drivenWell += a.dist;
    }
    return { edges: this.g.edgeCount > 0 ? n / this.g.edgeCount : 0, lengthShare: total > 0 ? len / total : 0, drivenShare: driven > 0 ? drivenWell / driven : 0, edgesWithData: n };
  }

  private shrink(prior: number, a: Acc | undefined, len: number): number {
    if (!a) return prior;
    const w = a.dist / len;
    return (w * (a.time / a.dist) + this.k * prior) / (w + this.k);
  }
}

interface Acc {
  dist: number;
  time: number;
}

function add(m: Map<number, Acc>, key: number, ev: SpeedEvidence): void {
  const a = m.get(key);
  if (a) {
    a.dist += ev.distanceM;
    a.time += ev.durationS;
  } else m.set(key, { dist: ev.distanceM, time: ev.durationS });
}
