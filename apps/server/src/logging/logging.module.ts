import { Global, Module } from '@nestjs/common';
import type { AppConfig } from '@rescue/config';
import { APP_CONFIG } from '../config.module';
import { createRootLogger, ROOT_LOGGER } from './root-logger';

@Global()
@Module({
  providers: [{ provide: ROOT_LOGGER, inject: [APP_CONFIG], useFactory: (cfg: AppConfig) => createRootLogger(cfg.logLevel) }],
  exports: [ROOT_LOGGER],
})
export class LoggingModule {}
