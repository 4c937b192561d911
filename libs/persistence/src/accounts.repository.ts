import { DataSource, EntityManager } from 'typeorm';
import { AuditRepository } from './audit.repository';
import { type DbBigint, type DbTimestamp, selectRow, selectRows } from './rows';

export type AccountRole = 'admin' | 'dispatcher' | 'planner' | 'viewer' | 'auditor' | 'hospital';

export interface AccountRow {
  id: number;
  username: string;
  role: AccountRole;
  centre: string | null;
  passwordHash: string;
  /** ms since epoch */
  passwordChangedAt: number;
  mustChangePassword: boolean;
  lockedUntil: number | null;
  disabledAt: number | null;
  createdAt: number;
  /** The confirmed TOTP secret (base32) when the second factor is on, else null. */
  totpSecret: string | null;
  /** An enrolment not yet confirmed with a code. */
  totpPendingSecret: string | null;
  /** The last 30 s step whose code was accepted. */
  totpLastStep: number | null;
}

/** What an administrator sees: never the hash nor a TOTP secret; `totp` says whether the second factor is on. */
export type AccountSummary = Omit<AccountRow, 'passwordHash' | 'id' | 'totpSecret' | 'totpPendingSecret' | 'totpLastStep'> & { totp: boolean };

export interface SessionRow {
  tokenHash: string;
  kind: 'cookie' | 'bearer';
  createdAt: number;
  lastSeenAt: number;
  account: AccountRow;
}

const ms = (v: unknown): number | null => (v === null || v === undefined ? null : new Date(v as string).getTime());
const COLS = 'u.id, u.username, u.role, u.centre, u.password_hash, u.password_changed_at, u.must_change_password, u.locked_until, u.disabled_at, u.created_at, u.totp_secret, u.totp_pending_secret, u.totp_last_step';

/** users as the driver returns it (a boolean may come as 't' from PGlite's text protocol). */
interface AccountDbRow {
  id: DbBigint;
  username: string;
  role: AccountRole;
  centre: string | null;
  password_hash: string;
  password_changed_at: DbTimestamp;
  must_change_password: boolean | string;
  locked_until: DbTimestamp | null;
  disabled_at: DbTimestamp | null;
  created_at: DbTimestamp;
  totp_secret: string | null;
  totp_pending_secret: string | null;
  totp_last_step: DbBigint | null;
}

interface SessionDbRow extends AccountDbRow {
  token_hash: string;
  kind: 'cookie' | 'bearer';
  s_created: DbTimestamp;
  last_seen_at: DbTimestamp;
}

const account = (r: AccountDbRow): AccountRow => ({
  id: Number(r.id),
  username: r.username,
  role: r.role,
  centre: r.centre ?? null,
  passwordHash: r.password_hash,
  passwordChangedAt: ms(r.password_changed_at)!,
  mustChangePassword: r.must_change_password === true || r.must_change_password === 't',
  lockedUntil: ms(r.locked_until),
  disabledAt: ms(r.disabled_at),
  createdAt: ms(r.created_at)!,
  totpSecret: r.totp_secret ?? null,
  totpPendingSecret: r.totp_pending_secret ?? null,
  totpLastStep: r.totp_last_step === null || r.totp_last_step === undefined ? null : Number(r.totp_last_step),
});

export const summary = ({ passwordHash: _h, id: _i, totpSecret, totpPendingSecret: _p, totpLastStep: _l, ...rest }: AccountRow): AccountSummary => ({ ...rest, totp: totpSecret !== null });

export class AccountError extends Error {
  constructor(readonly code: 'USERNAME_TAKEN' | 'NO_SUCH_USER' | 'NO_TOTP_ENROLMENT', message: string) {
    super(message);
  }
}

/**
 * users and user_sessions. Every change to an account goes with its audit record in one transaction
 * (`actor` as in the trail: `key:<name>`, `user:<name>`, `system:cli`), for the server and the CLI alike.
 */
export class AccountsRepository {
  private readonly audit: AuditRepository;

  constructor(private readonly db: DataSource) {
    this.audit = new AuditRepository(db);
  }

  async count(): Promise<number> {
    const rows: Array<{ n: string }> = await this.db.query(`SELECT count(*)::text AS n FROM users`);
    return Number(rows[0]!.n);
  }

  async byUsername(username: string): Promise<AccountRow | null> {
    const r = await selectRow<AccountDbRow>(this.db, `SELECT ${COLS} FROM users u WHERE u.username = $1`, [username]);
    return r ? account(r) : null;
  }

  async list(): Promise<AccountSummary[]> {
    return (await selectRows<AccountDbRow>(this.db, `SELECT ${COLS} FROM users u ORDER BY u.username`)).map((r) => summary(account(r)));
  }

  async create(a: { username: string; role: AccountRole; centre: string | null; passwordHash: string; mustChange: boolean }, actor: string): Promise<AccountSummary> {
    return this.db.transaction(async (m) => {
      const rows = await selectRows<AccountDbRow>(
        m,
        `INSERT INTO users (username, role, centre, password_hash, must_change_password) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (username) DO NOTHING RETURNING ${COLS.replace(/u\./g, '')}`,
        [a.username, a.role, a.centre, a.passwordHash, a.mustChange],
      );
      if (rows.length === 0) throw new AccountError('USERNAME_TAKEN', `user ${a.username} exists already`);
      await this.audit.append({ actor, action: 'user.create', subject: `user:${a.username}`, detail: { role: a.role, centre: a.centre } }, m);
      return summary(account(rows[0]!));
    });
  }

  /** Applies one change to an existing account and appends its record; NO_SUCH_USER otherwise. */
  private async change(username: string, actor: string, action: string, set: string, params: unknown[], detail: Record<string, unknown>, m?: EntityManager): Promise<AccountSummary> {
    const run = async (mm: EntityManager) => {
      const rows = await selectRows<AccountDbRow>(
        mm,
        `WITH c AS (UPDATE users SET ${set} WHERE username = $1 RETURNING *) SELECT ${COLS} FROM c u`,
        [username, ...params],
      );
      if (rows.length === 0) throw new AccountError('NO_SUCH_USER', `no user ${username}`);
      await this.audit.append({ actor, action, subject: `user:${username}`, detail }, mm);
      return summary(account(rows[0]!));
    };
    return m ? run(m) : this.db.transaction(run);
  }

  async setRole(username: string, role: AccountRole, actor: string): Promise<AccountSummary> {
    const before = await this.byUsername(username);
    return this.change(username, actor, 'user.role', 'role = $2', [role], { from: before?.role ?? null, to: role });
  }

  /** Disabling also ends the account's sessions. */
  async setDisabled(username: string, disabled: boolean, actor: string): Promise<AccountSummary> {
    return this.db.transaction(async (m) => {
      const s = await this.change(username, actor, disabled ? 'user.disable' : 'user.enable', `disabled_at = ${disabled ? 'now()' : 'NULL'}`, [], {}, m);
      if (disabled) await m.query(`DELETE FROM user_sessions WHERE user_id = (SELECT id FROM users WHERE username = $1)`, [username]);
      return s;
    });
  }

  /**
   * A new password hash. `byAdmin`: a reset (the user must change it at the next login, and their sessions
   * end); otherwise the user's own change (other sessions end, the current one stays).
   */
  async setPassword(username: string, passwordHash: string, actor: string, opts: { byAdmin: boolean; keepSessionHash?: string }): Promise<AccountSummary> {
    return this.db.transaction(async (m) => {
      const s = await this.change(
        username, actor, opts.byAdmin ? 'user.password_reset' : 'user.password_change',
        'password_hash = $2, password_changed_at = now(), must_change_password = $3, locked_until = NULL', [passwordHash, opts.byAdmin], {}, m,
      );
      await m.query(
        `DELETE FROM user_sessions WHERE user_id = (SELECT id FROM users WHERE username = $1) AND token_hash IS DISTINCT FROM $2`,
        [username, opts.keepSessionHash ?? null],
      );
      return s;
    });
  }

  /** Records a lockout (kept over a restart) with its audit record. */
  async lock(username: string, until: number, actor: string, detail: Record<string, unknown>): Promise<void> {
    await this.change(username, actor, 'auth.lockout', 'locked_until = $2', [new Date(until).toISOString()], { until: new Date(until).toISOString(), ...detail }).catch((e) => {
      if (!(e instanceof AccountError)) throw e;
    });
  }

  async unlock(username: string, actor: string): Promise<AccountSummary> {
    return this.change(username, actor, 'user.unlock', 'locked_until = NULL', [], {});
  }

  // ------------------------------------------------------------------------------------ second factor

  /** A new TOTP secret awaiting confirmation (replaces an earlier unconfirmed one); the factor is not on yet. */
  async startTotpEnrolment(username: string, secret: string, actor: string): Promise<AccountSummary> {
    return this.change(username, actor, 'user.totp_enrol', 'totp_pending_secret = $2', [secret], {});
  }

  /** The person's code matched the pending secret at `step`: the second factor is on from now. */
  async confirmTotp(username: string, step: number, actor: string): Promise<AccountSummary> {
    const a = await this.byUsername(username);
    if (!a) throw new AccountError('NO_SUCH_USER', `no user ${username}`);
    if (!a.totpPendingSecret) throw new AccountError('NO_TOTP_ENROLMENT', `user ${username} has no TOTP enrolment to confirm`);
    return this.change(
      username, actor, 'user.totp_enable',
      'totp_secret = totp_pending_secret, totp_pending_secret = NULL, totp_enabled_at = now(), totp_last_step = $2', [step], {},
    );
  }

  /** Turns the second factor off (an administrator, e.g. for a lost phone); the account's sessions stay. */
  async disableTotp(username: string, actor: string): Promise<AccountSummary> {
    return this.change(username, actor, 'user.totp_disable', 'totp_secret = NULL, totp_pending_secret = NULL, totp_enabled_at = NULL, totp_last_step = NULL', [], {});
  }

  /**
   * Accepts a code's step only if it is later than the last accepted one (atomically, so two logins
   * racing with one code cannot both pass). False: the code was used already.
   */
  async acceptTotpStep(username: string, step: number): Promise<boolean> {
    const rows: unknown[] = await this.db.query(
      // a CTE: TypeORM answers a bare UPDATE with [rows, count] and a SELECT with rows
      `WITH c AS (UPDATE users SET totp_last_step = $2 WHERE username = $1 AND totp_secret IS NOT NULL AND (totp_last_step IS NULL OR totp_last_step < $2) RETURNING 1) SELECT 1 FROM c`,
      [username, step],
    );
    return rows.length === 1;
  }

  // ------------------------------------------------------------------------------------------- sessions

  async createSession(tokenHash: string, accountId: number, kind: 'cookie' | 'bearer', address: string | null): Promise<void> {
    await this.db.query(`INSERT INTO user_sessions (token_hash, user_id, kind, address) VALUES ($1, $2, $3, $4)`, [tokenHash, accountId, kind, address]);
  }

  async session(tokenHash: string): Promise<SessionRow | null> {
    const r = await selectRow<SessionDbRow>(
      this.db,
      `SELECT s.token_hash, s.kind, s.created_at AS s_created, s.last_seen_at, ${COLS}
       FROM user_sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1`,
      [tokenHash],
    );
    if (!r) return null;
    return { tokenHash: r.token_hash, kind: r.kind, createdAt: ms(r.s_created)!, lastSeenAt: ms(r.last_seen_at)!, account: account(r) };
  }

  async touchSession(tokenHash: string, at: number): Promise<void> {
    await this.db.query(`UPDATE user_sessions SET last_seen_at = $2 WHERE token_hash = $1`, [tokenHash, new Date(at).toISOString()]);
  }

  async deleteSession(tokenHash: string): Promise<void> {
    await this.db.query(`DELETE FROM user_sessions WHERE token_hash = $1`, [tokenHash]);
  }

  /** Drops sessions past either limit (housekeeping; the check at each request does not depend on it). */
  async deleteExpiredSessions(idleMs: number, maxAgeMs: number): Promise<void> {
    await this.db.query(
      `DELETE FROM user_sessions WHERE last_seen_at < now() - ($1::bigint * interval '1 millisecond') OR created_at < now() - ($2::bigint * interval '1 millisecond')`,
      [idleMs, maxAgeMs],
    );
  }
}
