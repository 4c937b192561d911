import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ModuleServer, startModuleServer } from '../support/module-server';
import { analyseCoverage, buildSitingProblem, demandFromExtract, densityFallbackClassifier, maxCover, networkCandidates, readExtractFeatures, RULE_PRESETS } from '@rescue/coverage';
import { loadGraph } from '@rescue/routing';

// The coverage endpoints on the shipped Andorra extract over real HTTP, checked against the
// library run in-process on the same inputs.
describe('/coverage/*', () => {
  let server: ModuleServer;
  let base: string;
  const extract = 'data/osm/andorra.osm.pbf';
  beforeAll(async () => {
    server = await startModuleServer('test/coverage/serve-coverage.ts', { DATA_DIR: mkdtempSync(join(tmpdir(), 'rc-coverage-api-')), OSM_EXTRACT: extract, COVERAGE_MAX_QUEUED_JOBS: '2' });
    base = server.base;
  }, 70000);
  afterAll(() => server?.stop());

  const get = async (path: string) => {
    const res = await fetch(base + path);
    return { status: res.status, body: (await res.json()) as Record<string, any> };
  };
  const post = async (path: string, body: unknown) => {
    const res = await fetch(base + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as Record<string, any> };
  };
  const settle = async (id: string, kind = 'analyses') => {
    for (let i = 0; i < 1200; i++) {
      const r = await get(`/coverage/${kind}/${id}`);
      if (r.body['status'] === 'done' || r.body['status'] === 'failed') return r.body;
      await new Promise((res) => setTimeout(res, 25));
    }
    throw new Error('analysis did not finish');
  };

  it('lists the rule presets', async () => {
    const { status, body } = await get('/coverage/rules');
    expect(status).toBe(200);
    expect((body as unknown as Array<{ id: string }>).map((r) => r.id)).toEqual(Object.keys(RULE_PRESETS));
  });

  it('isochrones of a station: one nested polygon per limit', async () => {
    const { status, body } = await get('/coverage/isochrones?station=ST-ALV&minutes=5,10,15,30');
    expect(status).toBe(200);
    expect(body['type']).toBe('FeatureCollection');
    const f = body['features'] as Array<{ properties: { minutes: number; vertices: number; kind: string }; geometry: { type: string } }>;
    expect(f.map((x) => x.properties.minutes)).toEqual([5, 10, 15, 30]);
    expect(f.every((x) => x.geometry.type === 'MultiPolygon' && x.properties.kind === 'polygon')).toBe(true);
    const v = f.map((x) => x.properties.vertices);
    expect(v).toEqual([...v].sort((a, b) => a - b));
    expect(v[0]).toBeGreaterThan(0);
  });

  it.each([
    ['/coverage/isochrones', 400, /station: required/],
    ['/coverage/isochrones?station=ST-ALV&minutes=5,x', 400, /minutes/],
    ['/coverage/isochrones?station=ST-ALV&minutes=999', 400, /not in/],
    ['/coverage/isochrones?station=NOPE', 404, /not registered/],
    ['/coverage/isochrones?station=10,10', 422, /SNAP_TOO_FAR|no drivable road/],
  ])('GET %s → %d', async (path, code, msg) => {
    const { status, body } = await get(path);
    expect(status).toBe(code);
    expect(String(body['message'])).toMatch(msg);
  });

  it('an analysis runs as a job and matches the library on the same inputs', async () => {
    const start = await post('/coverage/analyses', { rule: '1030', stations: ['ST-ALV', 'ST-SJL', 'ST-CAN'] });
    expect(start.status).toBe(202);
    const done = await settle(start.body['id']);
    expect(done['status']).toBe('done');
    expect(done['progress']).toEqual({ phase: 'summary', done: 1, total: 1 });
    const { graph } = loadGraph(extract);
    const f = readExtractFeatures(extract);
    const demo = [
      { id: 'ST-ALV', name: 'Andorra la Vella', lat: 42.5063, lon: 1.5218 },
      { id: 'ST-SJL', name: 'Sant Julià de Lòria', lat: 42.4636, lon: 1.4913 },
      { id: 'ST-CAN', name: 'Canillo', lat: 42.5676, lon: 1.5976 },
    ];
    const local = analyseCoverage(graph, RULE_PRESETS['1030']!, demo, demandFromExtract(f, graph.meta.bbox), densityFallbackClassifier(f, graph.meta.bbox), { snapMaxM: 500 });
    expect(done['result']['compliance']).toBeCloseTo(local.compliance, 12);
    expect(done['result']['stations'].map((s: { id: string }) => s.id)).toEqual(['ST-ALV', 'ST-SJL', 'ST-CAN']);
    const csv = await (await fetch(`${base}/coverage/analyses/${start.body['id']}/demand.csv`)).text();
    expect(csv.trim().split('\n')).toHaveLength(local.points.length + 1);
    const unc = await get(`/coverage/analyses/${start.body['id']}/uncovered.geojson`);
    expect(unc.body['features']).toHaveLength(local.points.filter((p) => !p.covered).length);
  });

  it('population demand from the body gives the 1-per-30,000 check', async () => {
    // The second point is the Sant Julià station's own position (42.4636,1.4920 snaps onto a road island).
    const csv = 'lat,lon,population\n42.5063,1.5230,40000\n42.4636,1.4913,25000\n';
    const start = await post('/coverage/analyses', { rule: 'rescue-circle-15', demand: { csv }, ambulances: 2 });
    const done = await settle(start.body['id']);
    expect(done['result']['ambulances']).toEqual({ population: 65000, jurisdiction: 'city', required: 3, available: 2, meets: false });
    expect(done['result']['compliance']).toBe(1);
  });

  it.each([
    [{ rule: 'nope' }, /unknown rule/],
    [{ demand: { csv: 'lat,lon\n91,0\n' } }, /line 2: latitude 91/],
    [{ stations: ['ST-XXX'] }, /unknown ids ST-XXX/],
    [{ areas: { type: 'FeatureCollection', features: [] } }, /no polygons/],
    [{ colour: 'red' }, /unknown field/],
    [{ ambulances: -1 }, /ambulances/],
    [{ demand: { csv: 'lat,lon\n42.5,1.5\n' }, demandCrs: 'UTM' }, /demand CRS UTM/],
    [{ demandCrs: 'GCJ02' }, /only with demand points/],
  ])('POST bad body %# → 400', async (body, msg) => {
    const r = await post('/coverage/analyses', body);
    expect(r.status).toBe(400);
    expect(String(r.body['message'])).toMatch(msg);
  });

  it('incidents as demand need the tasks table, absent here → 400', async () => {
    const r = await post('/coverage/analyses', { demand: { incidents: { from: '2026-01-01T00:00:00Z', to: '2026-02-01T00:00:00Z' } } });
    expect(r.status).toBe(400);
    expect(String(r.body['message'])).toMatch(/no tasks table/);
    const bad = await post('/coverage/analyses', { demand: { incidents: { from: 'yesterday', to: '2026-02-01T00:00:00Z' } } });
    expect(String(bad.body['message'])).toMatch(/from: expected an ISO-8601 time/);
  });

  it('siting runs as a job and matches the library: the ILP optimum for k = 2 of 40 junctions', async () => {
    const start = await post('/coverage/sitings', { rule: 'rescue-circle-15', k: 2, candidates: 40 });
    expect(start.status).toBe(202);
    const done = await settle(start.body['id'], 'sitings');
    expect(done['status']).toBe('done');
    // Before the in-process solve below: the keep-alive socket would idle past the server's 5 s
    // keepAliveTimeout while it runs, and undici's reuse of it races the close ("other side closed").
    expect((await post('/coverage/sitings', { k: 0 })).status).toBe(400);
    const { graph } = loadGraph(extract);
    const f = readExtractFeatures(extract);
    const demo = [
      ['ST-ALV', 42.5063, 1.5218], ['ST-ESC', 42.5096, 1.5387], ['ST-SJL', 42.4636, 1.4913], ['ST-ENC', 42.5347, 1.5801],
      ['ST-MAS', 42.5449, 1.5148], ['ST-ORD', 42.5562, 1.5332], ['ST-CAN', 42.5676, 1.5976],
    ].map(([id, lat, lon]) => ({ id: id as string, name: id as string, lat: lat as number, lon: lon as number }));
    const p = buildSitingProblem(graph, RULE_PRESETS['rescue-circle-15']!, demo, networkCandidates(graph, 40), demandFromExtract(f, graph.meta.bbox), densityFallbackClassifier(f, graph.meta.bbox), { snapMaxM: 500 });
    const mc = done['result']['maximalCovering'];
    if (p.matrix.weights.length === 0) {
      expect(mc).toBeNull();
    } else {
      expect(mc.status).toBe('optimal');
      expect(mc.objective).toBeCloseTo((await maxCover(p.matrix, 2)).objective, 6);
      expect(done['result']['setCovering'].status).toBe('optimal');
    }
  });

  it('unknown analysis → 404', async () => {
    expect((await get('/coverage/analyses/00000000-0000-0000-0000-000000000000')).status).toBe(404);
  });

  it('live coverage counts available units only, and the loss of sending one', async () => {
    const { status, body } = await get('/coverage/live?rule=1030');
    expect(status).toBe(200);
    expect(body['units'].map((u: { id: string }) => u.id)).toEqual(['AMB-01', 'AMB-02']);
    expect(body['excluded']).toEqual([{ id: 'AMB-03', reason: 'not available' }]);
    expect(body['share']).toBeGreaterThan(0);
    const imp = await get('/coverage/live/dispatch-impact?unit=AMB-01&rule=1030');
    expect(imp.status).toBe(200);
    expect(imp.body['shareIfSent']).toBeCloseTo(body['share'] - body['units'][0].lossIfSent, 12);
    expect((await get('/coverage/live/dispatch-impact?unit=AMB-03')).status).toBe(404);
  });
});
