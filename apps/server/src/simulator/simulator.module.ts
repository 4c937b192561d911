import { Inject, Module, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { Logger } from 'pino';
import type { AppConfig } from '@rescue/config';
import { LiveFleet } from '@rescue/fleet';
import { FleetRepository } from '@rescue/persistence';
import { FleetModule } from '../fleet/fleet.module';
import { BROKER, BrokerEndpoint } from '../broker/broker.module';
import { APP_CONFIG } from '../config.module';
import { ROOT_LOGGER } from '../logging/root-logger';
import { DEMO_STATIONS, demoUnits } from './demo-fleet';
import { StraightLineSimulator } from './straight-line-simulator';

/** Seeds the demo stations and units, then drives simulated terminals (SIMULATOR=true; on by default when embedded). */
@Module({ imports: [FleetModule] })
export class SimulatorModule implements OnApplicationBootstrap, OnModuleDestroy {
  private sim: StraightLineSimulator | null = null;

  constructor(
    @Inject(APP_CONFIG) private readonly cfg: AppConfig,
    @Inject(BROKER) private readonly broker: BrokerEndpoint,
    @Inject(ROOT_LOGGER) private readonly root: Logger,
    private readonly repo: FleetRepository,
    private readonly live: LiveFleet,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.cfg.simulator || this.cfg.simulatorUnits === 0) return;
    const units = demoUnits(this.cfg.simulatorUnits);
    await this.repo.seed(DEMO_STATIONS, units);
    this.live.register(units);
    this.sim = new StraightLineSimulator(this.broker.url, DEMO_STATIONS, units, this.root.child({ module: 'simulator' }));
    await this.sim.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.sim?.stop();
  }
}
