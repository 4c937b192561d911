import { Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import type { AppConfig } from '@rescue/config';
import { AuditRepository, closeDatabase, FleetRepository, IngestRepository, openDatabase, pgliteDirFor, StorageInfo, WebhookOutbox } from '@rescue/persistence';
import { APP_CONFIG } from '../config.module';
import { ROOT_LOGGER } from '../logging/root-logger';

export const STORAGE_INFO = Symbol('STORAGE_INFO');
const OPENED = Symbol('OPENED_DATABASE');

type Opened = { dataSource: DataSource; info: StorageInfo };

/** Opens the configured database (real server or embedded PGlite), migrates it, and says which it is. */
@Global()
@Module({
  providers: [
    {
      provide: OPENED,
      inject: [APP_CONFIG, ROOT_LOGGER],
      useFactory: async (cfg: AppConfig, root: Logger): Promise<Opened> => {
        const log = root.child({ module: 'database' });
        const started = Date.now();
        const opened = await openDatabase({ databaseUrl: cfg.databaseUrl, pgliteDir: pgliteDirFor(cfg.dataDir) });
        const where = cfg.databaseUrl ? new URL(cfg.databaseUrl).host : pgliteDirFor(cfg.dataDir);
        const ms = Date.now() - started;
        if (opened.info.timescale) {
          log.info({ engine: opened.info.engine, where, timescaledb: opened.info.timescale, ms },
            'database ready with TimescaleDB: hypertable, compression, retention, continuous aggregate');
        } else {
          log.warn({ engine: opened.info.engine, where, ms },
            'database ready WITHOUT timescaledb (not in pg_available_extensions): plain tables, no compression or retention, the per-minute rollup is a plain view');
        }
        return opened;
      },
    },
    { provide: DataSource, inject: [OPENED], useFactory: (o: Opened) => o.dataSource },
    { provide: STORAGE_INFO, inject: [OPENED], useFactory: (o: Opened) => o.info },
    { provide: IngestRepository, inject: [DataSource], useFactory: (ds: DataSource) => new IngestRepository(ds) },
    { provide: FleetRepository, inject: [DataSource], useFactory: (ds: DataSource) => new FleetRepository(ds) },
    { provide: AuditRepository, inject: [DataSource], useFactory: (ds: DataSource) => new AuditRepository(ds) },
    // one outbox per process: appends anywhere wake the one delivery worker
    { provide: WebhookOutbox, inject: [DataSource], useFactory: (ds: DataSource) => new WebhookOutbox(ds) },
  ],
  exports: [DataSource, STORAGE_INFO, IngestRepository, FleetRepository, AuditRepository, WebhookOutbox],
})
export class DatabaseModule implements OnApplicationShutdown {
  constructor(@Inject(DataSource) private readonly ds: DataSource) {}

  async onApplicationShutdown(): Promise<void> {
    await closeDatabase(this.ds);
  }
}
