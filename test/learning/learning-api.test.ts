import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { loadGraph } from '@rescue/routing';
import { simulateTrack } from '@rescue/routing/testing';
import { ModuleServer, startModuleServer } from '../support/module-server';
import { scratchPostgres } from '../support/databases';
import { describeNeeding, needPostgres } from '../support/needs';

// Learned speeds over HTTP on the real PostgreSQL (the test writes fixes into the server's database,
// which the embedded PGlite, held exclusively by the server process, would not allow).
describeNeeding(needPostgres())('POST /routing/learning/runs, GET /routing/route?profile=learned', () => {
  let server: ModuleServer;
  let base: string;
  let db: Client;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    const scratch = await scratchPostgres('rc_learning_api');
    drop = scratch.drop;
    server = await startModuleServer('test/learning/serve-learning.ts', {
      DATA_DIR: mkdtempSync(join(tmpdir(), 'rc-learning-')),
      DATABASE_URL: scratch.target.databaseUrl!,
      OSM_EXTRACT: 'data/osm/andorra.osm.pbf',
      LEARNING_INTERVAL_S: '0',
    });
    base = server.base;
    db = new Client({ connectionString: scratch.target.databaseUrl! });
    await db.connect();
  }, 90000);
  afterAll(async () => {
    server?.stop();
    await db?.end();
    await new Promise((r) => setTimeout(r, 500));
    await drop?.();
  });

  const call = async (method: string, path: string) => {
    const res = await fetch(base + path, { method });
    return { status: res.status, body: (await res.json()) as Record<string, any> };
  };
  const ROUTE = '/routing/route?from=42.5078,1.5211&to=42.5353,1.5832';

  it('has no learned model before any track, says so with 409', async () => {
    const r = await call('GET', `${ROUTE}&profile=learned`);
    expect(r.status).toBe(409);
    expect(r.body['code']).toBe('NO_LEARNED_MODEL');
    expect((await call('GET', `${ROUTE}&profile=fast`)).status).toBe(400);
    expect((await call('GET', ROUTE)).body['travelTimes']).toEqual({ profile: 'static' });
  });

  it('matches stored fixes on demand, builds version 1, and routes on it', async () => {
    const { graph } = loadGraph('data/osm/andorra.osm.pbf', { cacheDir: '.data/graph-cache' });
    const t0 = Date.now() - 3 * 3600000;
    await db.query(`INSERT INTO units (id) VALUES ('AMB-7')`);
    for (let k = 0; k < 3; k++) {
      const tr = simulateTrack(graph, { intervalS: 5, noiseM: 8, seed: 70 + k, stopChance: 0 });
      const start = t0 + k * 40 * 60000;
      await db.query(
        `INSERT INTO unit_positions (unit_id, ts, lat, lon, received_at)
         SELECT 'AMB-7', to_timestamp(t / 1000.0), la, lo, now() FROM unnest($1::double precision[], $2::double precision[], $3::double precision[]) AS x(t, la, lo)`,
        [tr.points.map((p) => start + p.ts! - tr.points[0]!.ts!), tr.points.map((p) => p.lat), tr.points.map((p) => p.lon)],
      );
    }
    const run = await call('POST', '/routing/learning/runs');
    expect(run.status).toBe(200);
    expect(run.body['match']).toMatchObject({ units: 1, trips: 3 });
    expect(run.body['match'].traversals).toBeGreaterThan(10);
    expect(run.body['version']).toBe(1);
    expect(run.body['coverage'].other.edgesWithData).toBeGreaterThan(5);

    const models = await call('GET', '/routing/learning/models');
    expect(models.body['current']).toBe(1);
    expect(models.body['versions'].map((v: { version: number }) => v.version)).toEqual([1]);

    const learned = await call('GET', `${ROUTE}&profile=learned&at=2026-01-05T08:30:00%2B08:00&trip=other`);
    expect(learned.status).toBe(200);
    expect(learned.body['travelTimes']).toEqual({ profile: 'learned', version: 1, hourOfWeek: 8, kind: 'other' });
    expect(learned.body['durationS']).toBeGreaterThan(0);

    // Nothing new since: no new version.
    const again = await call('POST', '/routing/learning/runs');
    expect(again.body).toMatchObject({ version: null, match: { units: 0, traversals: 0 } });
  });
});
