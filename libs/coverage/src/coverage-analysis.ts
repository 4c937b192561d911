import { haversineM } from '@rescue/common';
import type { RoadGraph, SnappedPoint } from '@rescue/routing';
import type { AreaClassifier } from './area-classes';
import type { DemandSet } from './demand';
import { CoverageError } from './errors';
import { placeSites, type Site, siteReach, tripTo } from './network';
import { type AreaLimit, type CoverageRule, limitOf, meets, ruleBounds, ruleClassOf } from './rules';

/** People per ambulance, national guidance 2020; counties count their population three times. */
export const PEOPLE_PER_AMBULANCE = 30_000;
export const COUNTY_POPULATION_FACTOR = 3;

export interface StationInput extends Site {
  /** Ambulances based here (optional; summed for the 1-per-30,000 check when no total is given). */
  ambulances?: number;
}

export interface AnalysisOptions {
  /** Metres: a station farther than this from a road is refused. */
  snapMaxM: number;
  /** Metres: a demand point farther than this from a road counts as unreached (default snapMaxM). */
  demandSnapMaxM?: number;
  /** Seconds searched from each station to find catchments beyond the rule (default 2 h). */
  catchmentHorizonS?: number;
  /** Ambulances in service for the 1-per-30,000 rule (default: sum of stations' ambulances). */
  ambulances?: number;
  /** 'county': population × 3 in the ambulance rule (2020 guidance). Default 'city'. */
  jurisdiction?: 'city' | 'county';
  /** How many worst-served places to list (default 20). */
  worstCount?: number;
  onProgress?: (phase: 'stations' | 'demand' | 'reach' | 'summary', done: number, total: number) => void;
}

/** One demand point after the analysis. Infinity/null where no station reaches it. */
export interface DemandResult {
  id: string;
  lat: number;
  lon: number;
  weight: number;
  population: number | null;
  areaClass: string;
  ruleClass: string;
  limit: AreaLimit;
  /** Station with the shortest road time (its catchment), null when none reaches it. */
  station: string | null;
  timeS: number;
  /** Road metres (fastest path from the catchment station; shortest path when a road rule applies). */
  roadM: number;
  /** Straight-line metres to the nearest station. */
  straightM: number;
  covered: boolean;
  /** A station that meets the rule for it (the fastest such), or null. */
  coveredBy: string | null;
  /** Worst ratio of the nearest values to the limits (≤ 1 covered by the nearest station). */
  shortfall: number;
  /** Farther than the snap limit from any drivable road. */
  offRoad: boolean;
}

export interface StationResult extends Site {
  areaClass: string;
  catchment: { points: number; weight: number; population: number | null; coveredWeight: number; meanTimeS: number | null; maxTimeS: number | null };
}

export interface ClassResult {
  areaClass: string;
  ruleClass: string;
  limit: AreaLimit;
  points: number;
  coveredPoints: number;
  weight: number;
  coveredWeight: number;
  /** Covered share of the weight, 0–1 (null without weight). */
  share: number | null;
}

export interface AmbulanceCheck {
  population: number;
  jurisdiction: 'city' | 'county';
  required: number;
  available: number | null;
  meets: boolean | null;
}

export interface CoverageAnalysis {
  rule: CoverageRule;
  areaSource: string;
  demand: { kind: DemandSet['kind']; unit: string; source: string; points: number; totalWeight: number };
  stations: StationResult[];
  unplacedStations: Array<{ id: string; name: string; reason: string }>;
  byClass: ClassResult[];
  /** Covered weight / total weight, 0–1. */
  compliance: number;
  coveredWeight: number;
  totalWeight: number;
  points: DemandResult[];
  worstServed: DemandResult[];
  ambulances: AmbulanceCheck | null;
  timing: { reachMs: number; totalMs: number; settled: number };
}

export function analyseCoverage(g: RoadGraph, rule: CoverageRule, stations: readonly StationInput[], demand: DemandSet, areas: AreaClassifier, opts: AnalysisOptions): CoverageAnalysis {
  const steps = analysisSteps(g, rule, stations, demand, areas, opts);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/**
 * The same analysis, giving the event loop back after each station so a server stays responsive
 * and progress can be read while it runs.
 */
export async function analyseCoverageAsync(g: RoadGraph, rule: CoverageRule, stations: readonly StationInput[], demand: DemandSet, areas: AreaClassifier, opts: AnalysisOptions): Promise<CoverageAnalysis> {
  const steps = analysisSteps(g, rule, stations, demand, areas, opts);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

/** The analysis as steps: one yield per station searched. */
function* analysisSteps(g: RoadGraph, rule: CoverageRule, stations: readonly StationInput[], demand: DemandSet, areas: AreaClassifier, opts: AnalysisOptions): Generator<void, CoverageAnalysis> {
  const t0 = performance.now();
  if (stations.length === 0) throw new CoverageError('BAD_STATIONS', 'no stations to analyse');
  const progress = opts.onProgress ?? ((): void => {});
  const { placed, unplaced } = placeSites(g, stations, opts.snapMaxM);
  if (placed.length === 0) throw new CoverageError('NO_ROAD', `none of the ${stations.length} stations is within ${opts.snapMaxM} m of a drivable road`);
  progress('stations', placed.length, stations.length);

  // Demand: class, limit and road position of each point, once.
  const demandSnap = opts.demandSnapMaxM ?? opts.snapMaxM;
  const dp = placeSites(
    g,
    demand.points.map((p) => ({ ...p, name: p.id })),
    demandSnap,
  );
  const atOf = new Map<string, SnappedPoint>();
  dp.placed.forEach((p) => atOf.set(p.id, p.at));
  const results: DemandResult[] = demand.points.map((p) => {
    const areaClass = p.areaClass ?? areas.classOf(p.lat, p.lon);
    const ruleClass = ruleClassOf(rule, areaClass);
    if (ruleClass === null) limitOf(rule, areaClass); // throws with a clear message
    return {
      id: p.id,
      lat: p.lat,
      lon: p.lon,
      weight: p.weight,
      population: p.population ?? null,
      areaClass,
      ruleClass: ruleClass!,
      limit: rule.limits[ruleClass!]!,
      station: null,
      timeS: Infinity,
      roadM: Infinity,
      straightM: Infinity,
      covered: false,
      coveredBy: null,
      shortfall: Infinity,
      offRoad: !atOf.has(p.id),
    };
  });
  progress('demand', demand.points.length, demand.points.length);

  const b = ruleBounds(rule);
  const horizon = Math.max(opts.catchmentHorizonS ?? 7200, b.maxTimeS ?? 0);
  const tr = performance.now();
  let settled = 0;
  const snapped = results.map((r) => atOf.get(r.id) ?? null);
  const coveredTime = new Float64Array(results.length).fill(Infinity);
  for (let si = 0; si < placed.length; si++) {
    const s = placed[si]!;
    const reach = siteReach(g, s, { maxTimeS: horizon, maxRoadM: b.maxRoadM });
    settled += reach.settled;
    for (let i = 0; i < results.length; i++) {
      const r = results[i]!;
      const at = snapped[i];
      // Off-road points can still meet a straight-line rule; road values stay Infinity.
      const trip = at ? tripTo(g, reach, at) : { timeS: Infinity, fastRoadM: Infinity, shortRoadM: Infinity, straightM: haversineM(s.lat, s.lon, r.lat, r.lon) };
      if (trip.timeS < r.timeS) {
        r.timeS = trip.timeS;
        r.station = s.id;
      }
      r.roadM = Math.min(r.roadM, b.maxRoadM !== null ? trip.shortRoadM : trip.fastRoadM);
      r.straightM = Math.min(r.straightM, trip.straightM);
      if (meets(r.limit, trip.timeS, trip.shortRoadM, trip.straightM) && trip.timeS <= coveredTime[i]!) {
        coveredTime[i] = trip.timeS;
        r.covered = true;
        r.coveredBy = s.id;
      }
    }
    progress('reach', si + 1, placed.length);
    yield;
  }
  const reachMs = performance.now() - tr;

  for (const r of results) r.shortfall = shortfall(r.limit, r.timeS, r.roadM, r.straightM);
  const summary = summarise(placed, stations, results, areas, opts);
  progress('summary', 1, 1);
  return {
    rule,
    areaSource: areas.description,
    demand: { kind: demand.kind, unit: demand.unit, source: demand.source, points: demand.points.length, totalWeight: summary.totalWeight },
    unplacedStations: unplaced.map((u) => ({ id: u.site.id, name: u.site.name, reason: u.reason })),
    points: results,
    ...summary,
    timing: { reachMs, totalMs: performance.now() - t0, settled },
  };
}

/** How far the nearest values are from the limit: the largest value/limit ratio over the limits given. */
export function shortfall(limit: AreaLimit, timeS: number, roadM: number, straightM: number): number {
  let s = 0;
  if (limit.maxTimeS !== undefined) s = Math.max(s, timeS / limit.maxTimeS);
  if (limit.maxRoadM !== undefined) s = Math.max(s, roadM / limit.maxRoadM);
  if (limit.maxStraightM !== undefined) s = Math.max(s, straightM / limit.maxStraightM);
  return s;
}

function summarise(
  placed: ReadonlyArray<Site>,
  stations: readonly StationInput[],
  results: DemandResult[],
  areas: AreaClassifier,
  opts: AnalysisOptions,
): Pick<CoverageAnalysis, 'stations' | 'byClass' | 'compliance' | 'coveredWeight' | 'totalWeight' | 'worstServed' | 'ambulances'> {
  const hasPop = results.length > 0 && results.every((r) => r.population !== null);
  const byStation = new Map<string, StationResult>();
  const sum = new Map<string, number>();
  for (const s of placed) {
    byStation.set(s.id, {
      id: s.id,
      name: s.name,
      lat: s.lat,
      lon: s.lon,
      areaClass: areas.classOf(s.lat, s.lon),
      catchment: { points: 0, weight: 0, population: hasPop ? 0 : null, coveredWeight: 0, meanTimeS: null, maxTimeS: null },
    });
    sum.set(s.id, 0);
  }
  const byClass = new Map<string, ClassResult>();
  let total = 0;
  let covered = 0;
  for (const r of results) {
    total += r.weight;
    if (r.covered) covered += r.weight;
    let c = byClass.get(r.areaClass);
    if (!c) {
      c = { areaClass: r.areaClass, ruleClass: r.ruleClass, limit: r.limit, points: 0, coveredPoints: 0, weight: 0, coveredWeight: 0, share: null };
      byClass.set(r.areaClass, c);
    }
    c.points++;
    c.weight += r.weight;
    if (r.covered) {
      c.coveredPoints++;
      c.coveredWeight += r.weight;
    }
    if (r.station === null) continue;
    const st = byStation.get(r.station)!.catchment;
    st.points++;
    st.weight += r.weight;
    if (st.population !== null) st.population += r.population ?? 0;
    if (r.covered) st.coveredWeight += r.weight;
    sum.set(r.station, sum.get(r.station)! + r.weight * r.timeS);
    st.maxTimeS = Math.max(st.maxTimeS ?? 0, r.timeS);
  }
  for (const [id, s] of byStation) s.catchment.meanTimeS = s.catchment.weight > 0 ? sum.get(id)! / s.catchment.weight : null;
  for (const c of byClass.values()) c.share = c.weight > 0 ? c.coveredWeight / c.weight : null;
  const worstServed = results
    .filter((r) => !r.covered && r.weight > 0)
    .sort((a, b) => b.shortfall - a.shortfall || b.weight - a.weight)
    .slice(0, opts.worstCount ?? 20);
  let ambulances: AmbulanceCheck | null = null;
  if (hasPop) {
    const population = results.reduce((s, r) => s + (r.population ?? 0), 0);
    const jurisdiction = opts.jurisdiction ?? 'city';
    const required = Math.ceil((population * (jurisdiction === 'county' ? COUNTY_POPULATION_FACTOR : 1)) / PEOPLE_PER_AMBULANCE);
    const fromStations = stations.some((s) => s.ambulances !== undefined) ? stations.reduce((s, x) => s + (x.ambulances ?? 0), 0) : null;
    const available = opts.ambulances ?? fromStations;
    ambulances = { population, jurisdiction, required, available, meets: available === null ? null : available >= required };
  }
  return {
    stations: [...byStation.values()],
    byClass: [...byClass.values()].sort((a, b) => a.areaClass.localeCompare(b.areaClass)),
    compliance: total > 0 ? covered / total : 0,
    coveredWeight: covered,
    totalWeight: total,
    worstServed,
    ambulances,
  };
}
