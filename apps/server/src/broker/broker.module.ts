import { Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import { Registry } from 'prom-client';
import type { AppConfig } from '@rescue/config';
import { APP_CONFIG } from '../config.module';
import { CredentialsModule } from '../credentials/credentials.module';
import { CredentialsService } from '../credentials/credentials.service';
import { ROOT_LOGGER } from '../logging/root-logger';
import { readTlsFiles } from '../security/tls-files';
import { EmbeddedBroker, startEmbeddedBroker } from './embedded-broker';

export interface MqttCredentials {
  username: string;
  password: string;
}

/**
 * The broker this process talks to: the configured MQTT_URL, or an embedded aedes started here.
 * `ingest` is what the ingest worker connects with: on an external broker the configured service
 * user (MQTT_USERNAME/MQTT_PASSWORD or MQTT_URL's userinfo; null = anonymous), on the embedded one a
 * service user made for this process with a random password held in memory only.
 */
export interface BrokerEndpoint {
  url: string;
  embedded: EmbeddedBroker | null;
  ingest: MqttCredentials | null;
}

export const BROKER = Symbol('BROKER');

/** Username of the embedded ingest worker ('.': never a unit id). */
export const EMBEDDED_INGEST_USER = 'rescue.ingest';

@Global()
@Module({
  imports: [CredentialsModule],
  providers: [
    {
      provide: BROKER,
      inject: [APP_CONFIG, ROOT_LOGGER, CredentialsService, Registry],
      useFactory: async (cfg: AppConfig, root: Logger, creds: CredentialsService, registry: Registry): Promise<BrokerEndpoint> => {
        const log = root.child({ module: 'broker' });
        if (cfg.mqttUrl) {
          // mqttUrl carries no credentials (config splits them off), so it can be logged as is.
          log.info({ url: cfg.mqttUrl, username: cfg.mqttUsername ?? '(anonymous)' }, 'using external MQTT broker');
          const ingest = cfg.mqttUsername ? { username: cfg.mqttUsername, password: cfg.mqttPassword ?? '' } : null;
          return { url: cfg.mqttUrl, embedded: null, ingest };
        }
        // With the API's certificate, terminals may also connect over MQTTS (the files were checked before Nest started).
        const tls = readTlsFiles(cfg);
        const embedded = await startEmbeddedBroker({
          port: cfg.embeddedMqttPort,
          tls: tls ? { ...tls, port: cfg.embeddedMqttsPort, host: cfg.embeddedMqttsHost } : undefined,
          auth: creds,
          limits: { maxMsgsPerS: cfg.mqttClientMaxMsgsPerS, burst: cfg.mqttClientBurst, maxPacketBytes: cfg.mqttMaxPacketBytes },
          registry,
          log,
        });
        creds.onRevoked((unitId) => {
          const n = embedded.disconnectUnit(unitId);
          if (n > 0) log.info({ unitId, connections: n }, 'credentials revoked or rotated: live connections closed');
        });
        const ingest = await creds.addServiceUser(EMBEDDED_INGEST_USER, ['ingest']);
        log.info({ url: embedded.url, tlsUrl: embedded.tlsUrl }, `embedded MQTT broker (aedes) listening on ${embedded.url}${embedded.tlsUrl ? ` and ${embedded.tlsUrl}` : ''}; every client authenticates`);
        return { url: embedded.url, embedded, ingest };
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
