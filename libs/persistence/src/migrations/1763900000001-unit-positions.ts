import { MigrationInterface, QueryRunner } from 'typeorm';
import { timescaleAvailable } from '../timescale';

/**
 * unit_positions: every good fix once. The primary key (unit_id, ts) makes a replay (QoS1 redelivery,
 * a terminal re-uploading its buffer) idempotent with ON CONFLICT DO NOTHING.
 * With TimescaleDB: a hypertable, compression after 7 days, retention of 400 days (a year of
 * records plus a margin for audits), and a per-minute continuous aggregate. Without it: the same
 * table plain, and a plain view with the same columns as the aggregate.
 * Runs outside a transaction: TimescaleDB refuses some of these statements inside one.
 */
export class UnitPositions1763900000001 implements MigrationInterface {
  name = 'UnitPositions1763900000001';
  transaction = false;

  async up(q: QueryRunner): Promise<void> {
    const timescale = await timescaleAvailable(q);
    if (timescale) await q.query(`CREATE EXTENSION IF NOT EXISTS timescaledb`);
    // step_m: metres from the unit's previous fix in time as known to the ingest worker; late
    // re-uploaded fixes carry 0, so distance travelled may undercount, never double count.
    await q.query(`
      CREATE TABLE unit_positions (
        unit_id      text NOT NULL,
        ts           timestamptz NOT NULL,
        lat          double precision NOT NULL,
        lon          double precision NOT NULL,
        speed_kmh    real,
        heading_deg  real,
        accuracy_m   real,
        altitude_m   real,
        step_m       real NOT NULL DEFAULT 0,
        received_at  timestamptz NOT NULL,
        PRIMARY KEY (unit_id, ts)
      )`);
    if (!timescale) {
      await q.query(`
        CREATE VIEW unit_positions_1m AS
        SELECT unit_id,
               date_trunc('minute', ts) AS bucket,
               count(*)::bigint AS fixes,
               (array_agg(lat ORDER BY ts DESC))[1] AS last_lat,
               (array_agg(lon ORDER BY ts DESC))[1] AS last_lon,
               max(ts) AS last_ts,
               max(speed_kmh) AS max_speed_kmh,
               coalesce(sum(step_m), 0)::double precision AS distance_m
        FROM unit_positions GROUP BY unit_id, bucket`);
      return;
    }
    await q.query(`SELECT create_hypertable('unit_positions', by_range('ts', INTERVAL '1 day'))`);
    await q.query(`ALTER TABLE unit_positions SET (timescaledb.compress,
                     timescaledb.compress_segmentby = 'unit_id', timescaledb.compress_orderby = 'ts DESC')`);
    await q.query(`SELECT add_compression_policy('unit_positions', INTERVAL '7 days')`);
    await q.query(`SELECT add_retention_policy('unit_positions', INTERVAL '400 days')`);
    await q.query(`
      CREATE MATERIALIZED VIEW unit_positions_1m WITH (timescaledb.continuous) AS
      SELECT unit_id,
             time_bucket(INTERVAL '1 minute', ts) AS bucket,
             count(*) AS fixes,
             last(lat, ts) AS last_lat,
             last(lon, ts) AS last_lon,
             max(ts) AS last_ts,
             max(speed_kmh) AS max_speed_kmh,
             coalesce(sum(step_m), 0)::double precision AS distance_m
      FROM unit_positions GROUP BY unit_id, bucket
      WITH NO DATA`);
    await q.query(`SELECT add_continuous_aggregate_policy('unit_positions_1m',
                     start_offset => INTERVAL '2 days', end_offset => INTERVAL '1 minute',
                     schedule_interval => INTERVAL '1 minute')`);
  }

  async down(q: QueryRunner): Promise<void> {
    const ts = await q.query(`SELECT 1 FROM pg_extension WHERE extname = 'timescaledb'`);
    if (ts.length > 0) {
      await q.query(`DROP MATERIALIZED VIEW IF EXISTS unit_positions_1m`);
    } else {
      await q.query(`DROP VIEW IF EXISTS unit_positions_1m`);
    }
    await q.query(`DROP TABLE unit_positions`);
  }
}
