import { Inject, Module, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { Logger } from 'pino';
import { Registry } from 'prom-client';
import { DataSource } from 'typeorm';
import type { AppConfig } from '@rescue/config';
import { LiveFleet } from '@rescue/fleet';
import { DeliveryLeadership, WebhookOutbox, WebhookRepository } from '@rescue/persistence';
import { APP_CONFIG } from '../config.module';
import { FleetModule } from '../fleet/fleet.module';
import { ROOT_LOGGER } from '../logging/root-logger';
import { fetchPost } from './http-post';
import { WebhookDelivery } from './webhook-delivery';
import { WebhooksController } from './webhooks.controller';

/** Events out (issue 14): the admin API of subscribers and the delivery of the outbox to them. */
@Module({
  imports: [FleetModule],
  controllers: [WebhooksController],
  providers: [
    { provide: WebhookRepository, inject: [DataSource], useFactory: (ds: DataSource) => new WebhookRepository(ds) },
    {
      provide: WebhookDelivery,
      inject: [WebhookRepository, WebhookOutbox, LiveFleet, APP_CONFIG, Registry, ROOT_LOGGER, DataSource],
      useFactory: (repo: WebhookRepository, outbox: WebhookOutbox, fleet: LiveFleet, cfg: AppConfig, registry: Registry, root: Logger, ds: DataSource) =>
        // several servers may share a real PostgreSQL: one of them delivers
        new WebhookDelivery(repo, outbox, fleet, cfg, registry, root.child({ module: 'webhooks' }), fetchPost, cfg.databaseUrl ? new DeliveryLeadership(ds) : null),
    },
  ],
})
export class WebhooksModule implements OnApplicationBootstrap, OnModuleDestroy {
  constructor(@Inject(WebhookDelivery) private readonly delivery: WebhookDelivery) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.delivery.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.delivery.stop();
  }
}
