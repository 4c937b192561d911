import { MigrationInterface, QueryRunner } from 'typeorm';

/** Stations, units and the bounded dead-letter table: plain PostgreSQL everywhere. */
export class CoreSchema1763900000000 implements MigrationInterface {
  name = 'CoreSchema1763900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE stations (
        id          text PRIMARY KEY,
        name        text NOT NULL,
        lat         double precision NOT NULL CHECK (lat BETWEEN -90 AND 90),
        lon         double precision NOT NULL CHECK (lon BETWEEN -180 AND 180),
        area_class  text NOT NULL DEFAULT 'urban',
        created_at  timestamptz NOT NULL DEFAULT now()
      )`);
    // A unit row appears when a terminal first reports (ingest registers it) or when an admin adds it.
    await q.query(`
      CREATE TABLE units (
        id            text PRIMARY KEY,
        name          text,
        station_id    text REFERENCES stations(id) ON DELETE SET NULL,
        capabilities  text[] NOT NULL DEFAULT '{}',
        status        text,
        status_ts     timestamptz,
        task_id       text,
        online        boolean NOT NULL DEFAULT false,
        presence_ts   timestamptz,
        created_at    timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE ingest_dead_letters (
        id           bigserial PRIMARY KEY,
        received_at  timestamptz NOT NULL,
        topic        text NOT NULL,
        unit_id      text,
        reason       text NOT NULL,
        detail       text NOT NULL,
        raw          text NOT NULL
      )`);
    await q.query(`CREATE INDEX ingest_dead_letters_reason_idx ON ingest_dead_letters (reason, received_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE ingest_dead_letters`);
    await q.query(`DROP TABLE units`);
    await q.query(`DROP TABLE stations`);
  }
}
