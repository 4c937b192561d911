import { DataSource } from 'typeorm';
import { closeDatabase, EdgeSpeedsRepository, openDatabase } from '@rescue/persistence';
import { buildModelVersion, graphKey, loadGraph, matchNewFixes, SpeedModel } from '@rescue/routing';
import { simulateTrack } from '@rescue/routing/testing';
import { scratchPglite, scratchPostgres } from '../support/databases';
import { describeNeeding, needPostgres } from '../support/needs';

const { graph } = loadGraph('data/osm/andorra.osm.pbf', { cacheDir: '.data/graph-cache' });
const T1 = Date.UTC(2026, 0, 5, 0, 0); // Monday 08:00 in Beijing
const T2 = Date.UTC(2026, 0, 5, 6, 0); // Monday 14:00

async function insertTrack(ds: DataSource, unitId: string, t0: number, seed: number): Promise<{ first: number; last: number; n: number }> {
  const tr = simulateTrack(graph, { intervalS: 5, noiseM: 8, seed, stopChance: 0 });
  const pts = tr.points.map((p) => ({ ...p, ts: t0 + (p.ts! - tr.points[0]!.ts!) }));
  await ds.query(
    `INSERT INTO unit_positions (unit_id, ts, lat, lon, received_at)
     SELECT $1, to_timestamp(t / 1000.0), la, lo, now() FROM unnest($2::double precision[], $3::double precision[], $4::double precision[]) AS x(t, la, lo)`,
    [unitId, pts.map((p) => p.ts), pts.map((p) => p.lat), pts.map((p) => p.lon)],
  );
  return { first: pts[0]!.ts, last: pts[pts.length - 1]!.ts, n: pts.length };
}

/** The same contract on both engines: incremental matching of stored fixes, evidence, versioned models. */
function learningContract(open: () => Promise<{ ds: DataSource; done: () => Promise<void> }>) {
  let ds: DataSource;
  let done: () => Promise<void>;
  beforeAll(async () => ({ ds, done } = await open()), 120000);
  afterAll(async () => done());

  it('matches new fixes only, marks en-route driving as emergency, and builds a versioned model with coverage', async () => {
    const repo = new EdgeSpeedsRepository(ds);
    await ds.query(`INSERT INTO units (id) VALUES ('AMB-1')`);
    const trip1 = await insertTrack(ds, 'AMB-1', T1, 11);
    // The first drive is en route to a scene (驶向现场 → 到达现场).
    await ds.query(
      `INSERT INTO tasks (id, unit_id, state, priority, emergency, incident_lat, incident_lon, incident_crs, incident_input_lat, incident_input_lon, call_taken_at, departed_at, on_scene_at)
       VALUES ('T-1', 'AMB-1', 'completed', 1, true, 42.5, 1.5, 'wgs84', 42.5, 1.5, $1, $1, $2)`,
      [new Date(trip1.first - 60000).toISOString(), new Date(trip1.last).toISOString()],
    );
    const r1 = await matchNewFixes(graph, repo, { now: T2 - 3600000 });
    expect(r1).toMatchObject({ units: 1, trips: 1, fixes: trip1.n });
    expect(r1.traversals).toBeGreaterThan(3);
    const kinds = await ds.query(`SELECT kind, count(*)::int AS n FROM edge_traversals GROUP BY kind`);
    expect(kinds).toEqual([{ kind: 'emergency', n: r1.traversals }]);

    // Nothing new: nothing matched, nothing inserted twice.
    expect(await matchNewFixes(graph, repo, { now: T2 - 3600000 })).toMatchObject({ units: 0, traversals: 0 });

    // A second drive later: only it is matched; while it may still be going on, it waits.
    const trip2 = await insertTrack(ds, 'AMB-1', T2, 12);
    expect(await matchNewFixes(graph, repo, { now: trip2.last + 60000 })).toMatchObject({ units: 0, trips: 0 });
    const r2 = await matchNewFixes(graph, repo, { now: trip2.last + 10 * 60000 });
    expect(r2).toMatchObject({ units: 1, trips: 1, fixes: trip2.n });
    const [{ n }] = await ds.query(`SELECT count(*)::int AS n FROM edge_traversals WHERE kind = 'other'`);
    expect(n).toBe(r2.traversals);
    const [cursor] = await ds.query(`SELECT graph_key, last_ts FROM map_match_cursors WHERE unit_id = 'AMB-1'`);
    expect(cursor.graph_key).toBe(graphKey(graph));
    expect(new Date(cursor.last_ts).getTime()).toBe(trip2.last);

    const built = await buildModelVersion(graph, repo, { from: T1 - 86400000, to: T2 + 86400000, utcOffsetMin: 480 });
    expect(built.version).toBeGreaterThan(0);
    expect(built.traversals).toBe(r1.traversals + r2.traversals);
    expect(built.coverage.emergency.edgesWithData).toBeGreaterThan(0);
    expect(built.coverage.other.edges).toBeGreaterThan(0);
    expect(built.coverage.other.edges).toBeLessThan(1);

    // The stored version rebuilds the same model; evidence landed in the right hours of the week.
    const loaded = (await repo.loadModel(graphKey(graph)))!;
    expect(loaded.model.version).toBe(built.version);
    expect(new Set(loaded.evidence.map((e) => `${e.kind}@${e.hourOfWeek}`))).toEqual(new Set(['emergency@8', 'other@14']));
    const again = new SpeedModel(graph, loaded.evidence);
    const e = loaded.evidence[0]!.edge;
    expect(again.edgeTime(e, 'other', 14)).toBeCloseTo(built.model.edgeTime(e, 'other', 14), 9);
    expect((await repo.listModels(graphKey(graph))).map((m) => m.version)).toEqual([built.version]);
  }, 120000);
}

describe('learned speeds on embedded PGlite + TimescaleDB', () => {
  learningContract(async () => {
    const scratch = scratchPglite();
    const { dataSource } = await openDatabase(scratch.target);
    return { ds: dataSource, done: async () => { await closeDatabase(dataSource); scratch.remove(); } };
  });
});

describeNeeding(needPostgres())('learned speeds on the real PostgreSQL (plain tables)', () => {
  learningContract(async () => {
    const scratch = await scratchPostgres('rc_learning');
    const { dataSource } = await openDatabase(scratch.target);
    return { ds: dataSource, done: async () => { await closeDatabase(dataSource); await scratch.drop(); } };
  });
});
