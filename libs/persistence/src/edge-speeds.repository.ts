import type { Queryable } from './timescale';
import { timescaleVersion } from './timescale';

export interface TrackFix {
  ts: number;
  lat: number;
  lon: number;
}

export interface TraversalRow {
  unitId: string;
  enterTs: number;
  edge: number;
  wayId: number;
  kind: 'emergency' | 'other';
  distanceM: number;
  durationS: number;
}

export interface EvidenceRow {
  edge: number;
  hourOfWeek: number;
  kind: 'emergency' | 'other';
  distanceM: number;
  durationS: number;
  traversals: number;
}

export interface SpeedModelVersion {
  version: number;
  graphKey: string;
  createdAt: number;
  evidenceFrom: number | null;
  evidenceTo: number | null;
  traversals: number;
  coverage: Record<string, unknown>;
  params: Record<string, unknown>;
}

const ms = (v: unknown): number | null => (v === null || v === undefined ? null : new Date(v as string).getTime());

/**
 * SQL of learned speeds: fixes to match since each unit's cursor, task intervals that make a trip an
 * emergency one, matched traversals, hourly evidence (the TimescaleDB continuous aggregate, refreshed
 * first; a plain view elsewhere) and versioned models.
 */
export class EdgeSpeedsRepository {
  constructor(private readonly db: Queryable) {}

  /** Units with fixes after their cursor for this graph (a cursor of another graph counts as none). */
  async unitsToMatch(graphKey: string): Promise<{ unitId: string; after: number | null; lastFix: number }[]> {
    const rows: { unit_id: string; last_ts: string | null; max_ts: string }[] = await this.db.query(
      `SELECT p.unit_id, c.last_ts, p.max_ts
         FROM (SELECT unit_id, max(ts) AS max_ts FROM unit_positions GROUP BY unit_id) p
         LEFT JOIN map_match_cursors c ON c.unit_id = p.unit_id AND c.graph_key = $1
        WHERE c.last_ts IS NULL OR p.max_ts > c.last_ts
        ORDER BY p.unit_id`,
      [graphKey],
    );
    return rows.map((r) => ({ unitId: r.unit_id, after: ms(r.last_ts), lastFix: ms(r.max_ts)! }));
  }

  /** Fixes of a unit after a time (exclusive), oldest first, at most limit. */
  async fixesAfter(unitId: string, after: number | null, limit: number): Promise<TrackFix[]> {
    const rows: { ts: string; lat: number; lon: number }[] = await this.db.query(
      `SELECT ts, lat, lon FROM unit_positions WHERE unit_id = $1 AND ($2::timestamptz IS NULL OR ts > $2) ORDER BY ts LIMIT $3`,
      [unitId, after === null ? null : new Date(after).toISOString(), limit],
    );
    return rows.map((r) => ({ ts: ms(r.ts)!, lat: r.lat, lon: r.lon }));
  }

  /** En-route intervals (departed → on scene, or → end when the scene was never reached) of a unit's emergency tasks overlapping [from, to]. */
  async emergencyIntervals(unitId: string, from: number, to: number): Promise<[number, number][]> {
    const rows: { a: string; b: string }[] = await this.db.query(
      `SELECT departed_at AS a, coalesce(on_scene_at, ended_at, now()) AS b FROM tasks
        WHERE unit_id = $1 AND emergency AND departed_at IS NOT NULL
          AND departed_at <= $3 AND coalesce(on_scene_at, ended_at, now()) >= $2`,
      [unitId, new Date(from).toISOString(), new Date(to).toISOString()],
    );
    return rows.map((r) => [ms(r.a)!, ms(r.b)!]);
  }

  /** Store traversals and move the unit's cursor in one transaction; a replay inserts nothing twice. */
  async saveMatched(graphKey: string, unitId: string, rows: readonly TraversalRow[], cursor: number): Promise<void> {
    const run = async (q: Queryable): Promise<void> => {
      const CHUNK = 2000;
      for (let i = 0; i < rows.length; i += CHUNK) {
        const part = rows.slice(i, i + CHUNK);
        await q.query(
          `INSERT INTO edge_traversals (unit_id, enter_ts, graph_key, edge, way_id, kind, distance_m, duration_s)
           SELECT $1, to_timestamp(t / 1000.0), $2, e, w, k, d, s
             FROM unnest($3::double precision[], $4::int[], $5::bigint[], $6::text[], $7::real[], $8::real[]) AS x(t, e, w, k, d, s)
           ON CONFLICT DO NOTHING`,
          [unitId, graphKey, part.map((r) => r.enterTs), part.map((r) => r.edge), part.map((r) => r.wayId), part.map((r) => r.kind), part.map((r) => r.distanceM), part.map((r) => r.durationS)],
        );
      }
      await q.query(
        `INSERT INTO map_match_cursors (unit_id, graph_key, last_ts) VALUES ($1, $2, $3)
         ON CONFLICT (unit_id) DO UPDATE SET graph_key = excluded.graph_key, last_ts = excluded.last_ts, updated_at = now()`,
        [unitId, graphKey, new Date(cursor).toISOString()],
      );
    };
    const tx = (this.db as { transaction?: <T>(f: (m: Queryable) => Promise<T>) => Promise<T> }).transaction;
    if (tx) await tx.call(this.db, run);
    else await run(this.db);
  }

  /**
   * Evidence per edge, hour of the week (local time, utcOffsetMin; China +480) and kind, from the
   * hourly aggregate over [from, to). With TimescaleDB the aggregate is refreshed over that window first.
   */
  async hourlyEvidence(graphKey: string, from: number, to: number, utcOffsetMin: number): Promise<EvidenceRow[]> {
    if ((await timescaleVersion(this.db)) !== null) {
      await this.db.query(`CALL refresh_continuous_aggregate('edge_speeds_hourly', $1::timestamptz, $2::timestamptz)`, [new Date(from).toISOString(), new Date(to).toISOString()]);
    }
    const rows: { edge: number; how: number; kind: 'emergency' | 'other'; d: number; s: number; n: string }[] = await this.db.query(
      `SELECT edge, ((extract(isodow FROM b) - 1) * 24 + extract(hour FROM b))::int AS how, kind,
              sum(distance_m) AS d, sum(duration_s) AS s, sum(traversals)::bigint AS n
         FROM (SELECT edge, kind, distance_m, duration_s, traversals,
                      (bucket AT TIME ZONE 'UTC') + make_interval(mins => $4) AS b
                 FROM edge_speeds_hourly WHERE graph_key = $1 AND bucket >= $2 AND bucket < $3) h
        GROUP BY edge, how, kind`,
      [graphKey, new Date(from).toISOString(), new Date(to).toISOString(), utcOffsetMin],
    );
    return rows.map((r) => ({ edge: r.edge, hourOfWeek: r.how, kind: r.kind, distanceM: Number(r.d), durationS: Number(r.s), traversals: Number(r.n) }));
  }

  async saveModel(v: Omit<SpeedModelVersion, 'version' | 'createdAt'>, evidence: readonly EvidenceRow[]): Promise<number> {
    const rows: { version: number }[] = await this.db.query(
      `INSERT INTO speed_models (graph_key, evidence_from, evidence_to, traversals, coverage, params) VALUES ($1, $2, $3, $4, $5, $6) RETURNING version`,
      [v.graphKey, v.evidenceFrom === null ? null : new Date(v.evidenceFrom).toISOString(), v.evidenceTo === null ? null : new Date(v.evidenceTo).toISOString(), v.traversals, JSON.stringify(v.coverage), JSON.stringify(v.params)],
    );
    const version = rows[0]!.version;
    const CHUNK = 5000;
    for (let i = 0; i < evidence.length; i += CHUNK) {
      const part = evidence.slice(i, i + CHUNK);
      await this.db.query(
        `INSERT INTO speed_model_evidence (version, edge, hour_of_week, kind, distance_m, duration_s, traversals)
         SELECT $1, e, h, k, d, s, n FROM unnest($2::int[], $3::smallint[], $4::text[], $5::double precision[], $6::double precision[], $7::int[]) AS x(e, h, k, d, s, n)`,
        [version, part.map((r) => r.edge), part.map((r) => r.hourOfWeek), part.map((r) => r.kind), part.map((r) => r.distanceM), part.map((r) => r.durationS), part.map((r) => r.traversals)],
      );
    }
    return version;
  }

  /** A model version (the latest of the graph when version is omitted) with its evidence, or null. */
  async loadModel(graphKey: string, version?: number): Promise<{ model: SpeedModelVersion; evidence: EvidenceRow[] } | null> {
    const rows: Record<string, unknown>[] = await this.db.query(
      `SELECT * FROM speed_models WHERE graph_key = $1 AND ($2::int IS NULL OR version = $2) ORDER BY version DESC LIMIT 1`,
      [graphKey, version ?? null],
    );
    const r = rows[0];
    if (!r) return null;
    const model = toModel(r);
    const ev: { edge: number; hour_of_week: number; kind: 'emergency' | 'other'; distance_m: number; duration_s: number; traversals: number }[] = await this.db.query(
      `SELECT edge, hour_of_week, kind, distance_m, duration_s, traversals FROM speed_model_evidence WHERE version = $1`,
      [model.version],
    );
    return { model, evidence: ev.map((e) => ({ edge: e.edge, hourOfWeek: e.hour_of_week, kind: e.kind, distanceM: e.distance_m, durationS: e.duration_s, traversals: e.traversals })) };
  }

  async listModels(graphKey: string): Promise<SpeedModelVersion[]> {
    const rows: Record<string, unknown>[] = await this.db.query(`SELECT * FROM speed_models WHERE graph_key = $1 ORDER BY version DESC LIMIT 50`, [graphKey]);
    return rows.map(toModel);
  }
}

function toModel(r: Record<string, unknown>): SpeedModelVersion {
  const json = (v: unknown): Record<string, unknown> => (typeof v === 'string' ? JSON.parse(v) : (v as Record<string, unknown>));
  return {
    version: r['version'] as number,
    graphKey: r['graph_key'] as string,
    createdAt: ms(r['created_at'])!,
    evidenceFrom: ms(r['evidence_from']),
    evidenceTo: ms(r['evidence_to']),
    traversals: Number(r['traversals']),
    coverage: json(r['coverage']),
    params: json(r['params']),
  };
}
