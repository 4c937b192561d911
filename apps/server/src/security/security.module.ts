import { Global, Inject, Module, OnApplicationBootstrap } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import type { Logger } from 'pino';
import type { AppConfig } from '@rescue/config';
import type { ApiKeyRing } from '@rescue/security';
import { APP_CONFIG } from '../config.module';
import { ROOT_LOGGER } from '../logging/root-logger';
import { loadApiKeys, type LoadedApiKeys } from './api-key-file';
import { API_KEY_RING, ApiAuthGuard } from './api-auth.guard';

export const LOADED_API_KEYS = Symbol('LOADED_API_KEYS');

/** API keys from their file and the global guard that checks every request against them. */
@Global()
@Module({
  providers: [
    { provide: LOADED_API_KEYS, inject: [APP_CONFIG], useFactory: (cfg: AppConfig): LoadedApiKeys => loadApiKeys(cfg) },
    { provide: API_KEY_RING, inject: [LOADED_API_KEYS], useFactory: (k: LoadedApiKeys): ApiKeyRing => k.ring },
    { provide: APP_GUARD, useClass: ApiAuthGuard },
  ],
  exports: [LOADED_API_KEYS, API_KEY_RING],
})
export class SecurityModule implements OnApplicationBootstrap {
  constructor(
    @Inject(LOADED_API_KEYS) private readonly keys: LoadedApiKeys,
    @Inject(ROOT_LOGGER) private readonly log: Logger,
  ) {}

  onApplicationBootstrap(): void {
    const log = this.log.child({ module: 'security' });
    // Never a key in the log: only where the file is and how to add one.
    const { file, ring, created } = this.keys;
    const howTo = `add one with: npm run api-key -- add <name> <admin|dispatcher|planner|viewer> --file ${file} (then restart)`;
    if (ring.size === 0) log.warn({ file }, `no API keys: every call except the public endpoints is refused; ${howTo}`);
    else log.info({ file, keys: ring.size, created }, `API keys loaded; ${howTo}`);
  }
}
