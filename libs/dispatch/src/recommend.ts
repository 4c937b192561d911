import { haversineM } from '@rescue/common';
import { type FleetPositions, freshness, type LiveFleet, type LiveUnit } from '@rescue/fleet';
import { type LineString, RoutingError, routesToOne, type SnappedPoint } from '@rescue/routing';
import { dispatchExclusion, type DispatchNeed, type ExclusionReason, type UnitFacts } from './eligibility';
import { DispatchError } from './errors';
import { type Priority, type RankPolicy, staleAllowed, topRanked } from './ranking';

export interface RecommendationRequest {
  /** WGS-84 (converted at the edge when the caller sent GCJ-02). */
  lat: number;
  lon: number;
  priority: Priority;
  requiredCapabilities: string[];
  limit: number;
}

export interface Candidate {
  unitId: string;
  etaS: number;
  roadDistanceM: number;
  straightDistanceM: number;
  fixAgeS: number;
  stale: boolean;
  status: string;
  stationId: string | null;
  snapM: number;
  route: LineString | null;
}

export interface Recommendation {
  incident: { lat: number; lon: number; snapM: number };
  candidates: Candidate[];
  excluded: Array<{ unitId: string; reason: ExclusionReason; detail: string }>;
  /** Candidates ranked in all (before `limit`). */
  ranked: number;
}

/** Searches stop at this road time: beyond it no unit is a sensible recommendation. */
export const MAX_ETA_S = 2 * 3600;

/** What a recommendation reads: the live fleet, where its units are on the road, and the centre's rules. */
export interface RecommendContext {
  fleet: Pick<LiveFleet, 'inOrder'>;
  /** Units placed on the road graph by the fleet update (their graph is the one routed on). */
  positions: FleetPositions;
  /** Place the incident on the road; throws RoutingError when it cannot be. */
  snapIncident(lat: number, lon: number): SnappedPoint;
  staleAfterS: number;
  policy: RankPolicy;
}

/**
 * Which available unit reaches the patient first, by road. Units are placed on the road graph as their
 * fixes arrive (FleetPositions, in the fleet update), with the many-to-one buckets kept for them; a call
 * runs only the incident's side of the search (and a unit whose fix was not placed yet is placed now),
 * the ranking policy orders the units, and the route is drawn for the ones returned.
 */
export function recommend(ctx: RecommendContext, req: RecommendationRequest, now = Date.now()): Recommendation {
  let target: SnappedPoint;
  try {
    target = ctx.snapIncident(req.lat, req.lon);
  } catch (e) {
    if (e instanceof RoutingError) throw new DispatchError('INCIDENT_NOT_ROUTABLE', e.message, { routingCode: e.code, ...e.details });
    throw e;
  }
  const excluded: Recommendation['excluded'] = [];
  const need: DispatchNeed = {
    requiredCapabilities: req.requiredCapabilities, staleAfterS: ctx.staleAfterS, staleAllowed: staleAllowed(req.priority, ctx.policy), maxEtaS: MAX_ETA_S,
  };
  const exclude = (unitId: string, facts: UnitFacts): void => {
    const { reason, detail } = dispatchExclusion(facts, need)!;
    excluded.push({ unitId, reason, detail });
  };
  const positions = ctx.positions;
  const eligible: Array<{ unit: Readonly<LiveUnit>; facts: UnitFacts; point: SnappedPoint; fixAgeS: number; stale: boolean }> = [];
  for (const unit of ctx.fleet.inOrder()) {
    const { fixAgeS, stale } = freshness(unit, now, ctx.staleAfterS);
    const facts: UnitFacts = { status: unit.status, taskId: unit.taskId, online: unit.online, capabilities: unit.capabilities, fixAgeS };
    if (dispatchExclusion(facts, need)) {
      exclude(unit.unitId, facts);
      continue;
    }
    const point = positions.pointOf(unit);
    if (!point) {
      exclude(unit.unitId, { ...facts, road: 'off_road' });
      continue;
    }
    eligible.push({ unit, facts, point, fixAgeS: fixAgeS!, stale });
  }
  const g = positions.graph;
  const times = positions.manyToOne(eligible.map((e) => e.unit.unitId), target, { maxTimeS: MAX_ETA_S });
  // Ranked on what the policy reads; the full candidate (distances, route) only for those returned.
  const reachable: Array<{ unitId: string; etaS: number; fixAgeS: number; stale: boolean; atStation: boolean; i: number }> = [];
  for (let i = 0; i < eligible.length; i++) {
    const { unit, facts, fixAgeS, stale } = eligible[i]!;
    const etaS = times.durationS[i]!;
    if (!Number.isFinite(etaS)) {
      exclude(unit.unitId, { ...facts, road: 'no_path' });
      continue;
    }
    reachable.push({ unitId: unit.unitId, etaS, fixAgeS, stale, atStation: unit.status === 'available_at_station', i });
  }
  const top = topRanked(reachable, req.limit, ctx.policy);
  // The returned candidates' routes come from one reversed search out to the farthest of them.
  const routes = routesToOne(g, top.map((c) => eligible[c.i]!.point), target, { maxTimeS: MAX_ETA_S });
  const candidates: Candidate[] = top.map(({ i, etaS, fixAgeS, stale }, k) => {
    const { unit, point } = eligible[i]!;
    const fix = unit.lastFix!;
    return {
      unitId: unit.unitId, etaS, roadDistanceM: times.distanceM[i]!, straightDistanceM: haversineM(fix.lat, fix.lon, req.lat, req.lon),
      fixAgeS, stale, status: unit.status!, stationId: unit.stationId, snapM: point.distanceM, route: routes[k]?.geometry ?? null,
    };
  });
  return { incident: { lat: req.lat, lon: req.lon, snapM: target.distanceM }, candidates, excluded, ranked: reachable.length };
}
