import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A centre's own registry (issue 13): stations gain type, address and the coordinates as they were
 * given (system and numbers; lat/lon stay WGS-84); units gain plate and terminal; hospitals with their
 * certified centres (domain.md §4b).
 */
export class Registry1763900000020 implements MigrationInterface {
  name = 'Registry1763900000020';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE stations
        ADD COLUMN kind       text,
        ADD COLUMN address    text,
        ADD COLUMN input_crs  text NOT NULL DEFAULT 'WGS84' CHECK (input_crs IN ('WGS84', 'GCJ02', 'BD09')),
        ADD COLUMN input_lat  double precision,
        ADD COLUMN input_lon  double precision,
        ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now()`);
    await q.query(`
      ALTER TABLE units
        ADD COLUMN plate          text,
        ADD COLUMN terminal_kind  text,
        ADD COLUMN terminal_id    text,
        ADD COLUMN updated_at     timestamptz NOT NULL DEFAULT now()`);
    await q.query(`
      CREATE TABLE hospitals (
        id            text PRIMARY KEY,
        name          text NOT NULL,
        grade         text,
        address       text,
        capabilities  text[] NOT NULL DEFAULT '{}',
        lat           double precision NOT NULL CHECK (lat BETWEEN -90 AND 90),
        lon           double precision NOT NULL CHECK (lon BETWEEN -180 AND 180),
        input_crs     text NOT NULL DEFAULT 'WGS84' CHECK (input_crs IN ('WGS84', 'GCJ02', 'BD09')),
        input_lat     double precision,
        input_lon     double precision,
        created_at    timestamptz NOT NULL DEFAULT now(),
        updated_at    timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE hospitals`);
    await q.query(`ALTER TABLE units DROP COLUMN plate, DROP COLUMN terminal_kind, DROP COLUMN terminal_id, DROP COLUMN updated_at`);
    await q.query(`ALTER TABLE stations DROP COLUMN kind, DROP COLUMN address, DROP COLUMN input_crs, DROP COLUMN input_lat, DROP COLUMN input_lon, DROP COLUMN updated_at`);
  }
}
