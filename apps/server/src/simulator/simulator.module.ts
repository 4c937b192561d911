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
import { Jt808Module } from '../jt808/jt808.module';
import { Jt808Directory } from '../jt808/terminal-directory';
import { ROOT_LOGGER } from '../logging/root-logger';
import { RoutingModule } from '../routing/routing.module';
import { RoutingService } from '../routing/routing.service';
import { DEMO_HOSPITALS, DEMO_STATIONS, demoUnits } from './demo-fleet';
import { type LinkFactory, RoadSimulator, type SimulatorCredentials } from './road-simulator';
import { Jt808TerminalLink, MqttTerminalLink } from './terminal-links';
import { GraphTripPlanner } from './trip-planner';

/**
 * Seeds the demo stations and units, then drives simulated terminals on the loaded road network
 * (SIMULATOR=true; on by default when embedded). SIMULATOR_SPEEDUP makes the task loop watchable.
 */
@Module({ imports: [FleetModule, RoutingModule, DispatchModule, Jt808Module] })
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
    @Inject(Jt808Directory) private readonly jt808: Jt808Directory,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.cfg.simulator || this.cfg.simulatorUnits === 0) return;
    const units = demoUnits(this.cfg.simulatorUnits);
    await this.repo.seed(DEMO_STATIONS, units);
    this.live.register(units);
    const planner = new GraphTripPlanner(this.routing.graph, this.cfg.routingSnapMaxM);
    const credentials = await this.terminalCredentials(units.map((u) => u.id));
    const links = await this.linkFactory(units.map((u) => u.id), credentials);
    this.sim = new RoadSimulator(
      links,
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
    );
    await this.sim.start();
  }

  /**
   * Which demo units are JT/T 808 terminals: every SIMULATOR_JT808_EVERY-th (AMB-03, AMB-06, … by
   * default), when the embedded gateway runs. Each is provisioned afresh at every start with a demo phone
   * number (0120 + the unit's number), so it registers (0x0100) for a new authentication code, like a
   * terminal installed in a new vehicle. Its crew's statuses go from a tablet over MQTT, as JT/T 808 has
   * no message for them; positions, presence and the order acknowledgement go over JT/T 808.
   */
  private async linkFactory(unitIds: string[], credentials: SimulatorCredentials): Promise<LinkFactory> {
    const every = this.cfg.simulatorJt808Every;
    const gateway = this.broker.embedded && this.cfg.jt808Port !== 0;
    const log = this.root.child({ module: 'simulator' });
    if (every > 0 && !gateway) log.info({ every }, 'no embedded JT/T 808 gateway (JT808_PORT=0 or an external broker): every demo unit speaks MQTT');
    const phones = new Map<string, string>();
    if (every > 0 && gateway) {
      for (let i = every - 1; i < unitIds.length; i += every) {
        const phone = `0120${String(i + 1).padStart(8, '0')}`;
        await this.jt808.provision(unitIds[i]!, phone, 'system:simulator');
        phones.set(unitIds[i]!, phone);
      }
      log.info({ units: [...phones.keys()] }, `${phones.size} demo units are JT/T 808 terminals`);
    }
    const host = this.cfg.jt808Host === '0.0.0.0' || this.cfg.jt808Host === '::' ? '127.0.0.1' : this.cfg.jt808Host;
    const url = this.broker.url;
    return (unit, onOrder) => {
      const phone = phones.get(unit.id);
      if (!phone) return new MqttTerminalLink({ url, unitId: unit.id, credentials: credentials(unit.id), log, presence: true, onOrder });
      const statuses = new MqttTerminalLink({ url, unitId: unit.id, credentials: credentials(unit.id), log, presence: false, onOrder: null });
      return new Jt808TerminalLink({ unitId: unit.id, phone, host, port: this.cfg.jt808Port, heartbeatMs: (this.cfg.jt808HeartbeatS * 1000) / 2, log, statuses, onOrder });
    };
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
