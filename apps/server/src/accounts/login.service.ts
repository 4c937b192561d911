import type { Logger } from 'pino';
import type { AppConfig } from '@rescue/config';
import { type AccountRow, AccountsRepository, AuditRepository, LoginThrottleRepository } from '@rescue/persistence';
import { ACCOUNT_USERNAME, DUMMY_ACCOUNT_HASH, matchTotp, verifyAccountPassword } from '@rescue/security';
import { SessionService } from './session.service';

export type LoginResult =
  | { ok: true; account: AccountRow; token: string; mustChangePassword: boolean }
  | { ok: false; status: 401; code: 'INVALID_CREDENTIALS' | 'TOTP_REQUIRED' | 'INVALID_TOTP'; message: string }
  | { ok: false; status: 423; code: 'ACCOUNT_LOCKED'; message: string; retryAfterS: number; lockedUntil: string }
  | { ok: false; status: 429; code: 'ADDRESS_LOCKED'; message: string; retryAfterS: number; lockedUntil: string }
  | { ok: false; status: 503; code: 'LOGIN_BUSY'; message: string; retryAfterS: number };

/** Password checks running at once (scrypt takes 32 MiB and a thread each) and waiting, at most. */
const MAX_HASHING = 2;
const MAX_WAITING = 50;

/**
 * Login: password check, lockout per account and per address (LOGIN_MAX_FAILURES within
 * LOGIN_FAILURE_WINDOW_S lock it for LOGIN_LOCK_S), the second factor where the account has one, the
 * session, and the audit records (success, failure with address and reason, lockout). An unknown user
 * costs the same hash as a known one and gets the same answer, so answers do not tell which usernames
 * exist. With TOTP on, the right password without a code answers 401 TOTP_REQUIRED (the client asks for
 * the code and sends both again); a wrong or replayed code counts as a failed login.
 */
export class LoginService {
  private readonly throttle: LoginThrottleRepository;
  private hashing = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(
    private readonly accounts: AccountsRepository,
    throttleOf: (rules: { maxFailures: number; windowMs: number; lockMs: number }) => LoginThrottleRepository,
    private readonly audit: AuditRepository,
    private readonly sessions: SessionService,
    cfg: Pick<AppConfig, 'loginMaxFailures' | 'loginFailureWindowS' | 'loginLockS'>,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {
    const rules = { maxFailures: cfg.loginMaxFailures, windowMs: cfg.loginFailureWindowS * 1000, lockMs: cfg.loginLockS * 1000 };
    this.throttle = throttleOf(rules);
  }

  async login(username: string, password: string, address: string, kind: 'cookie' | 'bearer', totp?: string): Promise<LoginResult> {
    const now = this.now();
    const subject = ACCOUNT_USERNAME.test(username) ? `user:${username}` : 'user:(invalid)';
    const account = ACCOUNT_USERNAME.test(username) ? await this.accounts.byUsername(username) : null;
    const acctLock = account ? Math.max(account.lockedUntil ?? 0, (await this.throttle.lockedUntil('account', username, now)) ?? 0) : 0;
    if (account && acctLock > now) {
      await this.record('auth.login_failure', subject, { address, reason: 'account_locked' });
      return locked(acctLock, now);
    }
    const addrLock = await this.throttle.lockedUntil('address', address, now);
    if (addrLock !== null) {
      await this.record('auth.login_failure', subject, { address, reason: 'address_locked' });
      return { ok: false, status: 429, code: 'ADDRESS_LOCKED', message: `登录失败次数过多，此地址已锁定 / too many failed logins from this address; locked until ${new Date(addrLock).toISOString()}`, retryAfterS: secondsUntil(addrLock, now), lockedUntil: new Date(addrLock).toISOString() };
    }
    const gate = await this.enter();
    if (!gate) return { ok: false, status: 503, code: 'LOGIN_BUSY', message: 'too many logins at once; try again in a moment', retryAfterS: 1 };
    let good: boolean;
    try {
      good = await verifyAccountPassword(password, account?.passwordHash ?? DUMMY_ACCOUNT_HASH);
    } finally {
      this.leave();
    }
    if (!account || !good || account.disabledAt !== null) {
      return this.failed(username, subject, address, !account ? 'unknown_user' : !good ? 'bad_password' : 'disabled', account !== null);
    }
    if (account.totpSecret !== null) {
      if (!totp) {
        await this.record('auth.totp_required', subject, { address });
        return { ok: false, status: 401, code: 'TOTP_REQUIRED', message: '请输入动态验证码 / enter the code from your authenticator app (send it as totp with the password)' };
      }
      const step = matchTotp(account.totpSecret, totp, this.now());
      if (step === null) return this.failed(username, subject, address, 'bad_totp', true);
      if (!(await this.accounts.acceptTotpStep(username, step))) return this.failed(username, subject, address, 'totp_reused', true);
    }
    await this.throttle.clear('address', address);
    await this.throttle.clear('account', username);
    const { token } = await this.sessions.create(account, kind, address);
    const mustChangePassword = this.sessions.mustChange(account, now);
    await this.record('auth.login', subject, { address, kind, mustChangePassword });
    return { ok: true, account, token, mustChangePassword };
  }

  /** A failed attempt: audited, counted against the address and (when it exists) the account, which it may lock. */
  private async failed(username: string, subject: string, address: string, reason: string, accountExists: boolean): Promise<LoginResult> {
    // the lock runs from when the failure is known, not from the request's start (hashing takes time)
    const failedAt = this.now();
    await this.record('auth.login_failure', subject, { address, reason });
    const addrLocked = await this.throttle.fail('address', address, failedAt);
    if (addrLocked !== null) await this.record('auth.lockout', `address:${address}`, { scope: 'address', address, until: new Date(addrLocked).toISOString(), lastUsername: username.slice(0, 64) });
    const acctLocked = accountExists ? await this.throttle.fail('account', username, failedAt) : null;
    if (acctLocked !== null) {
      await this.accounts.lock(username, acctLocked, 'system:auth', { scope: 'account', address });
      this.log.warn({ username, address }, 'account locked after repeated failed logins');
      return locked(acctLocked, failedAt);
    }
    if (reason === 'bad_totp' || reason === 'totp_reused') return { ok: false, status: 401, code: 'INVALID_TOTP', message: '动态验证码错误或已使用 / the code is wrong or was used already' };
    return { ok: false, status: 401, code: 'INVALID_CREDENTIALS', message: '用户名或密码错误 / wrong username or password' };
  }

  /** An administrator's unlock also clears the account's counted failures (in every process: they are in the database). */
  async unlocked(username: string): Promise<void> {
    await this.throttle.clear('account', username);
  }

  /** Housekeeping of the failure counts (the checks do not depend on it). */
  sweep(): Promise<void> {
    return this.throttle.sweep(this.now());
  }

  /**
   * Actors: a failed attempt is not anyone yet, so its actor is the address it came from; a lockout is
   * the system's; a login is the person's.
   */
  private record(action: string, subject: string, detail: Record<string, unknown> & { address: string }): Promise<void> {
    const actor = action === 'auth.login' || action === 'auth.totp_required' ? subject : action === 'auth.lockout' ? 'system:auth' : `address:${detail.address}`;
    return this.audit.append({ actor, action, subject, detail });
  }

  private async enter(): Promise<boolean> {
    if (this.hashing < MAX_HASHING) {
      this.hashing++;
      return true;
    }
    if (this.waiting.length >= MAX_WAITING) return false;
    await new Promise<void>((r) => this.waiting.push(r));
    return true;
  }

  private leave(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.hashing--;
  }
}

const secondsUntil = (t: number, now: number): number => Math.max(1, Math.ceil((t - now) / 1000));

function locked(until: number, now: number): LoginResult {
  return { ok: false, status: 423, code: 'ACCOUNT_LOCKED', message: `登录失败次数过多，账号已锁定 / account locked after repeated failed logins, until ${new Date(until).toISOString()}`, retryAfterS: secondsUntil(until, now), lockedUntil: new Date(until).toISOString() };
}
