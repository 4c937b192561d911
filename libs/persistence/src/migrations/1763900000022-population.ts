import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The centre's population (issue 13 item 5): census areas (township/community boundaries with their
 * counts) and raster cells (people at a point), in WGS-84. Coverage counts people over them whenever
 * any are stored. One import replaces the whole set.
 */
export class Population1763900000022 implements MigrationInterface {
  name = 'Population1763900000022';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE population_units (
        id          text PRIMARY KEY,
        kind        text NOT NULL CHECK (kind IN ('area', 'cell')),
        name        text,
        population  double precision NOT NULL CHECK (population >= 0),
        lat         double precision NOT NULL,
        lon         double precision NOT NULL,
        geometry    jsonb,
        source      text NOT NULL,
        updated_at  timestamptz NOT NULL DEFAULT now(),
        CHECK (kind = 'cell' OR geometry IS NOT NULL)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE population_units`);
  }
}
