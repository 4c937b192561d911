import { Inject, Injectable } from '@nestjs/common';
import type { AppConfig } from '@rescue/config';
import { DEFAULT_RANK_POLICY, DispatchError, dispatchExclusion, type DispatchNeed, type ExclusionReason, Priority, rankCandidates, RankPolicy, staleAllowed, type UnitFacts } from '@rescue/dispatch';
import { freshness, LiveFleet, LiveUnit } from '@rescue/fleet';
import { haversineM } from '@rescue/common';
import { LineString, manyToOne, route, RoutingError, SnappedPoint } from '@rescue/routing';
import { APP_CONFIG } from '../config.module';
import { RoutingService } from '../routing/routing.service';

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
const MAX_ETA_S = 2 * 3600;

/**
 * Which available unit reaches the patient first, by road: one reversed search from the incident
 * settles every candidate's ETA at once (manyToOne), the ranking policy orders them, and the route is
 * drawn for the ones returned. Snapped unit positions are cached per fix so a busy minute of requests
 * does not snap the same fix again.
 */
@Injectable()
export class RecommendationService {
  private readonly snaps = new Map<string, { fixTs: number; point: SnappedPoint | null }>();
  private readonly policy: RankPolicy;

  constructor(
    private readonly fleet: LiveFleet,
    private readonly routing: RoutingService,
    @Inject(APP_CONFIG) private readonly cfg: AppConfig,
  ) {
    this.policy = { ...DEFAULT_RANK_POLICY, staleUnits: cfg.dispatchStaleUnits };
  }

  recommend(req: RecommendationRequest, now = Date.now()): Recommendation {
    let target: SnappedPoint;
    try {
      target = this.routing.snap(req.lat, req.lon);
    } catch (e) {
      if (e instanceof RoutingError) throw new DispatchError('INCIDENT_NOT_ROUTABLE', e.message, { routingCode: e.code, ...e.details });
      throw e;
    }
    const excluded: Recommendation['excluded'] = [];
    const need: DispatchNeed = {
      requiredCapabilities: req.requiredCapabilities, staleAfterS: this.cfg.staleAfterS, staleAllowed: staleAllowed(req.priority, this.policy), maxEtaS: MAX_ETA_S,
    };
    const exclude = (unitId: string, facts: UnitFacts): void => {
      const { reason, detail } = dispatchExclusion(facts, need)!;
      excluded.push({ unitId, reason, detail });
    };
    const eligible: Array<{ unit: Readonly<LiveUnit>; facts: UnitFacts; point: SnappedPoint; fixAgeS: number; stale: boolean }> = [];
    for (const unit of this.fleet.inOrder()) {
      const { fixAgeS, stale } = freshness(unit, now, this.cfg.staleAfterS);
      const facts: UnitFacts = { status: unit.status, taskId: unit.taskId, online: unit.online, capabilities: unit.capabilities, fixAgeS };
      if (dispatchExclusion(facts, need)) {
        exclude(unit.unitId, facts);
        continue;
      }
      const point = this.snapUnit(unit);
      if (!point) {
        exclude(unit.unitId, { ...facts, road: 'off_road' });
        continue;
      }
      eligible.push({ unit, facts, point, fixAgeS: fixAgeS!, stale });
    }
    const g = this.routing.graph;
    const times = manyToOne(g, eligible.map((e) => e.point), target, { maxTimeS: MAX_ETA_S });
    const reachable: Array<Candidate & { atStation: boolean; point: SnappedPoint }> = [];
    for (let i = 0; i < eligible.length; i++) {
      const { unit, facts, point, fixAgeS, stale } = eligible[i]!;
      const etaS = times.durationS[i]!;
      if (!Number.isFinite(etaS)) {
        exclude(unit.unitId, { ...facts, road: 'no_path' });
        continue;
      }
      const fix = unit.lastFix!;
      reachable.push({
        unitId: unit.unitId, etaS, roadDistanceM: times.distanceM[i]!, straightDistanceM: haversineM(fix.lat, fix.lon, req.lat, req.lon),
        fixAgeS, stale, status: unit.status!, stationId: unit.stationId, snapM: point.distanceM, route: null,
        atStation: unit.status === 'available_at_station', point,
      });
    }
    const ranked = rankCandidates(reachable, this.policy);
    const candidates = ranked.slice(0, req.limit).map(({ atStation: _a, point, ...c }) => ({ ...c, route: route(g, point, target).geometry }));
    return { incident: { lat: req.lat, lon: req.lon, snapM: target.distanceM }, candidates, excluded, ranked: ranked.length };
  }

  private snapUnit(unit: Readonly<LiveUnit>): SnappedPoint | null {
    const fix = unit.lastFix!;
    const cached = this.snaps.get(unit.unitId);
    if (cached && cached.fixTs === fix.ts) return cached.point;
    let point: SnappedPoint | null = null;
    try {
      // A moving unit's heading picks the carriageway it is on.
      const moving = fix.headingDeg !== null && (fix.speedKmh ?? 0) > 5;
      point = this.routing.snap(fix.lat, fix.lon, moving ? fix.headingDeg! : undefined);
    } catch (e) {
      if (!(e instanceof RoutingError)) throw e;
    }
    if (this.snaps.size > 100_000) this.snaps.clear();
    this.snaps.set(unit.unitId, { fixTs: fix.ts, point });
    return point;
  }
}
