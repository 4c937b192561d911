import { BadInputError, NotFoundError } from '@rescue/common';
import { analyseCoverageAsync, type CoverageAnalysis, demandCsv, demandGeoJson, withPopulationTotal } from '@rescue/coverage';
import type { CoverageInputs } from './coverage-inputs';
import { CoverageJobs, type Job } from './coverage-jobs';
import type { AnalysisCommand } from './coverage-request';

/** Demand points returned inside GET /coverage/analyses/{id}; beyond this, use the file links. */
export const INLINE_POINTS = 10_000;

export type ResultFile = 'demand.geojson' | 'uncovered.geojson' | 'demand.csv';

/** Coverage analyses of the stations as jobs: started, polled, their result files. */
export class AnalysisJobsService {
  readonly jobs: CoverageJobs<CoverageAnalysis>;

  /** onBug: told of a job that failed without a domain error code (a bug). */
  constructor(
    private readonly inputs: CoverageInputs,
    onBug: (message: string) => void = () => {},
  ) {
    const cfg = inputs.config;
    this.jobs = new CoverageJobs(cfg.coverageMaxQueuedJobs, cfg.coverageKeepJobs, onBug);
  }

  async start(cmd: AnalysisCommand): Promise<Job<CoverageAnalysis>> {
    // Resolve everything that can fail on input before queueing, so a bad request is a 400 now.
    let stations = cmd.stations ?? (await this.inputs.stations());
    if (cmd.stationIds) {
      const known = new Map(stations.map((s) => [s.id, s]));
      const missing = cmd.stationIds.filter((id) => !known.has(id));
      if (missing.length) throw new BadInputError(`stations: unknown ids ${missing.join(', ')}`);
      stations = cmd.stationIds.map((id) => known.get(id)!);
    }
    const areas = this.inputs.areas(cmd.areas);
    if (!cmd.incidents && !cmd.demand) await this.inputs.refreshPopulation();
    let demand = cmd.incidents ? await this.inputs.incidents(cmd.incidents) : this.inputs.demand(cmd.demand);
    if (cmd.populationTotal !== null) demand = withPopulationTotal(demand, cmd.populationTotal);
    const g = this.inputs.graph;
    const snapMaxM = this.inputs.config.routingSnapMaxM;
    return this.jobs.submit('analysis', (job) =>
      analyseCoverageAsync(g, cmd.rule, stations, demand, areas, {
        snapMaxM,
        jurisdiction: cmd.jurisdiction,
        ...(cmd.ambulances !== null ? { ambulances: cmd.ambulances } : {}),
        onProgress: (phase, done, total) => (job.progress = { phase, done, total }),
      }),
    );
  }

  job(id: string): Job<CoverageAnalysis> {
    const j = this.jobs.get(id);
    if (!j) throw new NotFoundError(`analysis ${id}: unknown or expired`);
    return j;
  }

  /**
   * The job as JSON: status and progress; when done, the summary, and the points (compact) when
   * there are at most INLINE_POINTS of them — larger tables only through the GeoJSON/CSV links.
   */
  view(id: string) {
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

  /** A result file of a finished analysis; null while it runs. */
  resultFile(id: string, file: ResultFile): { type: string; body: string } | null {
    const r = this.job(id).result;
    if (!r) return null;
    if (file === 'demand.csv') return { type: 'text/csv; charset=utf-8', body: demandCsv(r) };
    return { type: 'application/geo+json', body: JSON.stringify(demandGeoJson(r, file === 'uncovered.geojson' ? 'uncovered' : undefined)) };
  }
}
