import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Dispatch tasks and the unit lifecycle trail.
 * - tasks: one row per request; the partial unique index lets a unit hold one active task at most, so
 *   of two concurrent assignments of one unit the database lets exactly one commit.
 * - task_events: every status transition with its time, its source and the unit's fix at that moment.
 * - unit_status_reports: terminal status reports exactly as ingest received them (durable before the
 *   MQTT acknowledgement); the lifecycle applies them in order and records the verdict.
 */
export class Tasks1763900000002 implements MigrationInterface {
  name = 'Tasks1763900000002';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE tasks (
        id                     text PRIMARY KEY,
        unit_id                text REFERENCES units(id),
        station_id             text,
        state                  text NOT NULL CHECK (state IN ('active', 'completed', 'void', 'unserved')),
        priority               smallint NOT NULL CHECK (priority BETWEEN 1 AND 4),
        emergency              boolean NOT NULL DEFAULT true,
        incident_lat           double precision NOT NULL,
        incident_lon           double precision NOT NULL,
        incident_crs           text NOT NULL,
        incident_input_lat     double precision NOT NULL,
        incident_input_lon     double precision NOT NULL,
        required_capabilities  text[] NOT NULL DEFAULT '{}',
        outcome                text,
        outcome_reason         text,
        call_taken_at          timestamptz NOT NULL,
        order_received_at      timestamptz,
        departed_at            timestamptz,
        on_scene_at            timestamptz,
        left_scene_at          timestamptz,
        at_hospital_at         timestamptz,
        ended_at               timestamptz,
        created_at             timestamptz NOT NULL DEFAULT now(),
        CHECK (state = 'unserved' OR unit_id IS NOT NULL)
      )`);
    await q.query(`CREATE UNIQUE INDEX tasks_one_active_task_per_unit ON tasks (unit_id) WHERE state = 'active'`);
    await q.query(`CREATE INDEX tasks_call_taken_idx ON tasks (call_taken_at)`);
    await q.query(`
      CREATE TABLE task_events (
        id           bigserial PRIMARY KEY,
        task_id      text REFERENCES tasks(id),
        unit_id      text NOT NULL REFERENCES units(id),
        from_status  text,
        to_status    text NOT NULL,
        ts           timestamptz NOT NULL,
        source       text NOT NULL CHECK (source IN ('terminal', 'dispatcher')),
        reason       text,
        fix_ts       timestamptz,
        fix_lat      double precision,
        fix_lon      double precision,
        recorded_at  timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX task_events_task_idx ON task_events (task_id, id)`);
    await q.query(`
      CREATE TABLE unit_status_reports (
        id           bigserial PRIMARY KEY,
        unit_id      text NOT NULL,
        ts           timestamptz NOT NULL,
        status       text NOT NULL,
        task_id      text,
        source       text NOT NULL,
        received_at  timestamptz NOT NULL,
        applied      boolean,
        verdict      text
      )`);
    await q.query(`CREATE INDEX unit_status_reports_pending_idx ON unit_status_reports (id) WHERE applied IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE unit_status_reports`);
    await q.query(`DROP TABLE task_events`);
    await q.query(`DROP TABLE tasks`);
  }
}
