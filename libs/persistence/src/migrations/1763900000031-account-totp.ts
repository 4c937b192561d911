import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The optional TOTP second factor of people's accounts. The secret has to be kept as it is (the server
 * computes codes from it), so it is as sensitive as the database itself: backups are to be kept like
 * the live database (docs/security.md). `totp_pending_secret` holds an enrolment until a code confirms it;
 * `totp_last_step` is the last 30 s step accepted, so that a code logs in once.
 */
export class AccountTotp1763900000031 implements MigrationInterface {
  name = 'AccountTotp1763900000031';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE users
        ADD COLUMN totp_secret         text,
        ADD COLUMN totp_pending_secret text,
        ADD COLUMN totp_enabled_at     timestamptz,
        ADD COLUMN totp_last_step      bigint`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE users DROP COLUMN totp_secret, DROP COLUMN totp_pending_secret, DROP COLUMN totp_enabled_at, DROP COLUMN totp_last_step`);
  }
}
