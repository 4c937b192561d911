import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * MQTT credentials of units (issue #8): only a Mosquitto-compatible `$7$` PBKDF2-SHA512 hash is kept,
 * never the password. Revoking keeps the row (revoked_at) so the list shows who was cut off and when;
 * provisioning again replaces the hash and clears revoked_at.
 */
export class UnitCredentials1763900000004 implements MigrationInterface {
  name = 'UnitCredentials1763900000004';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE unit_credentials (
        unit_id        text PRIMARY KEY REFERENCES units(id) ON DELETE CASCADE,
        password_hash  text NOT NULL CHECK (password_hash LIKE '$7$%'),
        created_at     timestamptz NOT NULL DEFAULT now(),
        revoked_at     timestamptz
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE unit_credentials`);
  }
}
