import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { writeArrayBuffer } from 'geotiff';
import type { DataSource } from 'typeorm';
import { analyseCoverage, importPopulation, type PopulationImportOptions, uniformClassifier } from '@rescue/coverage';
import { closeDatabase, openDatabase, PopulationRepository, populationStore } from '@rescue/persistence';
import { wgs84ToBd09 } from '@rescue/telemetry';
import { CoverageInputs } from '../apps/server/src/coverage/coverage-inputs';
import { config, rule, street } from '../apps/server/src/coverage/coverage-services.testing';
import { scratchPglite, scratchPostgres } from './support/databases';
import { describeNeeding, needPostgres } from './support/needs';

/*
 * The coverage services' hand-drawn street: p0 … p4 on the equator, 0.01° apart; the rule reaches 1.2 steps.
 * Station S1 at p0. 城关 holds the street from p0 to 1.1 steps (all reached); 东郊 from 1.5 to 3.5 steps
 * (none reached). People coverage is 城关's share of the people, whatever the road lengths.
 */
const S1 = { id: 'S1', name: '一号站', lat: 0, lon: 0 };
const box = (x0: number, x1: number): Array<[number, number]> => [[x0, -0.005], [x1, -0.005], [x1, 0.005], [x0, 0.005], [x0, -0.005]];
const AREAS = [
  { id: '410102001', name: '城关街道', population: 48_000, ring: box(-0.005, 0.011) },
  { id: '410102002', name: '东郊镇', population: 6_500, ring: box(0.015, 0.035) },
];
const bd09 = (ring: Array<[number, number]>) => ring.map(([lon, lat]) => {
  const b = wgs84ToBd09({ lat, lon });
  return [b.lon, b.lat];
});
/** The census file as a centre has it from Baidu-based GIS: BD-09 boundaries, Chinese property names. */
const areasBd09 = JSON.stringify({
  type: 'FeatureCollection',
  features: AREAS.map((a) => ({ type: 'Feature', properties: { 行政区划代码: a.id, 乡镇街道: a.name, 常住人口: a.population }, geometry: { type: 'Polygon', coordinates: [bd09(a.ring)] } })),
});
const bytes = (s: string) => new TextEncoder().encode(s);

async function raster(): Promise<Uint8Array> {
  // Five 0.01° cells centred on p0 … p4; 10, 20, … people.
  const buf = await writeArrayBuffer(new Float32Array([10, 20, 30, 40, 50]), {
    width: 5, height: 1, ModelPixelScale: [0.01, 0.01, 0], ModelTiepoint: [0, 0, 0, -0.005, 0.005, 0],
    GTModelTypeGeoKey: 2, GTRasterTypeGeoKey: 1, GeographicTypeGeoKey: 4326, SampleFormat: [3], BitsPerSample: [32],
  });
  return new Uint8Array(buf as ArrayBuffer);
}

const opts = (o: Partial<PopulationImportOptions> = {}): PopulationImportOptions => ({ crs: 'BD09', dryRun: false, actor: 'key:test', source: 'census.geojson', ...o });

describe('population import and people as coverage demand (embedded PGlite)', () => {
  let ds: DataSource;
  let remove: () => void;
  const inputs = () => new CoverageInputs(config, { graph: street }, null, null, () => {}, new PopulationRepository(ds));
  const stored = async () => (await ds.query(`SELECT id, population, lat, lon FROM population_units ORDER BY id`)) as Array<{ id: string; population: number }>;
  const audits = async () => Number((await ds.query(`SELECT count(*) AS n FROM audit_log WHERE action = 'population.import'`))[0].n);

  beforeAll(async () => {
    const scratch = scratchPglite();
    remove = scratch.remove;
    ({ dataSource: ds } = await openDatabase(scratch.target));
  });
  afterAll(async () => {
    await closeDatabase(ds);
    remove();
  });

  it('imports BD-09 census areas within 2 m of their WGS-84 boundaries; a re-import, a dry run and a bad file change nothing', async () => {
    const dry = await importPopulation(populationStore(ds), bytes(areasBd09), opts({ dryRun: true }));
    expect(dry).toMatchObject({ areas: 2, inserted: 2, applied: false, totalPopulation: 54_500 });
    expect(await stored()).toEqual([]);

    expect(await importPopulation(populationStore(ds), bytes(areasBd09), opts())).toMatchObject({ inserted: 2, updated: 0, deleted: 0, applied: true });
    const rows = await new PopulationRepository(ds).list();
    for (const a of AREAS) {
      const r = rows.find((x) => x.id === `area:${a.id}`)!;
      expect(r.name).toBe(a.name);
      const got = r.geometry!.coordinates[0] as Array<[number, number]>;
      got.forEach(([lon, lat], k) => {
        const [lon0, lat0] = a.ring[k]!;
        expect(Math.hypot((lon - lon0) * 111_320, (lat - lat0) * 110_574)).toBeLessThan(2);
      });
    }
    const before = await stored();
    const n = await audits();
    expect(n).toBe(1);
    expect(await importPopulation(populationStore(ds), bytes(areasBd09), opts())).toMatchObject({ inserted: 0, updated: 0, unchanged: 2, deleted: 0 });
    const bad = areasBd09.replace('"常住人口":6500', '"常住人口":"六千五"');
    expect(bad).not.toBe(areasBd09);
    await expect(importPopulation(populationStore(ds), bytes(bad), opts())).rejects.toThrow(/第 2 个要素.*人口 "六千五"/);
    expect(await stored()).toEqual(before);
    expect(await audits()).toBe(n);
  });

  it('coverage counts people once population is stored: the share is 城关 over all, computed by hand', async () => {
    const inp = inputs();
    await inp.refreshPopulation();
    const demand = inp.demand(null);
    expect(demand).toMatchObject({ kind: 'population', unit: 'people' });
    const a = analyseCoverage(street, rule, [S1], demand, uniformClassifier('urban'), { snapMaxM: 50 });
    expect(a.totalWeight).toBeCloseTo(48_000 + 6_500, 6);
    expect(a.coveredWeight).toBeCloseTo(48_000, 6);
    expect(a.compliance).toBeCloseTo(48_000 / 54_500, 9);
    expect(a.ambulances?.population).toBeCloseTo(54_500, 6);
  });

  it('a raster replaces the areas; the next refresh picks it up (people within 1.2 steps of p0: the cells at p0 and p1)', async () => {
    const inp = inputs();
    await inp.refreshPopulation();
    const r = await importPopulation(populationStore(ds), await raster(), opts({ crs: 'WGS84', source: 'pop.tif' }));
    expect(r).toMatchObject({ format: 'geotiff', cells: 5, inserted: 5, deleted: 2, totalPopulation: 150 });
    await inp.refreshPopulation();
    const a = analyseCoverage(street, rule, [S1], inp.demand(null), uniformClassifier('urban'), { snapMaxM: 50 });
    expect(a.demand.points).toBe(5);
    expect(a.compliance).toBeCloseTo((10 + 20) / 150, 9);
  });
});

describeNeeding(needPostgres())('npm run import -- population (real PostgreSQL)', () => {
  it('imports a GeoTIFF with DATABASE_URL and reports it in Chinese; a re-import changes nothing', async () => {
    const scratch = await scratchPostgres('rc_population');
    const dir = mkdtempSync(join(tmpdir(), 'rc-pop-'));
    try {
      const { dataSource } = await openDatabase(scratch.target); // migrated
      await closeDatabase(dataSource);
      const file = join(dir, 'pop.tif');
      writeFileSync(file, await raster());
      const run = () =>
        promisify(execFile)(process.execPath, [join(__dirname, '..', 'node_modules/tsx/dist/cli.mjs'), 'apps/cli/import.ts', 'population', file], {
          cwd: join(__dirname, '..'),
          env: { ...process.env, NODE_OPTIONS: '', LOG_LEVEL: 'warn', DATABASE_URL: scratch.target.databaseUrl! },
          timeout: 120_000,
        });
      expect((await run()).stdout).toMatch(/5 个栅格单元，共 150 人；新增 5.*已写入/);
      expect((await run()).stdout).toMatch(/新增 0，修改 0，未变 5，删除 0/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await scratch.drop();
    }
  });
});
