import { Inject, Module, OnApplicationBootstrap } from '@nestjs/common';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import type { AppConfig } from '@rescue/config';
import { CallRepository, RegistryRepository, WebhookOutbox } from '@rescue/persistence';
import { APP_CONFIG } from '../config.module';
import { DispatchModule } from '../dispatch/dispatch.module';
import { ROOT_LOGGER } from '../logging/root-logger';
import { RoutingModule } from '../routing/routing.module';
import { DEMO_HOSPITAL_REGISTRY } from '../simulator/demo-fleet';
import { BoardController } from './board.controller';
import { BoardService } from './board.service';
import { CallsController } from './calls.controller';
import { HospitalController } from './hospital.controller';

/** Calls, the task board, the receiving hospital and its pre-arrival notices (issue 14). */
@Module({
  imports: [DispatchModule, RoutingModule],
  controllers: [CallsController, BoardController, HospitalController],
  providers: [
    { provide: CallRepository, inject: [DataSource, WebhookOutbox], useFactory: (ds: DataSource, outbox: WebhookOutbox) => new CallRepository(ds, outbox) },
    { provide: RegistryRepository, inject: [DataSource], useFactory: (ds: DataSource) => new RegistryRepository(ds) },
    BoardService,
  ],
  exports: [BoardService, CallRepository],
})
export class BoardModule implements OnApplicationBootstrap {
  constructor(
    @Inject(CallRepository) private readonly calls: CallRepository,
    @Inject(APP_CONFIG) private readonly cfg: AppConfig,
    @Inject(ROOT_LOGGER) private readonly log: Logger,
  ) {}

  /** The demo (simulator on) needs hospitals to choose from: a few, only into an empty registry. */
  async onApplicationBootstrap(): Promise<void> {
    if (!this.cfg.simulator) return;
    const n = await this.calls.seedHospitalsIfNone(DEMO_HOSPITAL_REGISTRY);
    if (n) this.log.info({ module: 'board', hospitals: n }, 'demo hospitals added to the empty registry');
  }
}
