import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Terminal alarms as unit events (issue 12): the JT/T 808 alarm flags of location reports. One row per
 * alarm episode: raised by the first report with the bit, cleared by the first later one without it.
 * unit_alarm_state holds each unit's newest report (flags and time), so a batch is judged against it
 * in its own transaction; late re-uploads add closed episodes (late = true) without touching it.
 */
export class UnitAlarms1763900000012 implements MigrationInterface {
  name = 'UnitAlarms1763900000012';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE unit_alarms (
        id           bigserial PRIMARY KEY,
        unit_id      text NOT NULL REFERENCES units(id),
        bit          smallint NOT NULL CHECK (bit BETWEEN 0 AND 31),
        code         text NOT NULL,
        raised_at    timestamptz NOT NULL,
        cleared_at   timestamptz,
        lat          double precision,
        lon          double precision,
        late         boolean NOT NULL DEFAULT false,
        received_at  timestamptz NOT NULL
      )`);
    // A resent report raises nothing twice; at most one open episode per unit and bit.
    await q.query(`CREATE UNIQUE INDEX unit_alarms_episode_uq ON unit_alarms (unit_id, bit, raised_at)`);
    await q.query(`CREATE UNIQUE INDEX unit_alarms_open_uq ON unit_alarms (unit_id, bit) WHERE cleared_at IS NULL`);
    await q.query(`CREATE INDEX unit_alarms_unit_idx ON unit_alarms (unit_id, raised_at DESC)`);
    await q.query(`
      CREATE TABLE unit_alarm_state (
        unit_id  text PRIMARY KEY REFERENCES units(id),
        flags    bigint NOT NULL,
        ts       timestamptz NOT NULL
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE unit_alarm_state`);
    await q.query(`DROP TABLE unit_alarms`);
  }
}
