import { MigrationInterface, QueryRunner } from 'typeorm';
import { timescaleAvailable } from '../timescale';

/**
 * Learned travel times (issue 16).
 * - edge_traversals: every whole edge a unit drove, from map matching its fixes (enter time, metres,
 *   seconds, emergency or not). With TimescaleDB a hypertable with the fixes' retention, and an hourly
 *   continuous aggregate per graph, edge and kind (edge_speeds_hourly): what a speed model is built
 *   from. Without it the same table plain and a plain view with the aggregate's columns.
 * - map_match_cursors: per unit, the time of the last fix matched, so each run takes new fixes only.
 * - speed_models / speed_model_evidence: versioned models: the evidence per edge, hour of the week and
 *   kind a version was built from, with its coverage, so any version can be rebuilt and compared.
 * Runs outside a transaction: TimescaleDB refuses continuous aggregates inside one.
 */
export class EdgeSpeeds1763900000070 implements MigrationInterface {
  name = 'EdgeSpeeds1763900000070';
  transaction = false;

  async up(q: QueryRunner): Promise<void> {
    const timescale = await timescaleAvailable(q);
    await q.query(`
      CREATE TABLE edge_traversals (
        unit_id     text NOT NULL,
        enter_ts    timestamptz NOT NULL,
        graph_key   text NOT NULL,
        edge        integer NOT NULL,
        way_id      bigint NOT NULL,
        kind        text NOT NULL CHECK (kind IN ('emergency', 'other')),
        distance_m  real NOT NULL CHECK (distance_m > 0),
        duration_s  real NOT NULL CHECK (duration_s > 0),
        PRIMARY KEY (unit_id, enter_ts, edge)
      )`);
    await q.query(`
      CREATE TABLE map_match_cursors (
        unit_id     text PRIMARY KEY,
        graph_key   text NOT NULL,
        last_ts     timestamptz NOT NULL,
        updated_at  timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE speed_models (
        version          serial PRIMARY KEY,
        graph_key        text NOT NULL,
        created_at       timestamptz NOT NULL DEFAULT now(),
        evidence_from    timestamptz,
        evidence_to      timestamptz,
        traversals       bigint NOT NULL,
        coverage         jsonb NOT NULL,
        params           jsonb NOT NULL
      )`);
    await q.query(`CREATE INDEX speed_models_graph_idx ON speed_models (graph_key, version DESC)`);
    await q.query(`
      CREATE TABLE speed_model_evidence (
        version       integer NOT NULL REFERENCES speed_models(version) ON DELETE CASCADE,
        edge          integer NOT NULL,
        hour_of_week  smallint NOT NULL CHECK (hour_of_week BETWEEN 0 AND 167),
        kind          text NOT NULL CHECK (kind IN ('emergency', 'other')),
        distance_m    double precision NOT NULL,
        duration_s    double precision NOT NULL,
        traversals    integer NOT NULL,
        PRIMARY KEY (version, edge, hour_of_week, kind)
      )`);
    if (!timescale) {
      await q.query(`
        CREATE VIEW edge_speeds_hourly AS
        SELECT graph_key, edge, kind, date_trunc('hour', enter_ts) AS bucket,
               sum(distance_m)::double precision AS distance_m, sum(duration_s)::double precision AS duration_s,
               count(*)::bigint AS traversals
        FROM edge_traversals GROUP BY graph_key, edge, kind, bucket`);
      return;
    }
    await q.query(`CREATE EXTENSION IF NOT EXISTS timescaledb`);
    await q.query(`SELECT create_hypertable('edge_traversals', by_range('enter_ts', INTERVAL '7 days'))`);
    await q.query(`SELECT add_retention_policy('edge_traversals', INTERVAL '400 days')`);
    await q.query(`
      CREATE MATERIALIZED VIEW edge_speeds_hourly WITH (timescaledb.continuous) AS
      SELECT graph_key, edge, kind, time_bucket(INTERVAL '1 hour', enter_ts) AS bucket,
             sum(distance_m)::double precision AS distance_m, sum(duration_s)::double precision AS duration_s,
             count(*) AS traversals
      FROM edge_traversals GROUP BY graph_key, edge, kind, bucket
      WITH NO DATA`);
    await q.query(`SELECT add_continuous_aggregate_policy('edge_speeds_hourly',
                     start_offset => INTERVAL '30 days', end_offset => INTERVAL '1 hour',
                     schedule_interval => INTERVAL '1 hour')`);
  }

  async down(q: QueryRunner): Promise<void> {
    const ts = await q.query(`SELECT 1 FROM pg_extension WHERE extname = 'timescaledb'`);
    if (ts.length > 0) await q.query(`DROP MATERIALIZED VIEW IF EXISTS edge_speeds_hourly`);
    else await q.query(`DROP VIEW IF EXISTS edge_speeds_hourly`);
    await q.query(`DROP TABLE speed_model_evidence`);
    await q.query(`DROP TABLE speed_models`);
    await q.query(`DROP TABLE map_match_cursors`);
    await q.query(`DROP TABLE edge_traversals`);
  }
}
