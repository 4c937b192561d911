import type { Logger } from 'pino';
import type { AppConfig } from '@rescue/config';
import { type AccountRow, AccountsRepository } from '@rescue/persistence';
import { generateSessionToken, hashSessionToken, sessionExpiry } from '@rescue/security';
import type { ApiCaller } from '../security/access.decorators';

/** Why a presented session is not valid (the 401's code says which). */
export type SessionRefusal = 'unknown' | 'idle' | 'max_age' | 'disabled';

interface Cached {
  createdAt: number;
  lastSeenAt: number;
  /** When lastSeenAt was last written to the database. */
  storedSeenAt: number;
  /** When the row was read: re-read after REFRESH_MS so a logout, disable or role change made by another process shows. */
  fetchedAt: number;
  account: AccountRow;
}

const REFRESH_MS = 30_000;
const MAX_CACHED = 10_000;

/**
 * People's sessions: created at login, checked on every request by the guard, ended at logout, idle
 * timeout or absolute lifetime. Stored as token hashes in user_sessions (they survive a restart and are
 * shared by several servers); a small cache spares the database a query per request, and last use is
 * written at most every min(60 s, idle/4), so the idle timeout is exact to that.
 */
export class SessionService {
  private readonly cache = new Map<string, Cached>();
  readonly idleMs: number;
  readonly maxAgeMs: number;
  private readonly passwordMaxAgeMs: number | null;
  private readonly touchEveryMs: number;

  constructor(
    private readonly repo: AccountsRepository,
    cfg: Pick<AppConfig, 'sessionIdleTimeoutS' | 'sessionMaxAgeS' | 'passwordMaxAgeDays'>,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {
    this.idleMs = cfg.sessionIdleTimeoutS * 1000;
    this.maxAgeMs = cfg.sessionMaxAgeS * 1000;
    this.passwordMaxAgeMs = cfg.passwordMaxAgeDays > 0 ? cfg.passwordMaxAgeDays * 86_400_000 : null;
    this.touchEveryMs = Math.min(60_000, this.idleMs / 4);
  }

  /** A new session for the account: the token (given to the client once) and its hash (kept). */
  async create(account: AccountRow, kind: 'cookie' | 'bearer', address: string | null): Promise<{ token: string; hash: string }> {
    const token = generateSessionToken();
    const hash = hashSessionToken(token);
    await this.repo.createSession(hash, account.id, kind, address);
    return { token, hash };
  }

  /** The caller a session token stands for, or why it does not stand for one. Counts as a use (idle timer). */
  async resolve(token: string): Promise<{ caller: ApiCaller } | { refused: SessionRefusal }> {
    const hash = hashSessionToken(token);
    const now = this.now();
    let c = this.cache.get(hash);
    if (!c || now - c.fetchedAt > REFRESH_MS) {
      const row = await this.repo.session(hash);
      if (!row) {
        this.cache.delete(hash);
        return { refused: 'unknown' };
      }
      const lastSeenAt = Math.max(row.lastSeenAt, c?.lastSeenAt ?? 0);
      c = { createdAt: row.createdAt, lastSeenAt, storedSeenAt: row.lastSeenAt, fetchedAt: now, account: row.account };
      this.remember(hash, c);
    }
    const expired = sessionExpiry(c, now, { idleMs: this.idleMs, maxAgeMs: this.maxAgeMs });
    if (expired || c.account.disabledAt !== null) {
      await this.end(hash);
      return { refused: expired ?? 'disabled' };
    }
    c.lastSeenAt = now;
    if (now - c.storedSeenAt >= this.touchEveryMs) {
      c.storedSeenAt = now;
      this.repo.touchSession(hash, now).catch((err: Error) => this.log.warn({ err: err.message }, 'could not record a session\'s last use'));
    }
    const a = c.account;
    return { caller: { kind: 'user', name: a.username, role: a.role, sessionHash: hash, mustChangePassword: this.mustChange(a, now) } };
  }

  /** First login, an administrator's reset, or a password older than PASSWORD_MAX_AGE_DAYS. */
  mustChange(a: Pick<AccountRow, 'mustChangePassword' | 'passwordChangedAt'>, now = this.now()): boolean {
    return a.mustChangePassword || (this.passwordMaxAgeMs !== null && now - a.passwordChangedAt >= this.passwordMaxAgeMs);
  }

  async end(hash: string): Promise<void> {
    this.cache.delete(hash);
    await this.repo.deleteSession(hash);
  }

  /** After any account change on this process: re-read every session's account on its next use. */
  forget(): void {
    this.cache.clear();
  }

  async sweep(): Promise<void> {
    await this.repo.deleteExpiredSessions(this.idleMs, this.maxAgeMs);
  }

  private remember(hash: string, c: Cached): void {
    this.cache.delete(hash);
    this.cache.set(hash, c);
    while (this.cache.size > MAX_CACHED) this.cache.delete(this.cache.keys().next().value!);
  }
}
