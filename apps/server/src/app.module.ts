import { type DynamicModule, Module, ValidationPipe } from '@nestjs/common';
import { APP_PIPE } from '@nestjs/core';
import { LoggerModule } from 'nestjs-pino';
import type { Logger } from 'pino';
import { BrokerModule } from './broker/broker.module';
import { ConfigModule } from './config.module';
import { ConsoleModule } from './console/console.module';
import { CredentialsModule } from './credentials/credentials.module';
import { CoverageModule } from './coverage/coverage.module';
import { DatabaseModule } from './database/database.module';
import { DispatchModule } from './dispatch/dispatch.module';
import { EmbeddedJobsModule } from './database/embedded-jobs.module';
import { ErrorsModule } from './errors/errors.module';
import { FleetModule } from './fleet/fleet.module';
import { GeocodeModule } from './geocode/geocode.module';
import { HealthController } from './health/health.controller';
import { IngestModule } from './ingest/ingest.module';
import { Jt808Module } from './jt808/jt808.module';
import { LearningModule } from './learning/learning.module';
import { OrdersModule } from './orders/orders.module';
import { LoggingModule } from './logging/logging.module';
import { redactRequest } from './logging/redact-request';
import { ROOT_LOGGER } from './logging/root-logger';
import { MetricsModule } from './metrics/metrics.module';
import { RegistryModule } from './registry/registry.module';
import { RoutingModule } from './routing/routing.module';
import type { LoadedApiKeys } from './security/api-key-file';
import { SecurityModule } from './security/security.module';
import { AuditModule } from './audit/audit.module';
import { AccountsModule } from './accounts/accounts.module';
import { AlarmsModule } from './alarms/alarms.module';
import { BackupModule } from './backup/backup.module';
import { BoardModule } from './board/board.module';
import { SimulatorModule } from './simulator/simulator.module';
import { VALIDATION_OPTIONS } from './validation-options';
import { WebhooksModule } from './webhooks/webhooks.module';

@Module({
  imports: [
    ConfigModule,
    LoggingModule,
    LoggerModule.forRootAsync({
      imports: [LoggingModule],
      inject: [ROOT_LOGGER],
      // Log lines written during a request carry it: without its API key (header or SSE ?access_token=).
      useFactory: (logger: Logger) => ({ pinoHttp: { logger, autoLogging: false, serializers: { req: redactRequest } } }),
    }),
    MetricsModule,
    ErrorsModule,
    DatabaseModule,
    AuditModule,
    AccountsModule,
    BackupModule,
    EmbeddedJobsModule,
    CredentialsModule,
    BrokerModule,
    FleetModule,
    AlarmsModule,
    RoutingModule,
    GeocodeModule,
    LearningModule,
    DispatchModule,
    BoardModule,
    WebhooksModule,
    CoverageModule,
    RegistryModule,
    IngestModule,
    Jt808Module,
    OrdersModule,
    SimulatorModule,
    ConsoleModule,
  ],
  controllers: [HealthController],
  providers: [
    // Every HTTP body is validated into its DTO at the edge; unknown fields are refused.
    { provide: APP_PIPE, useValue: new ValidationPipe(VALIDATION_OPTIONS) },
  ],
})
export class AppModule {
  /** The app with the API keys main.ts loaded (once) before Nest. */
  static withKeys(keys: LoadedApiKeys): DynamicModule {
    return { module: AppModule, imports: [SecurityModule.withKeys(keys)] };
  }
}

