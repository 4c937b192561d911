import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ModuleServer, startModuleServer } from '../support/module-server';

// The geocode endpoints over real HTTP on the largest shipped extract, the northern Anhui tile
// (OSM 2017, Chinese names): what call intake asks while a dispatcher takes a call in Huainan.
const HUAINAN = '32.63,116.99';

describe('GET /geocode/* on the Anhui tile', () => {
  let server: ModuleServer;

  beforeAll(async () => {
    server = await startModuleServer('test/geocode/serve-geocode.ts', { DATA_DIR: mkdtempSync(join(tmpdir(), 'rc-geocode-')), OSM_EXTRACT: 'data/osm/anhui-north-2017.osm.pbf' }, 120_000);
  }, 130_000);
  afterAll(() => server?.stop());

  const get = async (path: string) => {
    const res = await fetch(server.base + path);
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  type Hit = { id: string; name: string; names: string[]; kind: string; lat: number; lon: number; gcj02: { lat: number; lon: number }; match: string; distanceM?: number };

  it('finds Huainan No. 1 People\'s Hospital by its Chinese name, nearest first, with both datums', async () => {
    const { status, body } = await get(`/geocode/search?q=${encodeURIComponent('第一人民医院')}&near=${HUAINAN}&limit=5`);
    expect(status).toBe(200);
    const results = body['results'] as Hit[];
    expect(results.length).toBeGreaterThan(0);
    const top = results[0]!;
    expect(top.name).toBe('淮南市第一人民医院');
    expect(top.kind).toBe('hospital');
    // In Huainan (32.6 N, 117.0 E), about 4 km from the point asked near.
    expect(Math.abs(top.lat - 32.65)).toBeLessThan(0.05);
    expect(Math.abs(top.lon - 117.0)).toBeLessThan(0.05);
    expect(top.distanceM).toBeLessThan(10_000);
    // GCJ-02 is shifted by a few hundred metres in China.
    expect(Math.abs(top.gcj02.lon - top.lon) + Math.abs(top.gcj02.lat - top.lat)).toBeGreaterThan(0.001);
    expect(body['attribution']).toMatch(/OpenStreetMap/);
  });

  it('ranks the city before places that only begin with its name, and reads pinyin and a typo', async () => {
    const city = (await get(`/geocode/search?q=${encodeURIComponent('蚌埠市')}`)).body['results'] as Hit[];
    expect(city[0]!.name).toMatch(/^蚌埠市/);
    expect(city[0]!.match).toBe('exact');
    const latin = (await get('/geocode/search?q=Bengbu&kind=city,admin')).body['results'] as Hit[];
    expect(latin[0]!.name).toMatch(/^蚌埠市/);
    const typo = (await get('/geocode/search?q=Bengbuu')).body['results'] as Hit[];
    // The city node and the boundary 蚌埠市 / Bengbu share their names: one place, shown once.
    expect(typo.filter((h) => /^蚌埠市/.test(h.name))).toHaveLength(1);
  });

  it('names the nearest road of a point in Huainan and the village or town it is in', async () => {
    const { status, body } = await get('/geocode/reverse?lat=32.63&lon=116.99');
    expect(status).toBe(200);
    const road = body['road'] as { name: string; distanceM: number; lat: number; lon: number };
    expect(road.name.length).toBeGreaterThan(0);
    expect(road.distanceM).toBeLessThan(1000);
    expect(body['place']).not.toBeNull();
    // Far out in a field with a 1 m radius: no road, said so (not an error).
    const none = await get('/geocode/reverse?lat=32.63&lon=116.99&maxM=1');
    expect(none.body['road']).toBeNull();
  });

  it('converts a Baidu point pasted as lng,lat to WGS-84 inside the region', async () => {
    // BD-09 of 淮南 as Baidu shows it; the WGS-84 point lies ~1 km south-west of it.
    const { status, body } = await get(`/geocode/parse?text=${encodeURIComponent('117.0046,32.6342')}&crs=baidu`);
    expect(status).toBe(200);
    expect(body['order']).toBe('lonlat');
    expect(body['inRegion']).toBe(true);
    const w = body['wgs84'] as { lat: number; lon: number };
    expect(w.lon).toBeLessThan(117.0046);
    expect(w.lat).toBeLessThan(32.6342);
    expect(Math.abs(w.lon - 117.0046)).toBeLessThan(0.02);
    const same = await get(`/geocode/parse?text=${encodeURIComponent('纬度32.6342 经度117.0046')}&crs=BD09`);
    expect(same.body['wgs84']).toEqual(w);
  });

  it.each([
    ['/geocode/search', 'q'],
    [`/geocode/search?q=${'x'.repeat(101)}`, 'q'],
    ['/geocode/search?q=a&near=200,1', 'near'],
    ['/geocode/search?q=a&limit=0', 'limit'],
    ['/geocode/search?q=a&kind=bakery', 'kind'],
    ['/geocode/reverse?lat=32.6', 'lon'],
    ['/geocode/reverse?lat=32.6&lon=117&maxM=99999', 'maxM'],
    ['/geocode/parse?text=117.0,32.6', 'crs'],
    ['/geocode/parse?text=hello&crs=GCJ02', 'two numbers'],
    ['/geocode/parse?text=117,32&crs=mars', 'datum'],
  ])('%s → 400 BAD_INPUT naming %s', async (path, what) => {
    const { status, body } = await get(path);
    expect(status).toBe(400);
    expect(body['code']).toBe('BAD_INPUT');
    expect(String(body['message'])).toContain(what);
  });
});
