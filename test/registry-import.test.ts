import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import type { DataSource } from 'typeorm';
import { closeDatabase, openDatabase, RegistryRepository, registryStore } from '@rescue/persistence';
import { importRegistry, type RegistryImportOptions, type StationRecord } from '@rescue/registry';
import { haversineM as distanceM } from '@rescue/common';
import { DATUM_VECTORS } from '@rescue/telemetry/testing';
import { scratchPostgres } from './support/databases';
import { describeNeeding, needPostgres } from './support/needs';
import { REPO_ROOT, startServer } from './support/server-process';

const run = promisify(execFile);

/** `npm run import -- <args>` as an operator runs it; env picks the database or the server's API. */
async function importCli(env: Record<string, string>, ...args: string[]): Promise<{ code: number; out: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [join(REPO_ROOT, 'node_modules/tsx/dist/cli.mjs'), 'apps/cli/import.ts', ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, NODE_OPTIONS: '', LOG_LEVEL: 'warn', ...env },
      timeout: 120_000,
    });
    return { code: 0, out: stdout + stderr };
  } catch (e) {
    const err = e as { code?: unknown; stdout?: string; stderr?: string };
    if (typeof err.code !== 'number') throw e;
    return { code: err.code, out: `${err.stdout ?? ''}${err.stderr ?? ''}` };
  }
}

const csv = (rows: string[][]): string => rows.map((r) => r.join(',')).join('\n') + '\n';

/** The published cities as a station file in one datum (headers as a Chinese centre's export has them). */
function stationsCsv(datum: 'WGS84' | 'GCJ02' | 'BD09'): string {
  return csv([['站点编号', '站点名称', '站点类型', '区域类型', '经度', '纬度'], ...DATUM_VECTORS.map((v, i) => [`S${i + 1}`, `${v.name}急救站`, '分站', i % 2 ? '农村' : '城区', String(v[datum][0]), String(v[datum][1])])]);
}

async function stationsXlsx(datum: 'GCJ02' | 'BD09'): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('站点');
  ws.addRow(['编号', '名称', 'lng', 'lat']);
  DATUM_VECTORS.forEach((v, i) => ws.addRow([`S${i + 1}`, `${v.name}急救站`, v[datum][0], v[datum][1]]));
  return Buffer.from(await wb.xlsx.writeBuffer());
}

const opts = (o: Partial<RegistryImportOptions> = {}): RegistryImportOptions => ({ format: 'csv', crs: 'WGS84', mapping: {}, dryRun: false, actor: 'key:test', source: 'test.csv', ...o });
const stream = (s: string | Buffer) => Readable.from([Buffer.from(s)]);

/** Everything an import could change: the registry tables and the audit trail. */
async function snapshot(ds: DataSource): Promise<unknown> {
  return {
    stations: await ds.query(`SELECT * FROM stations ORDER BY id`),
    units: await ds.query(`SELECT * FROM units ORDER BY id`),
    hospitals: await ds.query(`SELECT * FROM hospitals ORDER BY id`),
    audit: await ds.query(`SELECT id, action, subject FROM audit_log ORDER BY id`),
  };
}

function expectOnTruth(stations: StationRecord[]): void {
  expect(stations).toHaveLength(DATUM_VECTORS.length);
  for (const s of stations) {
    const truth = DATUM_VECTORS[Number(s.id.slice(1)) - 1]!.WGS84;
    expect(distanceM(s.lat, s.lon, truth[1], truth[0])).toBeLessThan(2);
  }
}

describeNeeding(needPostgres())('registry import on the real PostgreSQL', () => {
  let ds: DataSource;
  let url: string;
  let drop: () => Promise<void>;
  const store = () => registryStore(ds);
  const stations = async () => (await new RegistryRepository(ds).list('stations')) as StationRecord[];

  beforeAll(async () => {
    const scratch = await scratchPostgres('rc_registry');
    url = scratch.target.databaseUrl!;
    drop = scratch.drop;
    ({ dataSource: ds } = await openDatabase(scratch.target));
  });

  afterAll(async () => {
    await closeDatabase(ds);
    await drop();
  });

  it('stations given in BD-09 (CSV) and GCJ-02 (XLSX) land within 2 m of their WGS-84 truth; the input is kept', async () => {
    const r = await importRegistry(store(), 'stations', stream(stationsCsv('BD09')), opts({ crs: 'BD09' }));
    expect(r).toMatchObject({ rows: DATUM_VECTORS.length, created: DATUM_VECTORS.length, errors: [], applied: true });
    expectOnTruth(await stations());
    expect((await stations())[0]).toMatchObject({ inputCrs: 'BD09', inputLon: DATUM_VECTORS[0]!.BD09[0], areaClass: 'urban', kind: '分站' });
    const x = await importRegistry(store(), 'stations', stream(await stationsXlsx('GCJ02')), opts({ crs: 'GCJ02', format: 'xlsx' }));
    // Same places in another datum: only the recorded input changes, by less than 2 m of position.
    expect(x.errors).toEqual([]);
    expectOnTruth(await stations());
    expect((await stations())[1]).toMatchObject({ inputCrs: 'GCJ02', kind: '分站', areaClass: 'rural' }); // columns not in the XLSX kept
  });

  it('re-importing the same file changes nothing, not even the audit trail', async () => {
    const file = stationsCsv('GCJ02');
    await importRegistry(store(), 'stations', stream(file), opts({ crs: 'GCJ02' }));
    const before = await snapshot(ds);
    const again = await importRegistry(store(), 'stations', stream(file), opts({ crs: 'GCJ02' }));
    expect(again).toMatchObject({ created: 0, updated: 0, unchanged: DATUM_VECTORS.length, changes: [] });
    expect(await snapshot(ds)).toEqual(before);
  });

  it('a malformed row names its row and column, and nothing of the file is applied', async () => {
    const before = await snapshot(ds);
    const bad = csv([
      ['站点编号', '站点名称', '经度', '纬度'],
      ['S1', '改名站', '114.02', '33.01'], // a good change, which must not be applied either
      ['N9', '新站', '113.6', '34.75'],
      ['N10', '坏站', '113.6', '北纬34'],
      ['N11', '', '113.6', '95'],
      ['N9', '重复', '113.6', '34.75'],
    ]);
    const r = await importRegistry(store(), 'stations', stream(bad), opts({ crs: 'GCJ02' }));
    expect(r.applied).toBe(false);
    expect(r.errors).toEqual([
      { row: 4, column: '纬度', message: expect.stringContaining('不是数字') },
      { row: 5, column: '站点名称', message: expect.stringContaining('必填') },
      { row: 5, column: '纬度', message: expect.stringContaining('超出范围') },
      { row: 6, column: '站点编号', message: expect.stringContaining('第 3 行重复') },
    ]);
    expect(await snapshot(ds)).toEqual(before);
  });

  it('a dry run lists the changes field by field and writes nothing', async () => {
    const before = await snapshot(ds);
    const r = await importRegistry(store(), 'stations', stream(csv([['站点编号', '站点名称'], ['S1', '驻马店中心站'], ['N1', '新站']])), opts({ dryRun: true }));
    expect(r.errors[0]).toMatchObject({ row: 3, column: 'lat' }); // a new station needs a location
    const ok = await importRegistry(store(), 'stations', stream(csv([['站点编号', '站点名称'], ['S1', '驻马店中心站']])), opts({ dryRun: true }));
    expect(ok).toMatchObject({ dryRun: true, applied: false, updated: 1, changes: [{ id: 'S1', row: 2, action: 'update', changes: [{ field: 'name', from: '驻马店市急救站', to: '驻马店中心站' }] }] });
    expect(await snapshot(ds)).toEqual(before);
  });

  it('units: capabilities in Chinese, station references checked; hospitals from GeoJSON; every change audited', async () => {
    const units = csv([['车辆编号', '车牌号', '所属站点', '车辆类型', '终端类型', '终端手机号'], ['AMB-1', '豫Q·12345', 'S1', '监护型;负压', 'JT808', '013800138000'], ['AMB-2', '豫Q·54321', 'S404', '普通型', '', '']]);
    const bad = await importRegistry(store(), 'units', stream(units), opts());
    expect(bad.errors).toEqual([{ row: 3, column: '所属站点', message: expect.stringContaining('S404') }]);
    const good = await importRegistry(store(), 'units', stream(units.replace('S404', 'S2')), opts());
    expect(good).toMatchObject({ created: 2, applied: true });
    expect(await new RegistryRepository(ds).list('units')).toEqual([
      { id: 'AMB-1', name: null, plate: '豫Q·12345', stationId: 'S1', capabilities: ['als', 'negative-pressure'], terminalKind: 'jt808', terminalId: '013800138000' },
      { id: 'AMB-2', name: null, plate: '豫Q·54321', stationId: 'S2', capabilities: ['bls'], terminalKind: null, terminalId: null },
    ]);
    const typo = await importRegistry(store(), 'units', stream(csv([['车辆编号', '车辆类型'], ['AMB-3', '负庄']])), opts());
    expect(typo.errors[0]).toMatchObject({ row: 2, column: '车辆类型', message: expect.stringContaining('未知车辆能力 "负庄"') });
    const v = DATUM_VECTORS[4]!;
    const geo = JSON.stringify({ type: 'FeatureCollection', features: [
      { type: 'Feature', properties: { 医院编号: 'H1', 医院名称: '郑州市中心医院', 医院等级: '三级甲等', 救治中心: ['胸痛中心', '卒中中心', '危重新生儿'] }, geometry: { type: 'Point', coordinates: v.BD09 } },
    ] });
    const h = await importRegistry(store(), 'hospitals', stream(geo), opts({ format: 'geojson', crs: 'BD09' }));
    expect(h).toMatchObject({ created: 1, errors: [] });
    const [hosp] = await new RegistryRepository(ds).list('hospitals');
    expect(hosp).toMatchObject({ id: 'H1', grade: '三级甲等', capabilities: ['chest-pain', 'stroke', 'critical-neonatal'] });
    expect(distanceM((hosp as StationRecord).lat, (hosp as StationRecord).lon, v.WGS84[1], v.WGS84[0])).toBeLessThan(2);
    const trail: Array<{ action: string; subject: string; actor: string }> = await ds.query(`SELECT action, subject, actor FROM audit_log WHERE subject IN ('unit:AMB-1', 'hospital:H1', 'registry:hospitals') ORDER BY id`);
    expect(trail).toEqual([
      { action: 'registry.unit.create', subject: 'unit:AMB-1', actor: 'key:test' },
      { action: 'registry.hospital.create', subject: 'hospital:H1', actor: 'key:test' },
      { action: 'registry.import', subject: 'registry:hospitals', actor: 'key:test' },
    ]);
  });

  it('the CLI with a mapping file runs the same import (GBK CSV, as Excel saves it in a Chinese locale)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rc-import-'));
    try {
      const file = join(dir, 'stations.csv');
      writeFileSync(file, iconv.encode('代码,站名,X(百度),Y(百度)\nM1,驻马店东站,114.0287781,33.0176697\n', 'gbk'));
      writeFileSync(join(dir, 'columns.json'), JSON.stringify({ columns: { id: '代码', name: '站名', lon: 'X(百度)', lat: 'Y(百度)' } }));
      const r = await importCli({ DATABASE_URL: url }, 'stations', file, '--crs', 'BD09', '--mapping', join(dir, 'columns.json'));
      expect(r).toMatchObject({ code: 0, out: expect.stringContaining('新增 1') });
      const m1 = (await stations()).find((s) => s.id === 'M1')!;
      expect(m1.name).toBe('驻马店东站');
      expect(distanceM(m1.lat, m1.lon, DATUM_VECTORS[0]!.WGS84[1], DATUM_VECTORS[0]!.WGS84[0])).toBeLessThan(2);
      const bad = await importCli({ DATABASE_URL: url }, 'stations', file, '--mapping', join(dir, 'nope.json'));
      expect(bad).toMatchObject({ code: 1, out: expect.stringContaining('--mapping') });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('registry import on the embedded stack, through the running server (PGlite is single-process)', () => {
  it('npm run import without DATABASE_URL goes through the admin API: applied, audited, idempotent, refused without an admin key', async () => {
    const server = await startServer({ SIMULATOR: 'false' });
    const dir = mkdtempSync(join(tmpdir(), 'rc-import-'));
    try {
      const file = join(dir, 'stations.csv');
      writeFileSync(file, stationsCsv('BD09'));
      const env = { RC_API_URL: server.url, RC_API_KEY: server.apiKeys.admin, DATA_DIR: server.dataDir };
      expect(await importCli(env, 'stations', file, '--crs', 'BD09', '--dry-run')).toMatchObject({ code: 0, out: expect.stringContaining('试运行') });
      expect(await importCli(env, 'stations', file, '--crs', 'BD09')).toMatchObject({ code: 0, out: expect.stringContaining(`新增 ${DATUM_VECTORS.length}`) });
      expect(await importCli(env, 'stations', file, '--crs', 'BD09')).toMatchObject({ code: 0, out: expect.stringContaining(`未变 ${DATUM_VECTORS.length}`) });
      const list = (await (await server.api('/registry/stations', {}, 'viewer')).json()) as { records: StationRecord[] };
      expectOnTruth(list.records.filter((s) => /^S\d+$/.test(s.id)));
      const audit = (await (await server.api('/audit?subject=registry:stations', {}, 'auditor')).json()) as { records: Array<{ actor: string }> };
      expect(audit.records).toEqual([expect.objectContaining({ actor: 'key:test-admin' })]);
      const refused = await importCli({ ...env, RC_API_KEY: server.apiKeys.dispatcher }, 'stations', file);
      expect(refused).toMatchObject({ code: 1, out: expect.stringContaining('HTTP 403') });
      const bad = await server.api('/admin/import/stations?format=csv&crs=GCJ03', { method: 'POST', headers: { 'content-type': 'text/csv' }, body: 'a,b\n1,2\n' });
      expect(bad.status).toBe(400);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await server.stop(true);
    }
  });
});
