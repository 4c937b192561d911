import { Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import type { AppConfig } from '@rescue/config';
import { AccountsRepository, AuditRepository, LoginThrottleRepository } from '@rescue/persistence';
import { generateAccountPassword, hashAccountPassword } from '@rescue/security';
import { APP_CONFIG } from '../config.module';
import { ROOT_LOGGER } from '../logging/root-logger';
import { AuthController } from './auth.controller';
import { LoginService } from './login.service';
import { SessionService } from './session.service';
import { UsersController } from './users.controller';

/** The embedded demo's first start: the one admin account and its password, to print once. */
export const DEMO_ADMIN_ACCOUNT = Symbol('DEMO_ADMIN_ACCOUNT');
export type DemoAdminAccount = { username: string; password: string } | null;

const SWEEP_MS = 10 * 60_000;

/**
 * People's accounts and sessions (issue #18). Global: the API guard (SecurityModule) resolves sessions
 * through SessionService. No account exists by default; the embedded demo creates `admin` with a random
 * password on its first start (printed once, must be changed at first login).
 */
@Global()
@Module({
  controllers: [AuthController, UsersController],
  providers: [
    { provide: AccountsRepository, inject: [DataSource], useFactory: (ds: DataSource) => new AccountsRepository(ds) },
    {
      provide: SessionService,
      inject: [AccountsRepository, APP_CONFIG, ROOT_LOGGER],
      useFactory: (repo: AccountsRepository, cfg: AppConfig, root: Logger) => new SessionService(repo, cfg, root.child({ module: 'sessions' })),
    },
    {
      provide: LoginService,
      inject: [AccountsRepository, DataSource, AuditRepository, SessionService, APP_CONFIG, ROOT_LOGGER],
      useFactory: (repo: AccountsRepository, ds: DataSource, audit: AuditRepository, sessions: SessionService, cfg: AppConfig, root: Logger) =>
        new LoginService(repo, (rules) => new LoginThrottleRepository(ds, rules), audit, sessions, cfg, root.child({ module: 'login' })),
    },
    {
      provide: DEMO_ADMIN_ACCOUNT,
      inject: [AccountsRepository, APP_CONFIG],
      useFactory: async (repo: AccountsRepository, cfg: AppConfig): Promise<DemoAdminAccount> => {
        // Like the demo's API key: only for the embedded demo that makes its own key file.
        if (!cfg.embeddedDemo || cfg.apiKeysFile !== null || (await repo.count()) > 0) return null;
        const password = generateAccountPassword();
        await repo.create({ username: 'admin', role: 'admin', centre: null, passwordHash: await hashAccountPassword(password), mustChange: true }, 'system:demo');
        return { username: 'admin', password };
      },
    },
  ],
  exports: [SessionService, AccountsRepository, DEMO_ADMIN_ACCOUNT],
})
export class AccountsModule implements OnApplicationShutdown {
  private readonly sweep: NodeJS.Timeout;

  constructor(@Inject(SessionService) sessions: SessionService, @Inject(LoginService) logins: LoginService, @Inject(ROOT_LOGGER) root: Logger) {
    const log = root.child({ module: 'sessions' });
    this.sweep = setInterval(() => {
      sessions.sweep().catch((err: Error) => log.warn({ err: err.message }, 'session sweep failed'));
      logins.sweep().catch((err: Error) => log.warn({ err: err.message }, 'login failure sweep failed'));
    }, SWEEP_MS);
    this.sweep.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.sweep);
  }
}
