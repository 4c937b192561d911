import { NotFoundError } from '@rescue/common';
import { buildSitingProblem, maxCover, networkCandidates, setCover, type SitingSolution } from '@rescue/coverage';
import type { CoverageInputs } from './coverage-inputs';
import { CoverageJobs, type Job } from './coverage-jobs';
import type { SitingCommand } from './coverage-request';

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

/** Siting as jobs: set covering and maximal covering of the demand the stations leave uncovered. */
export class SitingJobsService {
  readonly jobs: CoverageJobs<SitingResult>;

  /** onBug: told of a job that failed without a domain error code (a bug). */
  constructor(
    private readonly inputs: CoverageInputs,
    onBug: (message: string) => void = () => {},
  ) {
    const cfg = inputs.config;
    this.jobs = new CoverageJobs(cfg.coverageMaxQueuedJobs, cfg.coverageKeepJobs, onBug);
  }

  async start(cmd: SitingCommand): Promise<Job<SitingResult>> {
    const stations = await this.inputs.stations();
    const areas = this.inputs.areas(null);
    await this.inputs.refreshPopulation();
    const demand = this.inputs.demand(null);
    const g = this.inputs.graph;
    const snapMaxM = this.inputs.config.routingSnapMaxM;
    const candidates = typeof cmd.candidates === 'number' ? networkCandidates(g, cmd.candidates) : cmd.candidates;
    return this.jobs.submit('siting', async (job) => {
      job.progress = { phase: 'coverage matrix', done: 0, total: 3 };
      await new Promise<void>((r) => setImmediate(r));
      const p = buildSitingProblem(g, cmd.rule, stations, candidates, demand, areas, { snapMaxM });
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

  job(id: string): Job<SitingResult> {
    const j = this.jobs.get(id);
    if (!j) throw new NotFoundError(`siting ${id}: unknown or expired`);
    return j;
  }
}
