import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Failed logins per account and per address, shared by every server process on the database (each used
 * to count its own, so N servers allowed N times the failures). `failures`: the times of the failures
 * still inside the window; `locked_until`: set when they reach the limit. Rows go at a successful login,
 * an administrator's unlock, or the sweep once neither a lock nor a failure in the window is left.
 */
export class LoginThrottle1763900000033 implements MigrationInterface {
  name = 'LoginThrottle1763900000033';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE login_throttle (
        scope        text NOT NULL CHECK (scope IN ('account', 'address')),
        key          text NOT NULL,
        failures     timestamptz[] NOT NULL DEFAULT '{}',
        locked_until timestamptz,
        PRIMARY KEY (scope, key)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE login_throttle`);
  }
}
