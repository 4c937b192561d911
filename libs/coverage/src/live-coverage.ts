import type { RoadGraph, SnappedPoint } from '@rescue/routing';
import type { AreaClassifier } from './area-classes';
import type { DemandSet } from './demand';
import { type PlacedSite, placeSites, type Site, siteReach, tripTo } from './network';
import { type CoverageRule, limitOf, meets, ruleBounds } from './rules';

/** A unit that may be counted: where it is now and whether it can be sent. */
export interface LiveUnitPosition extends Site {
  available: boolean;
  /**
   * Where the unit already is on the road graph, when the caller keeps units placed (FleetPositions:
   * snapped with its heading as the fix arrived); null: its fix is too far from any road. Absent: snapped here.
   */
  at?: SnappedPoint | null;
}

export interface LiveCoverage {
  /** Covered weight / total weight by the available units where they are now. */
  share: number;
  coveredWeight: number;
  totalWeight: number;
  units: Array<{
    id: string;
    /** Weight only this unit covers: what sending it away would uncover. */
    uniqueWeight: number;
    /** Coverage share lost if this unit is dispatched (uniqueWeight / total). */
    lossIfSent: number;
    coveredWeight: number;
  }>;
  /** Each demand point and whether some available unit reaches it within the rule. */
  points: Array<{ id: string; lat: number; lon: number; weight: number; covered: boolean }>;
  /** Units left out: not available, or off the road network. */
  excluded: Array<{ id: string; reason: string }>;
}

/**
 * Coverage by the live fleet rather than by stations: each available unit is a site at its last
 * fix. Counting, per demand point, how many units meet the rule gives the loss of each candidate
 * dispatch in one pass: the weight whose count is 1 and whose only unit is that one.
 */
export function liveCoverage(g: RoadGraph, rule: CoverageRule, units: readonly LiveUnitPosition[], demand: DemandSet, areas: AreaClassifier, snapMaxM: number): LiveCoverage {
  const excluded: LiveCoverage['excluded'] = units.filter((u) => !u.available).map((u) => ({ id: u.id, reason: 'not available' }));
  const placed: (LiveUnitPosition & PlacedSite)[] = [];
  for (const u of units) {
    if (!u.available) continue;
    if (u.at === undefined) {
      const r = placeSites(g, [u], snapMaxM);
      placed.push(...r.placed);
      for (const x of r.unplaced) excluded.push({ id: x.site.id, reason: x.reason });
    } else if (u.at === null) excluded.push({ id: u.id, reason: `SNAP_TOO_FAR: no drivable road within ${snapMaxM} m of ${u.lat},${u.lon}` });
    else placed.push({ ...u, at: u.at });
  }
  const limits = demand.points.map((p) => limitOf(rule, p.areaClass ?? areas.classOf(p.lat, p.lon)));
  const dp = placeSites(
    g,
    demand.points.map((p) => ({ ...p, name: p.id })),
    snapMaxM,
  );
  const at = new Map<string, SnappedPoint>(dp.placed.map((p) => [p.id, p.at]));
  const b = ruleBounds(rule);
  const count = new Int32Array(demand.points.length);
  const only = new Int32Array(demand.points.length).fill(-1);
  const perUnit = placed.map(() => 0);
  placed.forEach((u, k) => {
    const reach = siteReach(g, u, { maxTimeS: b.maxTimeS ?? Infinity, maxRoadM: b.maxRoadM });
    demand.points.forEach((p, i) => {
      const a = at.get(p.id);
      const trip = a ? tripTo(g, reach, a) : null;
      const straight = trip?.straightM ?? Infinity;
      if (meets(limits[i]!, trip?.timeS ?? Infinity, trip?.shortRoadM ?? Infinity, straight)) {
        count[i]!++;
        only[i] = k;
        perUnit[k]! += p.weight;
      }
    });
  });
  let total = 0;
  let covered = 0;
  const unique = placed.map(() => 0);
  demand.points.forEach((p, i) => {
    total += p.weight;
    if (count[i]! > 0) covered += p.weight;
    if (count[i] === 1) unique[only[i]!]! += p.weight;
  });
  return {
    share: total > 0 ? covered / total : 0,
    coveredWeight: covered,
    totalWeight: total,
    units: placed.map((u, k) => ({ id: u.id, uniqueWeight: unique[k]!, lossIfSent: total > 0 ? unique[k]! / total : 0, coveredWeight: perUnit[k]! })),
    excluded,
    points: demand.points.map((p, i) => ({ id: p.id, lat: p.lat, lon: p.lon, weight: p.weight, covered: count[i]! > 0 })),
  };
}
