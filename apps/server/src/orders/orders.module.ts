import { Inject, Module, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { connectAsync, type MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import { Registry } from 'prom-client';
import type { AppConfig } from '@rescue/config';
import { commandTopic } from '@rescue/contracts';
import { OrderRepository } from '@rescue/persistence';
import { BROKER, BrokerEndpoint } from '../broker/broker.module';
import { APP_CONFIG } from '../config.module';
import { CredentialsService } from '../credentials/credentials.service';
import { DispatchModule } from '../dispatch/dispatch.module';
import { OrderSender } from '../dispatch/order-sender';
import { TaskLifecycleService } from '../dispatch/task-lifecycle.service';
import { ROOT_LOGGER } from '../logging/root-logger';

/** Username of the embedded order publisher ('.': never a unit id). */
export const EMBEDDED_ORDERS_USER = 'rescue.orders';

/**
 * Dispatch orders down to the vehicles: after each assignment, and again while unacknowledged. Publishes
 * as a service user with the `orders` role: on the embedded broker one made for this process; on an
 * external broker the server's own MQTT_USERNAME (give it `ingest+orders` in the Mosquitto files).
 */
@Module({ imports: [DispatchModule] })
export class OrdersModule implements OnApplicationBootstrap, OnModuleDestroy {
  private client: MqttClient | null = null;
  private sender: OrderSender | null = null;

  constructor(
    @Inject(APP_CONFIG) private readonly cfg: AppConfig,
    @Inject(BROKER) private readonly broker: BrokerEndpoint,
    @Inject(CredentialsService) private readonly creds: CredentialsService,
    @Inject(TaskLifecycleService) private readonly lifecycle: TaskLifecycleService,
    @Inject(OrderRepository) private readonly orders: OrderRepository,
    @Inject(Registry) private readonly registry: Registry,
    @Inject(ROOT_LOGGER) private readonly root: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const log = this.root.child({ module: 'orders' });
    const user = this.broker.embedded ? await this.creds.addServiceUser(EMBEDDED_ORDERS_USER, ['orders']) : this.broker.ingest;
    const client = await connectAsync(this.broker.url, {
      clientId: `${EMBEDDED_ORDERS_USER}-${process.pid}`, clean: true, protocolVersion: 4, reconnectPeriod: 1000,
      username: user?.username, password: user?.password,
    });
    client.on('error', (err) => log.warn({ err: err.message }, 'orders mqtt error'));
    this.client = client;
    const sender = new OrderSender(
      async (unitId, cmd) => void (await client.publishAsync(commandTopic(unitId), JSON.stringify(cmd), { qos: 1 })),
      this.orders, this.cfg.orderRetryS * 1000, this.registry, log,
    );
    this.sender = sender;
    this.lifecycle.onAssigned((task) => void sender.assigned(task));
    sender.start();
  }

  async onModuleDestroy(): Promise<void> {
    this.sender?.stop();
    await this.client?.endAsync();
  }
}
