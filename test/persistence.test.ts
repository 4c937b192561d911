import { DataSource } from 'typeorm';
import { closeDatabase, FleetRepository, IngestRepository, MIGRATIONS, openDatabase, StorageInfo, FixRow } from '@rescue/persistence';
import { scratchPglite, scratchPostgres } from './support/databases';
import { describeNeeding, needPostgres } from './support/needs';

const T0 = Date.UTC(2026, 10, 23, 8, 0, 0);
const fix = (unitId: string, sec: number, lat = 42.5, lon = 1.52): FixRow => ({
  unitId, ts: T0 + sec * 1000, lat, lon, speedKmh: 30, headingDeg: 90, accuracyM: 5, altitudeM: null, stepM: 10, receivedAt: T0 + sec * 1000 + 200,
});

/** The same contract on both engines: the migrations, idempotent writes, latest status wins. */
function persistenceContract(open: () => Promise<{ ds: DataSource; info: StorageInfo; done: () => Promise<void> }>, expectTimescale: boolean) {
  let ds: DataSource;
  let info: StorageInfo;
  let done: () => Promise<void>;
  beforeAll(async () => ({ ds, info, done } = await open()));
  afterAll(async () => done());

  it(expectTimescale ? 'uses TimescaleDB: unit_positions is a hypertable' : 'falls back to plain tables', async () => {
    expect(info.timescale !== null).toBe(expectTimescale);
    if (expectTimescale) {
      const h = await ds.query(`SELECT hypertable_name FROM timescaledb_information.hypertables ORDER BY hypertable_name`);
      expect(h.map((r: { hypertable_name: string }) => r.hypertable_name)).toEqual(['edge_traversals', 'unit_positions']);
      const jobs = await ds.query(`SELECT proc_name FROM timescaledb_information.jobs WHERE hypertable_name IN ('unit_positions', '_materialized_hypertable_2') OR proc_name LIKE 'policy_%' ORDER BY proc_name`);
      const names = jobs.map((r: { proc_name: string }) => r.proc_name);
      expect(names).toEqual(expect.arrayContaining(['policy_compression', 'policy_retention', 'policy_refresh_continuous_aggregate']));
    }
  });

  it('stores a batch once; a replay inserts nothing and counts duplicates', async () => {
    const repo = new IngestRepository(ds);
    const batch = {
      fixes: [fix('A1', 0), fix('A1', 1), fix('B2', 0)],
      deadLetters: [{ receivedAt: T0, topic: 'ems/v1/units/A1/position', unitId: 'A1', reason: 'null_island', detail: '(0,0)', raw: '{"lat":0}' }],
      statuses: [
        { unitId: 'A1', ts: T0 + 5000, status: 'en_route', taskId: 'T-1', source: 'terminal' as const, receivedAt: T0 + 5100 },
        { unitId: 'A1', ts: T0 + 1000, status: 'order_received', taskId: 'T-1', source: 'terminal' as const, receivedAt: T0 + 5200 },
      ],
      presences: [{ unitId: 'B2', ts: T0, online: true }],
    };
    expect(await repo.write(batch)).toEqual({ inserted: 3, duplicates: 0 });
    expect(await repo.write({ ...batch, deadLetters: [], statuses: [], presences: [] })).toEqual({ inserted: 0, duplicates: 3 });
    const [{ n }] = await ds.query(`SELECT count(*)::int AS n FROM unit_positions`);
    expect(n).toBe(3);
    const fleet = await new FleetRepository(ds).snapshot();
    const a1 = fleet.find((u) => u.unitId === 'A1')!;
    expect(a1.status).toBeNull(); // status reports wait for the lifecycle; ingest only keeps them
    expect(a1.lastFix?.ts).toBe(T0 + 1000);
    const reports = await ds.query(`SELECT status, applied FROM unit_status_reports ORDER BY id`);
    expect(reports).toEqual([{ status: 'en_route', applied: null }, { status: 'order_received', applied: null }]);
    expect(fleet.find((u) => u.unitId === 'B2')!.online).toBe(true);
    expect(await new FleetRepository(ds).deadLetterCounts()).toEqual({ null_island: 1 });
  });

  it('the per-minute rollup counts fixes, last position and distance', async () => {
    const repo = new IngestRepository(ds);
    await repo.write({ fixes: [fix('C3', 10, 42.50), fix('C3', 20, 42.51), fix('C3', 70, 42.52)], deadLetters: [], statuses: [], presences: [] });
    if (expectTimescale) await ds.query(`CALL refresh_continuous_aggregate('unit_positions_1m', NULL, NULL)`);
    const rows = await ds.query(`SELECT fixes::int, last_lat, distance_m FROM unit_positions_1m WHERE unit_id = 'C3' ORDER BY bucket`);
    expect(rows).toEqual([
      { fixes: 2, last_lat: 42.51, distance_m: 20 },
      { fixes: 1, last_lat: 42.52, distance_m: 10 },
    ]);
  });

  it('dead letters are bounded: trimming keeps the newest', async () => {
    const repo = new IngestRepository(ds);
    const rows = Array.from({ length: 30 }, (_, i) => ({ receivedAt: T0 + i, topic: 't', unitId: null, reason: 'bad_json', detail: `#${i}`, raw: 'x' }));
    await repo.write({ fixes: [], deadLetters: rows, statuses: [], presences: [] });
    expect(await repo.trimDeadLetters(10)).toBe(21); // 31 rows in all, keep 10
    const kept = await ds.query(`SELECT detail FROM ingest_dead_letters ORDER BY id`);
    expect(kept.map((r: { detail: string }) => r.detail)).toEqual(Array.from({ length: 10 }, (_, i) => `#${i + 20}`));
  });

  it('every migration has a working down()', async () => {
    for (let i = 0; i < MIGRATIONS.length; i++) await ds.undoLastMigration();
    const left = await ds.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name IN ('units','stations','unit_positions','ingest_dead_letters','tasks','task_events','unit_status_reports','edge_traversals','map_match_cursors','speed_models','speed_model_evidence')`);
    expect(left).toEqual([]);
    await ds.runMigrations();
    const [{ n }] = await ds.query(`SELECT count(*)::int AS n FROM unit_positions`);
    expect(n).toBe(0);
  });
}

describe('persistence on embedded PGlite + TimescaleDB', () => {
  persistenceContract(async () => {
    const scratch = scratchPglite();
    const { dataSource, info } = await openDatabase(scratch.target);
    return { ds: dataSource, info, done: async () => { await closeDatabase(dataSource); scratch.remove(); } };
  }, true);
});

describe('embedded PGlite across a restart', () => {
  it('reopens the same data directory with its rows, and hypertable inserts still work', async () => {
    const scratch = scratchPglite();
    try {
      let { dataSource } = await openDatabase(scratch.target);
      await new IngestRepository(dataSource).write({ fixes: [fix('R1', 0)], deadLetters: [], statuses: [], presences: [] });
      await closeDatabase(dataSource);
      ({ dataSource } = await openDatabase(scratch.target));
      const res = await new IngestRepository(dataSource).write({ fixes: [fix('R1', 0), fix('R1', 1)], deadLetters: [], statuses: [], presences: [] });
      expect(res).toEqual({ inserted: 1, duplicates: 1 });
      const [{ n }] = await dataSource.query(`SELECT count(*)::int AS n FROM unit_positions WHERE unit_id = 'R1'`);
      expect(n).toBe(2);
      await closeDatabase(dataSource);
    } finally {
      scratch.remove();
    }
  });
});

describeNeeding(needPostgres())('persistence on the real PostgreSQL (no timescaledb here: plain tables)', () => {
  persistenceContract(async () => {
    const scratch = await scratchPostgres('rc_persist');
    const { dataSource, info } = await openDatabase(scratch.target);
    return { ds: dataSource, info, done: async () => { await closeDatabase(dataSource); await scratch.drop(); } };
  }, false);
});

describe('embedded PGlite under concurrent transactions', () => {
  it('a failing transaction never takes a concurrent ingest batch down with it', async () => {
    const scratch = scratchPglite();
    const { dataSource } = await openDatabase(scratch.target);
    try {
      const repo = new IngestRepository(dataSource);
      const failing = dataSource.transaction(async (m) => {
        await m.query(`INSERT INTO stations (id, name, lat, lon) VALUES ('X', 'x', 1, 1)`);
        await new Promise((r) => setTimeout(r, 20));
        await m.query(`INSERT INTO stations (id, name, lat, lon) VALUES ('X', 'duplicate key', 1, 1)`);
      });
      const batches = Array.from({ length: 5 }, (_, b) =>
        repo.write({ fixes: [fix('P1', b * 10), fix('P1', b * 10 + 1)], deadLetters: [], statuses: [], presences: [] }));
      const badQuery = dataSource.query(`SELECT * FROM no_such_table`).catch(() => 'failed');
      await expect(failing).rejects.toThrow(/duplicate key/);
      expect(await badQuery).toBe('failed');
      expect(await Promise.all(batches)).toEqual(Array(5).fill({ inserted: 2, duplicates: 0 }));
      const [{ n }] = await dataSource.query(`SELECT count(*)::int AS n FROM unit_positions WHERE unit_id = 'P1'`);
      expect(n).toBe(10);
      const [{ s }] = await dataSource.query(`SELECT count(*)::int AS s FROM stations`);
      expect(s).toBe(0);
    } finally {
      await closeDatabase(dataSource);
      scratch.remove();
    }
  });
});
