import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * People's accounts (API keys stay for machines) and their login sessions. Only hashes are stored:
 * scrypt for passwords, SHA-256 for session tokens. `locked_until` keeps an account's lockout over a
 * restart. Sessions go with their account (ON DELETE CASCADE), though accounts are disabled, not deleted,
 * so the audit trail's actor names stay meaningful.
 */
export class UserAccounts1763900000030 implements MigrationInterface {
  name = 'UserAccounts1763900000030';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE users (
        id                   bigserial PRIMARY KEY,
        username             text NOT NULL UNIQUE,
        role                 text NOT NULL CHECK (role IN ('admin', 'dispatcher', 'planner', 'viewer')),
        centre               text,
        password_hash        text NOT NULL,
        password_changed_at  timestamptz NOT NULL DEFAULT now(),
        must_change_password boolean NOT NULL DEFAULT true,
        locked_until         timestamptz,
        disabled_at          timestamptz,
        created_at           timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE user_sessions (
        token_hash   text PRIMARY KEY,
        user_id      bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        created_at   timestamptz NOT NULL DEFAULT now(),
        last_seen_at timestamptz NOT NULL DEFAULT now(),
        address      text,
        kind         text NOT NULL CHECK (kind IN ('cookie', 'bearer'))
      )`);
    await q.query(`CREATE INDEX user_sessions_user_idx ON user_sessions (user_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE user_sessions`);
    await q.query(`DROP TABLE users`);
  }
}
