import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The audit administrator (等保 三员): people's accounts may have the role `auditor`, who reads and
 * exports the audit trail and nothing else (libs/security/src/roles.ts). The check lists every role an
 * account may have; a migration adding a role replaces it with the whole list.
 */
export class AuditorRole1763900000032 implements MigrationInterface {
  name = 'AuditorRole1763900000032';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE users DROP CONSTRAINT users_role_check`);
    await q.query(`ALTER TABLE users ADD CONSTRAINT users_role_check CHECK (role IN ('admin', 'dispatcher', 'planner', 'viewer', 'auditor'))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE users DROP CONSTRAINT users_role_check`);
    await q.query(`ALTER TABLE users ADD CONSTRAINT users_role_check CHECK (role IN ('admin', 'dispatcher', 'planner', 'viewer'))`);
  }
}
