import { Inject, Module, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { Logger } from 'pino';
import { Registry } from 'prom-client';
import type { AppConfig } from '@rescue/config';
import { LiveFleet } from '@rescue/fleet';
import { IngestRepository } from '@rescue/persistence';
import { TelemetryPipeline } from '@rescue/telemetry';
import { BROKER, BrokerEndpoint } from '../broker/broker.module';
import { APP_CONFIG } from '../config.module';
import { DispatchModule } from '../dispatch/dispatch.module';
import { StatusReportApplier } from '../dispatch/status-report-applier';
import { FleetModule } from '../fleet/fleet.module';
import { ROOT_LOGGER } from '../logging/root-logger';
import { BatchSpool } from './batch-spool';
import { DeadLetterTrimmer } from './dead-letter-trimmer';
import { IngestMetrics } from './ingest-metrics';
import { IngestWorker } from './ingest-worker';

export function telemetryConfigFrom(cfg: AppConfig) {
  return {
    maxPayloadBytes: cfg.maxPayloadBytes,
    maxFutureS: cfg.fixMaxFutureS,
    maxAgeS: cfg.fixMaxAgeS,
    maxSpeedKmh: cfg.fixMaxSpeedKmh,
    maxAccuracyM: cfg.fixMaxAccuracyM,
  };
}

/** Wires the ingest worker: broker in, pipeline, batched storage, live fleet out. */
@Module({
  imports: [FleetModule, DispatchModule],
  providers: [
    { provide: IngestMetrics, inject: [Registry], useFactory: (r: Registry) => new IngestMetrics(r) },
    {
      provide: IngestWorker,
      inject: [APP_CONFIG, BROKER, IngestRepository, IngestMetrics, LiveFleet, StatusReportApplier, ROOT_LOGGER],
      useFactory: (cfg: AppConfig, broker: BrokerEndpoint, repo: IngestRepository, metrics: IngestMetrics, fleet: LiveFleet, statuses: StatusReportApplier, root: Logger) =>
        new IngestWorker(
          {
            mqttUrl: broker.url,
            clientId: cfg.ingestClientId,
            shareGroup: cfg.ingestShareGroup,
            batchMaxRows: cfg.batchMaxRows,
            batchMaxWaitMs: cfg.batchMaxWaitMs,
            maxPending: cfg.ingestMaxPending,
            mqttUsername: broker.ingest?.username,
            mqttPassword: broker.ingest?.password,
          },
          new TelemetryPipeline(telemetryConfigFrom(cfg)),
          repo,
          metrics,
          root.child({ module: 'ingest' }),
          (committed) => {
            // Positions and presence go live at once; status reports through the checked lifecycle.
            fleet.apply({ fixes: committed.fixes, presences: committed.presences, statuses: [] });
            if (committed.statuses.length > 0) {
              statuses.kick().catch((err: Error) => root.error({ module: 'ingest', err: err.message }, 'status reports not applied yet'));
            }
          },
          cfg.ingestSpoolMaxBytes > 0 ? new BatchSpool(cfg.ingestSpoolDir, cfg.ingestSpoolMaxBytes) : null,
        ),
    },
    {
      provide: DeadLetterTrimmer,
      inject: [APP_CONFIG, IngestRepository, ROOT_LOGGER],
      useFactory: (cfg: AppConfig, repo: IngestRepository, root: Logger) =>
        new DeadLetterTrimmer(repo, cfg.deadLetterMaxRows, root.child({ module: 'dead-letters' })),
    },
  ],
  exports: [IngestWorker, IngestMetrics],
})
export class IngestModule implements OnApplicationBootstrap, OnModuleDestroy {
  constructor(
    private readonly worker: IngestWorker,
    private readonly trimmer: DeadLetterTrimmer,
    @Inject(ROOT_LOGGER) private readonly log: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.worker.start();
    this.trimmer.start();
  }

  /** Before the broker and database close: write and acknowledge what is open. */
  async onModuleDestroy(): Promise<void> {
    this.trimmer.stop();
    await this.worker.stop();
    this.log.info({ module: 'ingest' }, 'ingest stopped after flushing');
  }
}
