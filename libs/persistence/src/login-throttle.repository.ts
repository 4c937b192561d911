import type { DataSource } from 'typeorm';

export type ThrottleScope = 'account' | 'address';

export interface LoginThrottleRules {
  maxFailures: number;
  windowMs: number;
  lockMs: number;
}

const iso = (ms: number): string => new Date(ms).toISOString();
const ms = (v: unknown): number | null => (v === null || v === undefined ? null : new Date(v as string).getTime());

/**
 * Failed logins counted per account and per address in the database (login_throttle), so every server
 * process on it counts the same failures: `maxFailures` within `windowMs` (sliding) lock the key for
 * `lockMs`. Times come from the caller's clock, as the answers' lockedUntil do. Each failure is one
 * atomic upsert, so failures arriving at two processes at once are both counted. Growth is bounded by
 * the login path itself (one row per failed attempt at most, and attempts wait for a password hash) and
 * by `sweep`.
 */
export class LoginThrottleRepository {
  constructor(
    private readonly db: DataSource,
    private readonly rules: LoginThrottleRules,
  ) {}

  /** ms since epoch until which the key is locked, or null. */
  async lockedUntil(scope: ThrottleScope, key: string, now: number): Promise<number | null> {
    const rows: Array<{ locked_until: unknown }> = await this.db.query(
      `SELECT locked_until FROM login_throttle WHERE scope = $1 AND key = $2 AND locked_until > $3`,
      [scope, key, iso(now)],
    );
    return rows.length > 0 ? ms(rows[0]!.locked_until) : null;
  }

  /** Records a failure; returns the lock's end when this failure locked the key, else null. */
  async fail(scope: ThrottleScope, key: string, now: number): Promise<number | null> {
    const since = iso(now - this.rules.windowMs);
    const rows: Array<{ n: number | string }> = await this.db.query(
      `INSERT INTO login_throttle AS t (scope, key, failures) VALUES ($1, $2, ARRAY[$3::timestamptz])
       ON CONFLICT (scope, key) DO UPDATE
         SET failures = array_append(ARRAY(SELECT f FROM unnest(t.failures) f WHERE f > $4::timestamptz), $3::timestamptz)
       RETURNING cardinality(t.failures) AS n`,
      [scope, key, iso(now), since],
    );
    if (Number(rows[0]!.n) < this.rules.maxFailures) return null;
    const until = now + this.rules.lockMs;
    // the failures that made the lock are spent: after it ends, the count starts again
    await this.db.query(`UPDATE login_throttle SET failures = '{}', locked_until = $3 WHERE scope = $1 AND key = $2`, [scope, key, iso(until)]);
    return until;
  }

  /** A successful login, or an administrator's unlock: the key's failures and lock are gone. */
  async clear(scope: ThrottleScope, key: string): Promise<void> {
    await this.db.query(`DELETE FROM login_throttle WHERE scope = $1 AND key = $2`, [scope, key]);
  }

  /** Drops rows with neither a lock nor a failure left in the window. */
  async sweep(now: number): Promise<void> {
    await this.db.query(
      `DELETE FROM login_throttle
       WHERE (locked_until IS NULL OR locked_until <= $1)
         AND (cardinality(failures) = 0 OR failures[cardinality(failures)] <= $2)`,
      [iso(now), iso(now - this.rules.windowMs)],
    );
  }
}
