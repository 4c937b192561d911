import { Logger, Module } from '@nestjs/common';
import type { AppConfig } from '@rescue/config';
import { LiveFleet } from '@rescue/fleet';
import { FleetRepository, PopulationRepository, TaskRepository } from '@rescue/persistence';
import { DataSource } from 'typeorm';
import { APP_CONFIG } from '../config.module';
import { ErrorsModule } from '../errors/errors.module';
import { RoutingModule } from '../routing/routing.module';
import { RoutingService } from '../routing/routing.service';
import { AnalysisJobsService } from './analysis-jobs.service';
import { CoverageInputs } from './coverage-inputs';
import { CoverageController } from './coverage.controller';
import { IsochroneService } from './isochrone.service';
import { LiveCoverageService } from './live-coverage.service';
import { FleetPositionsService } from '../fleet/fleet-positions.service';
import { SitingJobsService } from './siting-jobs.service';

const optional = <T>(token: T) => ({ token, optional: true }) as const;

/**
 * Station coverage over HTTP, one service per use case: /coverage/isochrones, /coverage/analyses
 * (jobs), /coverage/sitings (jobs), /coverage/live. The road graph comes from RoutingModule; the
 * stations and tasks tables and the live fleet are injected when the app has them (a database, the
 * fleet module) and are null otherwise (the module's HTTP test runs without a database).
 */
@Module({
  imports: [RoutingModule, ErrorsModule],
  controllers: [CoverageController],
  providers: [
    {
      provide: CoverageInputs,
      inject: [APP_CONFIG, RoutingService, optional(FleetRepository), optional(DataSource)],
      useFactory: (config: AppConfig, routing: RoutingService, registry?: FleetRepository, db?: DataSource) => {
        const log = new Logger('Coverage');
        return new CoverageInputs(config, routing, registry ?? null, db ? new TaskRepository(db) : null, (m) => log.log(m), db ? new PopulationRepository(db) : null);
      },
    },
    { provide: IsochroneService, inject: [CoverageInputs], useFactory: (inputs: CoverageInputs) => new IsochroneService(inputs) },
    {
      provide: AnalysisJobsService,
      inject: [CoverageInputs],
      useFactory: (inputs: CoverageInputs) => {
        const log = new Logger(AnalysisJobsService.name);
        return new AnalysisJobsService(inputs, (m) => log.error(m));
      },
    },
    {
      provide: SitingJobsService,
      inject: [CoverageInputs],
      useFactory: (inputs: CoverageInputs) => {
        const log = new Logger(SitingJobsService.name);
        return new SitingJobsService(inputs, (m) => log.error(m));
      },
    },
    {
      provide: LiveCoverageService,
      inject: [CoverageInputs, optional(LiveFleet), optional(FleetPositionsService)],
      useFactory: (inputs: CoverageInputs, fleet?: LiveFleet, positions?: FleetPositionsService) =>
        new LiveCoverageService(inputs, fleet ?? null, positions ? () => positions.get() : null),
    },
  ],
  exports: [IsochroneService, AnalysisJobsService, SitingJobsService, LiveCoverageService],
})
export class CoverageModule {}
