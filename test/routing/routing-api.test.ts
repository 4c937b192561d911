import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ModuleServer, startModuleServer } from '../support/module-server';

// The routing endpoints on the shipped default extract (Andorra), over real HTTP. The app runs in a
// child process (tsx) because Jest's CommonJS runtime cannot load Nest 12's ESM packages.
describe('GET /routing/*', () => {
  let server: ModuleServer;
  let base: string;

  beforeAll(async () => {
    server = await startModuleServer('test/routing/serve-routing.ts', { DATA_DIR: mkdtempSync(join(tmpdir(), 'rc-routing-')), OSM_EXTRACT: 'data/osm/andorra.osm.pbf' });
    base = server.base;
  }, 70000);
  afterAll(() => server?.stop());

  const get = async (path: string) => {
    const res = await fetch(base + path);
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  it('info reports the Andorra extract', async () => {
    const { status, body } = await get('/routing/info');
    expect(status).toBe(200);
    const [minLon, minLat, maxLon, maxLat] = body['bbox'] as number[];
    // Andorra lies within 42.4–42.7 N, 1.4–1.8 E.
    expect(minLat).toBeGreaterThan(42.4);
    expect(maxLat).toBeLessThan(42.7);
    expect(minLon).toBeGreaterThan(1.4);
    expect(maxLon).toBeLessThan(1.8);
    expect(body['nodes']).toBeGreaterThan(1000);
    expect(body['profile']).toBe('ambulance-v1');
    // 20 of the 1,738 vertices of the 2013 extract lie on pieces cut off from the main network.
    expect(body['network']).toEqual({ components: 18, verticesOutsideMain: 20 });
  });

  it('routes Andorra la Vella to Encamp with a LineString from start to end', async () => {
    const { status, body } = await get('/routing/route?from=42.5078,1.5211&to=42.5353,1.5832');
    expect(status).toBe(200);
    const geometry = body['geometry'] as { type: string; coordinates: [number, number][] };
    expect(geometry.type).toBe('LineString');
    const first = geometry.coordinates[0]!;
    const last = geometry.coordinates[geometry.coordinates.length - 1]!;
    expect(Math.abs(first[1] - 42.5078)).toBeLessThan(0.005);
    expect(Math.abs(last[0] - 1.5832)).toBeLessThan(0.005);
    // Road distance exceeds the ~5.7 km straight line, but not absurdly.
    expect(body['distanceM']).toBeGreaterThan(5700);
    expect(body['distanceM']).toBeLessThan(15000);
    const snapM = body['snap'] as { fromM: number; toM: number };
    expect(snapM.fromM).toBeGreaterThanOrEqual(0);
    const byDist = await get('/routing/route?from=42.5078,1.5211&to=42.5353,1.5832&optimize=distance');
    expect(byDist.body['distanceM'] as number).toBeLessThanOrEqual((body['distanceM'] as number) + 1e-6);
  });

  it.each([
    ['/routing/route?to=42.5353,1.5832', 'from'],
    ['/routing/route?from=abc&to=42.5353,1.5832', 'from'],
    ['/routing/route?from=95,1&to=42.5353,1.5832', 'from'],
    ['/routing/route?from=42.5078,1.5211&to=42.5353,1.5832&optimize=fast', 'optimize'],
  ])('%s is a 400 naming %s', async (path, name) => {
    const { status, body } = await get(path);
    expect(status).toBe(400);
    expect(String(body['message'])).toContain(name);
  });

  it('a point in the sea far from Andorra is a 422 SNAP_TOO_FAR', async () => {
    const { status, body } = await get('/routing/route?from=42.5078,1.5211&to=40.0,3.0');
    expect(status).toBe(422);
    expect(body['code']).toBe('SNAP_TOO_FAR');
  });

  const post = async (path: string, body: unknown) => {
    const res = await fetch(base + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  it('POST /routing/match matches the real GPX track near Soldeu onto one road path, timed when fixes carry times', async () => {
    const gpx = readFileSync('data/traces/andorra_for_map_matching.gpx', 'utf8');
    const t0 = Date.UTC(2026, 0, 5, 8);
    // The GPX has no times; give it one fix every 10 s to get edge times back.
    const points = [...gpx.matchAll(/<trkpt lat="([-\d.]+)" lon="([-\d.]+)"/g)].map((x, i) => ({ lat: Number(x[1]), lon: Number(x[2]), ts: t0 + i * 10000 }));
    const { status, body } = await post('/routing/match', { points });
    expect(status).toBe(200);
    const segments = body['segments'] as { distanceM: number; durationS: number; geometry: { type: string; coordinates: unknown[] }; edges: { durationS: number; wayId: number }[] }[];
    expect(segments).toHaveLength(1);
    expect(body['unmatched']).toEqual([]);
    const s = segments[0]!;
    expect(s.geometry.type).toBe('LineString');
    expect(s.geometry.coordinates.length).toBeGreaterThan(10);
    expect(s.distanceM).toBeGreaterThan(500);
    expect(s.durationS).toBe(200);
    expect(s.edges.reduce((a, e) => a + e.durationS, 0)).toBeCloseTo(200, 3);
    expect(body['confidence']).toBeGreaterThan(0);
  });

  it.each([
    [{ points: [{ lat: 42.5, lon: 1.5 }] }, 'at least 2'],
    [{ points: [{ lat: 42.5, lon: 1.5, ts: 1 }, { lat: 42.5, lon: 1.5, ts: 2 }] }, 'epoch milliseconds'],
  ])('POST /routing/match refuses a bad body with 400 (%#)', async (b, msg) => {
    const { status, body } = await post('/routing/match', b);
    expect(status).toBe(400);
    expect(String(body['message'])).toContain(msg);
  });

  it('logged what it loaded and how long it took', () => {
    expect(server.output()).toMatch(/road graph data\/osm\/andorra\.osm\.pbf: \d+ vertices, \d+ edges, bbox .* in \d+ ms/);
  });
});
