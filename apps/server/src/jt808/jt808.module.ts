import { Inject, Module, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { Logger } from 'pino';
import { Registry } from 'prom-client';
import { DataSource } from 'typeorm';
import type { AppConfig } from '@rescue/config';
import { Jt808TerminalsRepository } from '@rescue/persistence';
import { BROKER, BrokerEndpoint } from '../broker/broker.module';
import { APP_CONFIG } from '../config.module';
import { CredentialsService } from '../credentials/credentials.service';
import { IngestModule } from '../ingest/ingest.module';
import { IngestWorker } from '../ingest/ingest-worker';
import { ROOT_LOGGER } from '../logging/root-logger';
import { DurableReceipts } from './durable-receipts';
import { Jt808Gateway } from './gateway';
import { Jt808Controller } from './jt808.controller';
import { Jt808Directory } from './terminal-directory';
import { connectMqttUplink } from './uplink';

/** Username of the embedded JT/T 808 gateway ('.': never a unit id). */
export const EMBEDDED_JT808_USER = 'rescue.jt808';

export function gatewayOptionsFrom(cfg: AppConfig) {
  return {
    port: cfg.jt808Port, host: cfg.jt808Host, maxConnections: cfg.jt808MaxConnections, maxFrameBytes: cfg.jt808MaxFrameBytes,
    maxBytesPerS: cfg.jt808MaxBytesPerS, maxFramesPerS: cfg.jt808MaxFramesPerS, heartbeatS: cfg.jt808HeartbeatS, maxInFlight: cfg.jt808MaxInFlight,
  };
}

/**
 * JT/T 808 terminals: the directory (identity, always: the admin API manages it) and, in the embedded
 * default with JT808_PORT ≠ 0, the gateway itself. With an external broker the gateway runs as its own
 * process (`npm run jt808-gateway`, apps/server/src/jt808/gateway-main.ts).
 */
@Module({
  imports: [IngestModule],
  controllers: [Jt808Controller],
  providers: [
    {
      provide: Jt808Directory,
      inject: [DataSource, ROOT_LOGGER],
      useFactory: async (ds: DataSource, root: Logger) => {
        const d = new Jt808Directory(new Jt808TerminalsRepository(ds), root.child({ module: 'jt808-directory' }));
        await d.start();
        return d;
      },
    },
  ],
  exports: [Jt808Directory],
})
export class Jt808Module implements OnApplicationBootstrap, OnModuleDestroy {
  private gateway: Jt808Gateway | null = null;
  private receipts: DurableReceipts | null = null;
  private closeUplink: (() => Promise<void>) | null = null;

  constructor(
    @Inject(APP_CONFIG) private readonly cfg: AppConfig,
    @Inject(BROKER) private readonly broker: BrokerEndpoint,
    @Inject(CredentialsService) private readonly creds: CredentialsService,
    @Inject(IngestWorker) private readonly ingest: IngestWorker,
    @Inject(Jt808Directory) private readonly directory: Jt808Directory,
    @Inject(Registry) private readonly registry: Registry,
    @Inject(ROOT_LOGGER) private readonly root: Logger,
  ) {}

  get running(): Jt808Gateway | null {
    return this.gateway;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.broker.embedded || this.cfg.jt808Port === 0) return;
    const log = this.root.child({ module: 'jt808' });
    // Embedded: aedes keeps nothing on disk, so a location is durable only once ingest committed it.
    this.receipts = new DurableReceipts(`e${process.pid}.`, this.cfg.jt808DurableTimeoutS * 1000);
    const receipts = this.receipts;
    this.ingest.onDurable((r) => receipts.settle(r));
    const user = await this.creds.addServiceUser(EMBEDDED_JT808_USER, ['gateway']);
    const uplink = await connectMqttUplink({ url: this.broker.url, username: user.username, password: user.password, clientId: `${EMBEDDED_JT808_USER}-${process.pid}`, receipts, log });
    this.closeUplink = () => uplink.close();
    this.gateway = new Jt808Gateway(gatewayOptionsFrom(this.cfg), this.directory, uplink, this.registry, log);
    const port = await this.gateway.start();
    log.info({ port, host: this.cfg.jt808Host }, `JT/T 808 gateway listening on ${this.cfg.jt808Host}:${port}`);
  }

  /** Before ingest stops: no new fixes, then the uplink goes. */
  async onModuleDestroy(): Promise<void> {
    await this.gateway?.close();
    this.receipts?.failAll('shutting down');
    await this.closeUplink?.();
    this.directory.stop();
  }
}
