import { Inject, Module, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { Logger } from 'pino';
import type { AppConfig } from '@rescue/config';
import { LiveFleet } from '@rescue/fleet';
import { FleetRepository, TaskRepository } from '@rescue/persistence';
import { FleetModule } from '../fleet/fleet.module';
import { BROKER, BrokerEndpoint } from '../broker/broker.module';
import { CredentialsService } from '../credentials/credentials.service';
import { APP_CONFIG } from '../config.module';
import { DispatchModule } from '../dispatch/dispatch.module';
import { ROOT_LOGGER } from '../logging/root-logger';
import { RoutingModule } from '../routing/routing.module';
import { RoutingService } from '../routing/routing.service';
import { DEMO_HOSPITALS, DEMO_STATIONS, demoUnits } from './demo-fleet';
import { RoadSimulator, type SimulatorCredentials } from './road-simulator';
import { GraphTripPlanner } from './trip-planner';

/**
 * Seeds the demo stations and units, then drives simulated terminals on the loaded road network
 * (SIMULATOR=true; on by default when embedded). SIMULATOR_SPEEDUP makes the task loop watchable.
 */
@Module({ imports: [FleetModule, RoutingModule, DispatchModule] })
export class SimulatorModule implements OnApplicationBootstrap, OnModuleDestroy {
  private sim: RoadSimulator | null = null;

  constructor(
    @Inject(APP_CONFIG) private readonly cfg: AppConfig,
    @Inject(BROKER) private readonly broker: BrokerEndpoint,
    @Inject(ROOT_LOGGER) private readonly root: Logger,
    @Inject(FleetRepository) private readonly repo: FleetRepository,
    @Inject(LiveFleet) private readonly live: LiveFleet,
    @Inject(RoutingService) private readonly routing: RoutingService,
    @Inject(TaskRepository) private readonly tasks: TaskRepository,
    @Inject(CredentialsService) private readonly creds: CredentialsService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.cfg.simulator || this.cfg.simulatorUnits === 0) return;
    const units = demoUnits(this.cfg.simulatorUnits);
    await this.repo.seed(DEMO_STATIONS, units);
    this.live.register(units);
    const planner = new GraphTripPlanner(this.routing.graph, this.cfg.routingSnapMaxM);
    const credentials = await this.terminalCredentials(units.map((u) => u.id));
    this.sim = new RoadSimulator(
      this.broker.url,
      DEMO_STATIONS,
      DEMO_HOSPITALS,
      units,
      planner,
      this.live,
      async (taskId) => {
        const t = await this.tasks.task(taskId);
        return t ? { lat: t.incident.lat, lon: t.incident.lon } : null;
      },
      this.root.child({ module: 'simulator' }),
      RoadSimulator.defaults({
        speedup: this.cfg.simulatorSpeedup,
        // Stay clear of the ingest jump filter, which would refuse sped-up fixes.
        maxImpliedKmh: 0.8 * this.cfg.fixMaxSpeedKmh,
        staleAfterS: this.cfg.staleAfterS,
      }),
      credentials,
    );
    await this.sim.start();
  }

  /**
   * Embedded broker: each demo unit gets fresh credentials through the credentials service at every
   * start (the passwords live in this process only), so it connects exactly as a provisioned terminal.
   * External broker: the simulator cannot provision users there; it publishes as the gateway service
   * user SIMULATOR_MQTT_USERNAME/PASSWORD (`npm run units -- mosquitto --service demo.gateway:gateway`).
   */
  private async terminalCredentials(unitIds: string[]): Promise<SimulatorCredentials> {
    if (!this.broker.embedded) {
      const { simulatorMqttUsername: username, simulatorMqttPassword: password } = this.cfg;
      if (!username) this.root.warn({ module: 'simulator' }, 'external broker and no SIMULATOR_MQTT_USERNAME: simulated terminals connect anonymously');
      return () => (username ? { username, password: password ?? '' } : null);
    }
    const issued = new Map<string, { username: string; password: string }>();
    for (const id of unitIds) {
      const c = await this.creds.provision(id, 'system:simulator');
      issued.set(id, { username: c.username, password: c.password });
    }
    return (unitId) => issued.get(unitId) ?? null;
  }

  async onModuleDestroy(): Promise<void> {
    await this.sim?.stop();
    this.sim = null;
  }
}
