import { type DynamicModule, Global, Inject, Module, OnApplicationBootstrap } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import type { Logger } from 'pino';
import { ROOT_LOGGER } from '../logging/root-logger';
import type { LoadedApiKeys } from './api-key-file';
import { API_KEY_RING, ApiAuthGuard } from './api-auth.guard';

export const LOADED_API_KEYS = Symbol('LOADED_API_KEYS');

/**
 * API keys and the global guard that checks every request against them. The keys are loaded once, by
 * main.ts before Nest (a bad file must exit 2), and handed in: a second read would see the file the
 * first one created and report `created: false` on the demo's first start.
 */
@Global()
@Module({})
export class SecurityModule implements OnApplicationBootstrap {
  static withKeys(keys: LoadedApiKeys): DynamicModule {
    return {
      module: SecurityModule,
      providers: [
        { provide: LOADED_API_KEYS, useValue: keys },
        { provide: API_KEY_RING, useValue: keys.ring },
        { provide: APP_GUARD, useClass: ApiAuthGuard },
      ],
      exports: [LOADED_API_KEYS, API_KEY_RING],
    };
  }

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
