import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * JT/T 808 terminals (issue 12): the terminal phone number (BCD digits of the frame header, leading
 * zeros dropped so a 2013 and a 2019 header of one SIM agree) of each unit, and the hash of the
 * authentication code the platform gave it on registration (0x8100), stored like the MQTT passwords
 * (`$7$` PBKDF2-SHA512). NULL = provisioned, waiting for the terminal to register. One terminal per
 * unit; revoking keeps the row with revoked_at.
 */
export class Jt808Terminals1763900000010 implements MigrationInterface {
  name = 'Jt808Terminals1763900000010';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE jt808_terminals (
        phone           text PRIMARY KEY CHECK (phone ~ '^[1-9][0-9]{0,19}$'),
        unit_id         text NOT NULL UNIQUE REFERENCES units(id) ON DELETE CASCADE,
        auth_code_hash  text CHECK (auth_code_hash LIKE '$7$%'),
        created_at      timestamptz NOT NULL DEFAULT now(),
        registered_at   timestamptz,
        revoked_at      timestamptz
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE jt808_terminals`);
  }
}
