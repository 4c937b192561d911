import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The audit trail: who (actor), when (at), what (action, subject, detail) for every assignment, task
 * event and credential change. Append-only in the database itself, so no code path (nor a mistaken
 * statement) can rewrite history: row triggers refuse UPDATE and DELETE, a statement trigger refuses
 * TRUNCATE. Plain PL/pgSQL triggers: the same on PGlite and PostgreSQL. The table's owner can still
 * disable or drop them (PostgreSQL allows an owner that); README "Audit" says so.
 */
export class AuditLog1763900000003 implements MigrationInterface {
  name = 'AuditLog1763900000003';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE audit_log (
        id       bigserial PRIMARY KEY,
        at       timestamptz NOT NULL DEFAULT now(),
        actor    text NOT NULL,
        action   text NOT NULL,
        subject  text NOT NULL,
        detail   jsonb NOT NULL DEFAULT '{}'::jsonb
      )`);
    await q.query(`CREATE INDEX audit_log_subject_idx ON audit_log (subject, id)`);
    await q.query(`CREATE INDEX audit_log_actor_idx ON audit_log (actor, id)`);
    await q.query(`
      CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
      END
      $$`);
    await q.query(`CREATE TRIGGER audit_log_no_update_delete BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()`);
    await q.query(`CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE audit_log`);
    await q.query(`DROP FUNCTION audit_log_append_only()`);
  }
}
