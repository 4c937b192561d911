import { Inject, Module, OnApplicationBootstrap } from '@nestjs/common';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { OrderRepository, TaskRepository, WebhookOutbox } from '@rescue/persistence';
import { FleetModule } from '../fleet/fleet.module';
import { ROOT_LOGGER } from '../logging/root-logger';
import { RoutingModule } from '../routing/routing.module';
import { DispatchController } from './dispatch.controller';
import { RecommendationService } from './recommendation.service';
import { StatusReportApplier } from './status-report-applier';
import { TaskLifecycleService } from './task-lifecycle.service';

/** Recommendations, atomic task assignment, the unit lifecycle and quality indicators. */
@Module({
  imports: [FleetModule, RoutingModule],
  controllers: [DispatchController],
  providers: [
    { provide: TaskRepository, inject: [DataSource, WebhookOutbox], useFactory: (ds: DataSource, outbox: WebhookOutbox) => new TaskRepository(ds, outbox) },
    { provide: OrderRepository, inject: [DataSource], useFactory: (ds: DataSource) => new OrderRepository(ds) },
    TaskLifecycleService,
    RecommendationService,
    {
      provide: StatusReportApplier,
      inject: [TaskRepository, TaskLifecycleService, ROOT_LOGGER],
      useFactory: (repo: TaskRepository, lifecycle: TaskLifecycleService, root: Logger) =>
        new StatusReportApplier(repo, lifecycle, root.child({ module: 'status-reports' })),
    },
  ],
  exports: [TaskLifecycleService, RecommendationService, StatusReportApplier, TaskRepository, OrderRepository],
})
export class DispatchModule implements OnApplicationBootstrap {
  constructor(private readonly applier: StatusReportApplier, @Inject(ROOT_LOGGER) private readonly log: Logger) {}

  /** Reports stored before a restart are applied now. */
  async onApplicationBootstrap(): Promise<void> {
    await this.applier.kick().catch((err: Error) => this.log.error({ err: err.message }, 'applying stored status reports failed'));
  }
}
