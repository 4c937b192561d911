import { Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import type { AppConfig } from '@rescue/config';
import { APP_CONFIG } from '../config.module';
import { ROOT_LOGGER } from '../logging/root-logger';
import { EmbeddedBroker, startEmbeddedBroker } from './embedded-broker';

/** The broker this process talks to: the configured MQTT_URL, or an embedded aedes started here. */
export interface BrokerEndpoint {
  url: string;
  embedded: EmbeddedBroker | null;
}

export const BROKER = Symbol('BROKER');

@Global()
@Module({
  providers: [
    {
      provide: BROKER,
      inject: [APP_CONFIG, ROOT_LOGGER],
      useFactory: async (cfg: AppConfig, root: Logger): Promise<BrokerEndpoint> => {
        const log = root.child({ module: 'broker' });
        if (cfg.mqttUrl) {
          log.info({ url: redact(cfg.mqttUrl) }, 'using external MQTT broker');
          return { url: cfg.mqttUrl, embedded: null };
        }
        const embedded = await startEmbeddedBroker(cfg.embeddedMqttPort);
        log.info({ url: embedded.url }, `embedded MQTT broker (aedes) listening on ${embedded.url}`);
        return { url: embedded.url, embedded };
      },
    },
  ],
  exports: [BROKER],
})
export class BrokerModule implements OnApplicationShutdown {
  constructor(@Inject(BROKER) private readonly broker: BrokerEndpoint) {}

  async onApplicationShutdown(): Promise<void> {
    await this.broker.embedded?.close();
  }
}

function redact(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString();
}
