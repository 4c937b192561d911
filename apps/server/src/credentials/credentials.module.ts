import { Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { CredentialsRepository } from '@rescue/persistence';
import { ROOT_LOGGER } from '../logging/root-logger';
import { CredentialsController } from './credentials.controller';
import { CredentialsService } from './credentials.service';

/** Unit and service credentials: the embedded broker authenticates against it; admins manage it over HTTP. */
@Global()
@Module({
  controllers: [CredentialsController],
  providers: [
    {
      provide: CredentialsService,
      inject: [DataSource, ROOT_LOGGER],
      useFactory: async (ds: DataSource, root: Logger) => {
        const svc = new CredentialsService(ds, new CredentialsRepository(ds), root.child({ module: 'credentials' }));
        await svc.start();
        return svc;
      },
    },
  ],
  exports: [CredentialsService],
})
export class CredentialsModule implements OnApplicationShutdown {
  constructor(@Inject(CredentialsService) private readonly svc: CredentialsService) {}

  onApplicationShutdown(): void {
    this.svc.stop();
  }
}
