import { Inject, Injectable, Logger, NotFoundException } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { AppConfig } from '@rescue/config';
import {
  analyseCoverageAsync,
  buildSitingProblem,
  demandFromIncidents,
  maxCover,
  networkCandidates,
  setCover,
  type SitingSolution,
  type AreaClassifier,
  classifierFromPolygons,
  type CoverageAnalysis,
  type CoverageRule,
  demandFromExtract,
  demandGeoJson,
  demandCsv,
  type DemandSet,
  densityFallbackClassifier,
  type ExtractFeatures,
  type LiveCoverage,
  liveCoverage,
  OSM_ATTRIBUTION,
  placeSiteOrThrow,
  readExtractFeatures,
  RULE_PRESETS,
  type StationInput,
  stationIsochrones,
  withPopulationTotal,
} from '@rescue/coverage';
import { dispatchExclusion } from '@rescue/dispatch';
import { LiveFleet } from '@rescue/fleet';
import { FleetRepository, TaskRepository } from '@rescue/persistence';
import type { RoadGraph } from '@rescue/routing';
import { APP_CONFIG } from '../config.module';
import { RoutingService } from '../routing/routing.service';
import { DEMO_STATIONS } from '../simulator/demo-fleet';
import { type AnalysisCommand, CoverageRequestError, type SitingCommand, type StationParam } from './coverage-request';
import { CoverageJobs, type Job } from './coverage-jobs';


/**
 * Coverage for the loaded region: isochrones, analyses as jobs, live coverage of the fleet.
 * The graph comes from RoutingService; fleet and stations are looked up in the app when present
 * (the module also runs without a database, e.g. in its HTTP test, with the demo stations).
 */
@Injectable()
export class CoverageService {
  private readonly log = new Logger(CoverageService.name);
  private features: ExtractFeatures | null = null;
  private fallbackAreas: AreaClassifier | null = null;
  private fallbackDemand: DemandSet | null = null;
  readonly jobs: CoverageJobs<CoverageAnalysis>;
  readonly sitingJobs: CoverageJobs<SitingResult>;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(RoutingService) private readonly routing: RoutingService,
    @Inject(ModuleRef) private readonly modules: ModuleRef,
  ) {
    const bug = (m: string): void => this.log.error(m);
    this.jobs = new CoverageJobs(config.coverageMaxQueuedJobs, config.coverageKeepJobs, bug);
    this.sitingJobs = new CoverageJobs(config.coverageMaxQueuedJobs, config.coverageKeepJobs, bug);
  }

  private get graph(): RoadGraph {
    return this.routing.graph;
  }

  get defaultRule(): string {
    return this.config.coverageDefaultRule;
  }

  rules(): CoverageRule[] {
    return Object.values(RULE_PRESETS);
  }

  /** Extract features (POIs, residential streets): read once, on first need. */
  private extract(): ExtractFeatures {
    if (!this.features) {
      const t0 = performance.now();
      this.features = readExtractFeatures(this.config.osmExtract);
      this.log.log(`extract features of ${this.config.osmExtract} read in ${(performance.now() - t0).toFixed(0)} ms`);
    }
    return this.features;
  }

  private areas(custom: unknown): AreaClassifier {
    if (custom !== null && custom !== undefined) {
      try {
        return classifierFromPolygons(custom, 'rural', 'body.areas');
      } catch (e) {
        throw new CoverageRequestError((e as Error).message);
      }
    }
    this.fallbackAreas ??= densityFallbackClassifier(this.extract(), this.graph.meta.bbox);
    return this.fallbackAreas;
  }

  private demand(custom: DemandSet | null): DemandSet {
    if (custom) return custom;
    this.fallbackDemand ??= demandFromExtract(this.extract(), this.graph.meta.bbox);
    return this.fallbackDemand;
  }

  private optional<T>(token: abstract new (...args: never[]) => T): T | null {
    try {
      return this.modules.get(token as never, { strict: false }) as T;
    } catch {
      return null;
    }
  }

  /** Registered stations (stations table); the demo stations when the app runs without a database. */
  async stations(): Promise<StationInput[]> {
    const repo = this.optional(FleetRepository);
    const rows = repo ? await repo.stations() : DEMO_STATIONS;
    return rows.map((s) => ({ id: s.id, name: s.name, lat: s.lat, lon: s.lon }));
  }

  async isochrones(station: StationParam, minutes: number[], network: boolean) {
    const site = await this.siteOf(station);
    const placed = placeSiteOrThrow(this.graph, site, this.config.routingSnapMaxM);
    const iso = stationIsochrones(this.graph, placed, minutes, { network });
    return {
      type: 'FeatureCollection' as const,
      features: iso.features,
      properties: { station: site.id, minutes, searchMs: round(iso.searchMs), polygonMs: round(iso.polygonMs), attribution: OSM_ATTRIBUTION },
    };
  }

  /** A station id, or "lat,lon" for an arbitrary point (a candidate site). */
  private async siteOf(spec: StationParam): Promise<StationInput> {
    if (spec.kind === 'point') return { id: spec.text, name: spec.text, lat: spec.lat, lon: spec.lon };
    const s = (await this.stations()).find((x) => x.id === spec.id);
    if (!s) throw new NotFoundException({ statusCode: 404, code: 'NOT_FOUND', message: `station ${spec.id}: not registered (give a station id or lat,lon)` });
    return s;
  }

  async startAnalysis(cmd: AnalysisCommand): Promise<Job<CoverageAnalysis>> {
    // Resolve everything that can fail on input before queueing, so a bad request is a 400 now.
    let stations = cmd.stations ?? (await this.stations());
    if (cmd.stationIds) {
      const known = new Map(stations.map((s) => [s.id, s]));
      const missing = cmd.stationIds.filter((id) => !known.has(id));
      if (missing.length) throw new CoverageRequestError(`stations: unknown ids ${missing.join(', ')}`);
      stations = cmd.stationIds.map((id) => known.get(id)!);
    }
    const areas = this.areas(cmd.areas);
    let demand = cmd.incidents ? await this.incidents(cmd.incidents) : this.demand(cmd.demand);
    if (cmd.populationTotal !== null) demand = withPopulationTotal(demand, cmd.populationTotal);
    const g = this.graph;
    return this.jobs.submit('analysis', (job) =>
      analyseCoverageAsync(g, cmd.rule, stations, demand, areas, {
        snapMaxM: this.config.routingSnapMaxM,
        jurisdiction: cmd.jurisdiction,
        ...(cmd.ambulances !== null ? { ambulances: cmd.ambulances } : {}),
        onProgress: (phase, done, total) => (job.progress = { phase, done, total }),
      }),
    );
  }

  /** Past incident locations from the tasks table (WGS-84 incident positions). */
  private async incidents(period: { from: number; to: number }): Promise<DemandSet> {
    const repo = this.optional(TaskRepository);
    if (!repo) throw new CoverageRequestError('demand.incidents: this server has no tasks table');
    const rows = await repo.tasksBetween(period.from, period.to, null);
    const label = `incidents of the tasks table, ${new Date(period.from).toISOString()} to ${new Date(period.to).toISOString()}`;
    if (rows.length === 0) throw new CoverageRequestError(`demand.incidents: no tasks in ${label}`);
    try {
      return demandFromIncidents(rows.map((t) => ({ id: t.id, lat: t.incident.lat, lon: t.incident.lon })), label);
    } catch (e) {
      throw new CoverageRequestError((e as Error).message);
    }
  }

  /** Siting as a job: set covering and maximal covering of the demand the stations leave uncovered. */
  async startSiting(cmd: SitingCommand): Promise<Job<SitingResult>> {
    const stations = await this.stations();
    const areas = this.areas(null);
    const demand = this.demand(null);
    const g = this.graph;
    const candidates = typeof cmd.candidates === 'number' ? networkCandidates(g, cmd.candidates) : cmd.candidates;
    return this.sitingJobs.submit('siting', async (job) => {
      job.progress = { phase: 'coverage matrix', done: 0, total: 3 };
      await new Promise<void>((r) => setImmediate(r));
      const p = buildSitingProblem(g, cmd.rule, stations, candidates, demand, areas, { snapMaxM: this.config.routingSnapMaxM });
      job.progress = { phase: 'maximal covering', done: 1, total: 3 };
      const site = (j: number) => ({ id: p.candidates[j]!.id, name: p.candidates[j]!.name, lat: p.candidates[j]!.lat, lon: p.candidates[j]!.lon });
      const view = (s: SitingSolution) => ({ status: s.status, objective: s.objective, bound: s.bound, gap: s.gap, solveMs: round(s.solveMs), sites: s.chosen.map(site), greedy: { objective: s.greedy.objective, gap: s.greedy.gap, sites: s.greedy.chosen.map(site) } });
      const rows = p.matrix.weights.length;
      const mc = rows > 0 ? view(await maxCover(p.matrix, cmd.k, { timeLimitS: cmd.timeLimitS })) : null;
      job.progress = { phase: 'set covering', done: 2, total: 3 };
      const sc = rows > 0 ? view(await setCover(p.matrix, { timeLimitS: cmd.timeLimitS })) : null;
      job.progress = { phase: 'done', done: 3, total: 3 };
      return {
        rule: cmd.rule.id,
        k: cmd.k,
        candidates: p.candidates.length,
        unplacedCandidates: p.unplacedCandidates,
        demand: { source: demand.source, unit: demand.unit, totalWeight: p.totalWeight, alreadyCoveredWeight: p.alreadyCoveredWeight, uncoverable: { points: p.uncoverable.points, weight: p.uncoverable.weight } },
        maximalCovering: mc,
        setCovering: sc,
      };
    });
  }

  sitingJob(id: string): Job<SitingResult> {
    const j = this.sitingJobs.get(id);
    if (!j) throw new NotFoundException({ statusCode: 404, code: 'NOT_FOUND', message: `siting ${id}: unknown or expired` });
    return j;
  }

  job(id: string): Job<CoverageAnalysis> {
    const j = this.jobs.get(id);
    if (!j) throw new NotFoundException({ statusCode: 404, code: 'NOT_FOUND', message: `analysis ${id}: unknown or expired` });
    return j;
  }

  /**
   * The job as JSON: status and progress; when done, the summary, and the points (compact) when
   * there are at most INLINE_POINTS of them — larger tables only through the GeoJSON/CSV links.
   */
  jobView(id: string) {
    const j = this.job(id);
    const { result, ...rest } = j;
    if (!result) return rest;
    const { points, ...summary } = result;
    const inline =
      points.length <= INLINE_POINTS
        ? points.map((p) => ({ id: p.id, lat: p.lat, lon: p.lon, weight: p.weight, areaClass: p.areaClass, covered: p.covered, station: p.station, timeS: Number.isFinite(p.timeS) ? Math.round(p.timeS) : null }))
        : undefined;
    return { ...rest, result: { ...summary, ...(inline ? { points: inline } : {}) }, links: { geojson: `/coverage/analyses/${id}/demand.geojson`, uncovered: `/coverage/analyses/${id}/uncovered.geojson`, csv: `/coverage/analyses/${id}/demand.csv` } };
  }

  resultFile(id: string, file: 'demand.geojson' | 'uncovered.geojson' | 'demand.csv'): { type: string; body: string } | null {
    const r = this.job(id).result;
    if (!r) return null;
    if (file === 'demand.csv') return { type: 'text/csv; charset=utf-8', body: demandCsv(r) };
    return { type: 'application/geo+json', body: JSON.stringify(demandGeoJson(r, file === 'uncovered.geojson' ? 'uncovered' : undefined)) };
  }

  /** Share of demand the available units can reach within the rule where they are now. */
  live(rule: CoverageRule): LiveCoverage & { rule: string; at: string } {
    const fleet = this.optional(LiveFleet);
    if (!fleet) throw new CoverageRequestError('no live fleet in this server');
    const now = Date.now();
    const units = fleet
      .list(now, this.config.staleAfterS)
      .filter((u) => u.lastFix !== null)
      .map((u) => ({
        id: u.unitId,
        name: u.name ?? u.unitId,
        lat: u.lastFix!.lat,
        lon: u.lastFix!.lon,
        // The rule dispatch uses, with a fresh fix to place the unit; the road is the analysis's own.
        available:
          dispatchExclusion(
            { status: u.status, taskId: u.taskId, online: u.online, capabilities: u.capabilities, fixAgeS: u.fixAgeS },
            { requiredCapabilities: [], staleAfterS: this.config.staleAfterS, staleAllowed: false },
          ) === null,
      }));
    return { rule: rule.id, at: new Date(now).toISOString(), ...liveCoverage(this.graph, rule, units, this.demand(null), this.areas(null), this.config.routingSnapMaxM) };
  }

  /** How much live coverage sending one unit would remove (for a dispatch recommendation). */
  dispatchImpact(rule: CoverageRule, unitId: string) {
    const live = this.live(rule);
    const u = live.units.find((x) => x.id === unitId);
    if (!u) {
      const why = live.excluded.find((x) => x.id === unitId);
      throw new NotFoundException({ statusCode: 404, code: 'NOT_FOUND', message: why ? `unit ${unitId} is not counted: ${why.reason}` : `unit ${unitId}: no live position` });
    }
    return { unit: unitId, rule: live.rule, at: live.at, shareNow: live.share, shareIfSent: live.share - u.lossIfSent, lossIfSent: u.lossIfSent, uncoveredWeightIfSent: u.uniqueWeight };
  }
}

export interface SitingResult {
  rule: string;
  k: number;
  candidates: number;
  unplacedCandidates: Array<{ id: string; reason: string }>;
  demand: { source: string; unit: string; totalWeight: number; alreadyCoveredWeight: number; uncoverable: { points: number; weight: number } };
  maximalCovering: unknown;
  setCovering: unknown;
}

const round = (x: number): number => Math.round(x * 100) / 100;
/** Demand points returned inside GET /coverage/analyses/{id}; beyond this, use the file links. */
const INLINE_POINTS = 10_000;
