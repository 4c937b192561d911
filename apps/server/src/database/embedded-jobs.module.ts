import { Inject, Module, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import type { StorageInfo } from '@rescue/persistence';
import { ROOT_LOGGER } from '../logging/root-logger';
import { STORAGE_INFO } from './database.module';
import { EmbeddedTimescaleJobs } from './embedded-timescale-jobs';

/** Runs TimescaleDB policy jobs on a timer where no scheduler does (embedded PGlite only). */
@Module({})
export class EmbeddedJobsModule implements OnApplicationBootstrap, OnModuleDestroy {
  private jobs: EmbeddedTimescaleJobs | null = null;

  constructor(
    private readonly ds: DataSource,
    @Inject(STORAGE_INFO) private readonly storage: StorageInfo,
    @Inject(ROOT_LOGGER) private readonly root: Logger,
  ) {}

  onApplicationBootstrap(): void {
    if (this.storage.engine !== 'pglite' || !this.storage.timescale) return;
    this.jobs = new EmbeddedTimescaleJobs(this.ds, this.root.child({ module: 'timescale-jobs' }));
    this.jobs.start();
  }

  onModuleDestroy(): void {
    this.jobs?.stop();
  }
}
