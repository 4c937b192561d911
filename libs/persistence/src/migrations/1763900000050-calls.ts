import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Calls (受理的呼救, issue 14): the incident as the dispatcher took it, before and beside its tasks.
 * - calls: start time (ring and answer as entered), the dispatcher, the location (WGS-84, with the datum
 *   and numbers as entered), address text, priority (病情就急: 1 most urgent), chief complaint and the
 *   capabilities asked for. A call is pending until a unit is sent, dispatched while it has tasks,
 *   closed when its tasks ended, unserved when closed without a unit (with the reason).
 * - tasks.call_id: the tasks sent for a call (several for a mass-casualty incident).
 * - tasks.hospital_id: the receiving hospital chosen on the board (destination_hospital stays the
 *   imported name from a previous system).
 * - hospital_access: which hospital an API key or account of role `hospital` speaks for
 *   (principal `key:<name>` or `user:<username>`); it sees only the tasks sent there.
 */
export class Calls1763900000050 implements MigrationInterface {
  name = 'Calls1763900000050';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE calls (
        id                     text PRIMARY KEY,
        state                  text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'dispatched', 'closed', 'unserved')),
        ring_at                timestamptz,
        answered_at            timestamptz NOT NULL,
        dispatcher             text NOT NULL,
        lat                    double precision NOT NULL CHECK (lat BETWEEN -90 AND 90),
        lon                    double precision NOT NULL CHECK (lon BETWEEN -180 AND 180),
        input_crs              text NOT NULL CHECK (input_crs IN ('WGS84', 'GCJ02', 'BD09')),
        input_lat              double precision NOT NULL,
        input_lon              double precision NOT NULL,
        address                text,
        priority               smallint NOT NULL CHECK (priority BETWEEN 1 AND 4),
        chief_complaint        text,
        required_capabilities  text[] NOT NULL DEFAULT '{}',
        close_reason           text,
        closed_at              timestamptz,
        created_at             timestamptz NOT NULL DEFAULT now(),
        CHECK (state <> 'unserved' OR close_reason IS NOT NULL)
      )`);
    await q.query(`CREATE INDEX calls_open_idx ON calls (priority, answered_at) WHERE state IN ('pending', 'dispatched')`);
    await q.query(`
      ALTER TABLE tasks
        ADD COLUMN call_id            text REFERENCES calls(id),
        ADD COLUMN hospital_id        text REFERENCES hospitals(id),
        ADD COLUMN hospital_chosen_at timestamptz`);
    await q.query(`CREATE INDEX tasks_call_idx ON tasks (call_id) WHERE call_id IS NOT NULL`);
    await q.query(`CREATE INDEX tasks_active_hospital_idx ON tasks (hospital_id) WHERE state = 'active'`);
    await q.query(`
      CREATE TABLE hospital_access (
        principal    text PRIMARY KEY CHECK (principal ~ '^(key|user):'),
        hospital_id  text NOT NULL REFERENCES hospitals(id),
        created_at   timestamptz NOT NULL DEFAULT now()
      )`);
    // People of a receiving hospital may have accounts too. 'auditor' is issue 18's role, landing
    // beside this one: the union, so either migration's order leaves both allowed.
    await q.query(`ALTER TABLE users DROP CONSTRAINT IF EXISTS users_role_check`);
    await q.query(`ALTER TABLE users ADD CONSTRAINT users_role_check CHECK (role IN ('admin', 'dispatcher', 'planner', 'viewer', 'auditor', 'hospital'))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE users DROP CONSTRAINT users_role_check`);
    await q.query(`ALTER TABLE users ADD CONSTRAINT users_role_check CHECK (role IN ('admin', 'dispatcher', 'planner', 'viewer', 'auditor'))`);
    await q.query(`DROP TABLE hospital_access`);
    await q.query(`DROP INDEX tasks_active_hospital_idx`);
    await q.query(`DROP INDEX tasks_call_idx`);
    await q.query(`ALTER TABLE tasks DROP COLUMN call_id, DROP COLUMN hospital_id, DROP COLUMN hospital_chosen_at`);
    await q.query(`DROP TABLE calls`);
  }
}
