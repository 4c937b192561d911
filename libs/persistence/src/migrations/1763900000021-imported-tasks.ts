import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Tasks imported from a centre's previous dispatch system (issue 13), and the call times the quality
 * indicators need (domain.md §4): ring and answer (10-second answer rate), order sent (dispatch time).
 * An imported task's id is `import-<external id>`, so a re-import finds it; its events carry source
 * 'import'. call_taken_at stays the 受理 time the live code uses (answer, else ring, else order).
 */
export class ImportedTasks1763900000021 implements MigrationInterface {
  name = 'ImportedTasks1763900000021';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE tasks
        ADD COLUMN source                text NOT NULL DEFAULT 'live' CHECK (source IN ('live', 'import')),
        ADD COLUMN external_id           text,
        ADD COLUMN call_ring_at          timestamptz,
        ADD COLUMN call_answered_at      timestamptz,
        ADD COLUMN order_sent_at         timestamptz,
        ADD COLUMN dispatcher            text,
        ADD COLUMN call_type             text,
        ADD COLUMN destination_hospital  text`);
    await q.query(`CREATE UNIQUE INDEX tasks_external_id_idx ON tasks (external_id) WHERE external_id IS NOT NULL`);
    await q.query(`ALTER TABLE task_events DROP CONSTRAINT task_events_source_check`);
    await q.query(`ALTER TABLE task_events ADD CONSTRAINT task_events_source_check CHECK (source IN ('terminal', 'dispatcher', 'import'))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE task_events DROP CONSTRAINT task_events_source_check`);
    await q.query(`ALTER TABLE task_events ADD CONSTRAINT task_events_source_check CHECK (source IN ('terminal', 'dispatcher'))`);
    await q.query(`DROP INDEX tasks_external_id_idx`);
    await q.query(`ALTER TABLE tasks DROP COLUMN source, DROP COLUMN external_id, DROP COLUMN call_ring_at, DROP COLUMN call_answered_at,
                     DROP COLUMN order_sent_at, DROP COLUMN dispatcher, DROP COLUMN call_type, DROP COLUMN destination_hospital`);
  }
}
