import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { DomainError } from '@rescue/common';
import type { AppConfig } from '@rescue/config';
import { EdgeSpeedsRepository } from '@rescue/persistence';
import { buildModelVersion, graphKey, hourOfWeek, type IncrementalReport, matchNewFixes, type RoadGraph, SpeedModel, type TripKind, withTravelTimes } from '@rescue/routing';
import { DataSource } from 'typeorm';
import { APP_CONFIG } from '../config.module';
import { RoutingService } from '../routing/routing.service';

/** A learning run is already in progress (409). */
export class LearningBusyError extends DomainError<'BUSY'> {
  constructor(message: string) {
    super('BUSY', message);
  }
}

export interface LearningRun {
  startedAt: string;
  match: IncrementalReport;
  /** The model version built by this run, or null when no new traversal came in. */
  version: number | null;
  coverage: Record<TripKind, ReturnType<SpeedModel['coverage']>> | null;
  elapsedMs: number;
}

/**
 * Learned travel times: on a timer (LEARNING_INTERVAL_S) and on demand, matches the fixes stored since
 * each unit's cursor and, when new traversals came in, builds a new model version from the last
 * LEARNING_WINDOW_DAYS. Holds the current model for routing with profile=learned. One run at a time.
 */
@Injectable()
export class LearningService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly log = new Logger(LearningService.name);
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<LearningRun> | null = null;
  private current: { version: number; model: SpeedModel } | null = null;
  private lastRun: LearningRun | null = null;
  private readonly repo: EdgeSpeedsRepository;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(DataSource) ds: DataSource,
    @Inject(RoutingService) private readonly routing: RoutingService,
  ) {
    this.repo = new EdgeSpeedsRepository(ds);
  }

  async onApplicationBootstrap(): Promise<void> {
    const g = this.routing.graph;
    this.routing.useLearnedTimes((atMs, kind) => this.learnedGraph(atMs, kind));
    const latest = await this.repo.loadModel(graphKey(g));
    if (latest) {
      this.current = { version: latest.model.version, model: new SpeedModel(g, latest.evidence, { priorTraversals: Number(latest.model.params['priorTraversals'] ?? 3) }) };
      this.log.log(`learned speeds: model v${latest.model.version} loaded (${latest.model.traversals} traversals)`);
    }
    if (this.config.learningIntervalS > 0) {
      this.timer = setInterval(() => {
        if (this.running) return;
        this.run().catch((e: unknown) => this.log.error(`learning run failed: ${String(e)}`));
      }, this.config.learningIntervalS * 1000);
      this.timer.unref();
    }
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
  }

  private views = new Map<string, RoadGraph>();

  /** The graph with the current model's times for the slot of atMs (a few recent slots are kept). */
  learnedGraph(atMs: number, kind: TripKind): { graph: RoadGraph; times: { profile: 'learned'; version: number; hourOfWeek: number; kind: TripKind } } | null {
    const cur = this.current;
    if (!cur) return null;
    const how = hourOfWeek(atMs, this.config.learningUtcOffsetMin);
    const key = `${cur.version}:${kind}:${how}`;
    let graph = this.views.get(key);
    if (!graph) {
      graph = withTravelTimes(this.routing.graph, cur.model.weights(kind, how));
      if (this.views.size >= 8) this.views.delete(this.views.keys().next().value!);
      this.views.set(key, graph);
    }
    return { graph, times: { profile: 'learned', version: cur.version, hourOfWeek: how, kind } };
  }

  /** The current model (null until one was built or loaded). */
  get model(): { version: number; model: SpeedModel } | null {
    return this.current;
  }

  /** Run now; a second call while one runs is refused (LearningBusyError). */
  async run(): Promise<LearningRun> {
    if (this.running) throw new LearningBusyError('a learning run is already in progress');
    this.running = this.doRun();
    try {
      return await this.running;
    } finally {
      this.running = null;
    }
  }

  private async doRun(): Promise<LearningRun> {
    const t0 = Date.now();
    const g = this.routing.graph;
    const match = await matchNewFixes(g, this.repo, {
      now: t0,
      onUnit: (u) => this.log.log(`learning: ${u.unitId}: ${u.fixes} fixes, ${u.trips} trip(s) → ${u.traversals} edge traversals`),
    });
    let version: number | null = null;
    let coverage: LearningRun['coverage'] = null;
    if (match.traversals > 0 || this.current === null) {
      const built = await buildModelVersion(g, this.repo, { from: t0 - this.config.learningWindowDays * 86400000, to: t0 + 3600000, utcOffsetMin: this.config.learningUtcOffsetMin });
      if (built.traversals > 0) {
        this.current = { version: built.version, model: built.model };
        version = built.version;
        coverage = built.coverage;
      }
    }
    const run: LearningRun = { startedAt: new Date(t0).toISOString(), match, version, coverage, elapsedMs: Date.now() - t0 };
    this.lastRun = run;
    this.log.log(`learning run: ${match.units} unit(s), ${match.fixes} fixes, ${match.traversals} traversals, model ${version === null ? 'unchanged' : `v${version}`}, ${run.elapsedMs} ms`);
    return run;
  }

  async models(): Promise<unknown> {
    const g = this.routing.graph;
    return { graphKey: graphKey(g), current: this.current?.version ?? null, lastRun: this.lastRun, versions: await this.repo.listModels(graphKey(g)) };
  }
}
