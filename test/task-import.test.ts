import { Readable } from 'node:stream';
import type { DataSource } from 'typeorm';
import { computeIndicators, indicatorsBy, rankStations, taskTimesOf } from '@rescue/dispatch';
import { closeDatabase, importedTasksStore, openDatabase, registryStore, TaskRepository } from '@rescue/persistence';
import { importRegistry, importTasks, type TasksImportOptions } from '@rescue/registry';
import { type ExportRow, exportCsvLines, generateExport } from '@rescue/registry/testing';
import { scratchPostgres } from './support/databases';
import { describeNeeding, needPostgres } from './support/needs';

const STATIONS = ['S1', 'S2', 'S3', 'S4'];
const UNITS = Array.from({ length: 12 }, (_, i) => ({ id: `U${i + 1}`, stationId: STATIONS[i % STATIONS.length]! }));
const MONTH = '2026-11';
const N = 5200;

const opts = (o: Partial<TasksImportOptions> = {}): TasksImportOptions => ({ format: 'csv', crs: 'GCJ02', mapping: {}, dryRun: false, actor: 'key:test', source: 'month.csv', batchSize: 700, ...o });
const lines = (rows: Iterable<ExportRow>) => Readable.from(exportCsvLines(rows));

/** Independent reading of an export time (Beijing wall clock): not the importer's parser. */
const t = (s: string): number | null => (s === '' ? null : Date.parse(`${s.replace(' ', 'T')}+08:00`));
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const VOID: Record<string, string> = { 病人不去: 'refused', 车到人走: 'gone_on_arrival', 死亡不送: 'dead_not_transported', 中止: 'aborted' };

/** The indicators of domain.md §4 computed straight from the generated rows, by hand. */
function expected(rows: ExportRow[]) {
  const id = (r: ExportRow) => `import-${r.任务编号}`;
  const dispatched = rows.filter((r) => r.车辆编号 !== '');
  const both = (rs: ExportRow[], a: keyof ExportRow, b: keyof ExportRow) => rs.filter((r) => t(r[a]) !== null && t(r[b]) !== null).map((r) => (t(r[b])! - t(r[a])!) / 1000);
  const lacking = (rs: ExportRow[], a: keyof ExportRow, b: keyof ExportRow) => rs.filter((r) => t(r[a]) === null || t(r[b]) === null).map(id).sort();
  const answer = both(rows, '来电时间', '接听时间');
  const dispatch = both(dispatched, '接听时间', '派车时间');
  const departure = both(dispatched, '收到指令时间', '出车时间');
  const response = both(dispatched, '接听时间', '到达现场时间');
  const byReason = Object.fromEntries(Object.values(VOID).map((c) => [c, dispatched.filter((r) => VOID[r.任务结果] === c).length]));
  const voids = Object.values(byReason).reduce((a, b) => a + b, 0);
  return {
    answer10s: { n: answer.length, within: answer.filter((s) => s <= 10).length, missing: lacking(rows, '来电时间', '接听时间') },
    dispatchMean: mean(dispatch),
    dispatch1min: dispatch.filter((s) => s <= 60).length / dispatch.length,
    dispatchMissing: lacking(dispatched, '接听时间', '派车时间'),
    departureMean: mean(departure),
    departure3min: departure.filter((s) => s <= 180).length / departure.length,
    departureMissing: lacking(dispatched, '收到指令时间', '出车时间'),
    responseMean: mean(response),
    responseMissing: lacking(dispatched, '接听时间', '到达现场时间'),
    voidRate: voids / dispatched.length,
    byReason,
  };
}

describeNeeding(needPostgres())('historical task import and the indicators of a generated month (real PostgreSQL)', () => {
  let ds: DataSource;
  let drop: () => Promise<void>;
  const rows = [...generateExport({ month: MONTH, tasks: N, units: UNITS })];

  beforeAll(async () => {
    const scratch = await scratchPostgres('rc_tasks');
    drop = scratch.drop;
    ({ dataSource: ds } = await openDatabase(scratch.target));
    const csv = (h: string, body: string[]) => Readable.from([[h, ...body].join('\n') + '\n']);
    await importRegistry(registryStore(ds), 'stations', csv('站点编号,站点名称,经度,纬度', STATIONS.map((s, i) => `${s},${s}站,${113.6 + i * 0.02},34.75`)), { format: 'csv', crs: 'WGS84', mapping: {}, dryRun: false, actor: 'key:test', source: 's.csv' });
    await importRegistry(registryStore(ds), 'units', csv('车辆编号,所属站点', UNITS.map((u) => `${u.id},${u.stationId}`)), { format: 'csv', crs: 'WGS84', mapping: {}, dryRun: false, actor: 'key:test', source: 'u.csv' });
  });

  afterAll(async () => {
    await closeDatabase(ds);
    await drop();
  });

  it('imports the month; rejected rows named by row and column; a dry run and a re-import write nothing', async () => {
    const bad: ExportRow[] = [
      { ...rows[0]!, 任务编号: 'BAD-1', 车辆编号: 'U404' },
      { ...rows[1]!, 任务编号: 'BAD-2', 出车时间: '2026-11-31 08:00:00' },
      { ...rows[2]!, 任务编号: 'BAD-3', 到达现场时间: rows[2]!.来电时间, 病人上车时间: '', 到达医院时间: '', 完成时间: '' },
      { ...rows[3]!, 任务编号: '' },
    ];
    const dry = await importTasks(importedTasksStore(ds), lines([...rows, ...bad]), opts({ dryRun: true }));
    expect(dry).toMatchObject({ rows: N + 4, inserted: N, rejected: 4, applied: false });
    expect(Number((await ds.query(`SELECT count(*) AS n FROM tasks`))[0].n)).toBe(0);

    const r = await importTasks(importedTasksStore(ds), lines([...rows, ...bad]), opts());
    expect(r).toMatchObject({ rows: N + 4, inserted: N, updated: 0, unchanged: 0, rejected: 4, applied: true });
    const at = (k: number) => N + 1 + k; // header is row 1
    expect(r.errors).toEqual([
      { row: at(1), column: '车辆编号', message: expect.stringContaining('U404') },
      { row: at(2), column: '出车时间', message: expect.stringContaining('不存在的日期') },
      { row: at(3), column: '到达现场时间', message: expect.stringContaining('早于') },
      { row: at(4), column: '任务编号', message: expect.stringContaining('必填') },
    ]);
    const count = async () => (await ds.query(`SELECT (SELECT count(*) FROM tasks) AS t, (SELECT count(*) FROM task_events) AS e, (SELECT count(*) FROM audit_log) AS a`))[0];
    const before = await count();
    expect(Number(before.t)).toBe(N);
    const again = await importTasks(importedTasksStore(ds), lines(rows), opts());
    expect(again).toMatchObject({ inserted: 0, updated: 0, unchanged: N });
    expect({ ...(await count()), a: before.a }).toEqual(before); // only the import's own audit record is new
    // One changed row: updated, its events replaced, not duplicated.
    const changed = rows.map((x, i) => (i === 10 ? { ...x, 任务结果: '车到人走', 病人上车时间: '', 到达医院时间: '' } : x));
    expect(await importTasks(importedTasksStore(ds), lines(changed), opts())).toMatchObject({ inserted: 0, updated: 1, unchanged: N - 1 });
    const ev: Array<{ to_status: string; source: string }> = await ds.query(`SELECT to_status, source FROM task_events WHERE task_id = $1 ORDER BY ts, id`, [`import-${rows[10]!.任务编号}`]);
    expect(ev.map((e) => e.to_status).at(-1)).toBe('gone_on_arrival');
    expect(new Set(ev.map((e) => e.source))).toEqual(new Set(['import']));
    await importTasks(importedTasksStore(ds), lines(rows), opts()); // back to the original
  });

  it('--exclusive drops the foreign keys only inside its transaction: they are back, and enforced, after an import and a dry run', async () => {
    const keys = async () =>
      (await ds.query(`SELECT conname, pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE contype = 'f' AND conrelid IN ('tasks'::regclass, 'task_events'::regclass) ORDER BY conname`)) as unknown[];
    const before = await keys();
    expect(before.length).toBeGreaterThanOrEqual(3);
    const changed = rows.map((x, i) => (i === 20 ? { ...x, 任务结果: '病人不去', 病人上车时间: '', 到达医院时间: '' } : x));
    expect(await importTasks(importedTasksStore(ds), lines(changed), opts({ exclusive: true, dryRun: true }))).toMatchObject({ updated: 1, applied: false });
    expect(await keys()).toEqual(before);
    expect(await importTasks(importedTasksStore(ds), lines(changed), opts({ exclusive: true }))).toMatchObject({ updated: 1, unchanged: N - 1, applied: true });
    expect(await keys()).toEqual(before);
    const ev: Array<{ to_status: string }> = await ds.query(`SELECT to_status FROM task_events WHERE task_id = $1 ORDER BY ts, id`, [`import-${rows[20]!.任务编号}`]);
    expect(ev.map((e) => e.to_status).at(-1)).toBe('refused');
    await expect(ds.query(`INSERT INTO task_events (task_id, unit_id, to_status, ts, source) VALUES ('no-such-task', 'U1', 'en_route', now(), 'import')`)).rejects.toThrow(/foreign key/);
    expect(await importTasks(importedTasksStore(ds), lines(rows), opts({ exclusive: true }))).toMatchObject({ updated: 1, unchanged: N - 1 });
  });

  it('the indicators of the imported month equal those computed by hand from the generated rows', async () => {
    const from = Date.parse('2026-11-01T00:00:00+08:00');
    const to = Date.parse('2026-12-01T00:00:00+08:00');
    const stored = (await new TaskRepository(ds).tasksBetween(from, to, null)).map(taskTimesOf);
    expect(stored).toHaveLength(N);
    const i = computeIndicators(stored);
    const e = expected(rows);
    expect({ n: i.answer10s.n, within: i.answer10s.within, missing: [...i.answer10s.missing].sort() }).toEqual(e.answer10s);
    expect(i.answer10s.missing.length).toBeGreaterThan(0); // the month has rows without an answer time: listed
    expect(i.dispatchTime.meanS).toBeCloseTo(e.dispatchMean, 6);
    expect(i.dispatch1min.rate).toBeCloseTo(e.dispatch1min, 9);
    expect([...i.dispatchTime.missing].sort()).toEqual(e.dispatchMissing);
    expect(i.departureTime.meanS).toBeCloseTo(e.departureMean, 6);
    expect(i.departure3min.rate).toBeCloseTo(e.departure3min, 9);
    expect([...i.departureTime.missing].sort()).toEqual(e.departureMissing);
    expect(i.responseTime.meanS).toBeCloseTo(e.responseMean, 6);
    expect([...i.responseTime.missing].sort()).toEqual(e.responseMissing);
    expect(i.voidTrips.rate).toBeCloseTo(e.voidRate, 9);
    expect(i.voidTrips.byReason).toEqual(e.byReason);
    expect(Object.values(i.callsByType).reduce((a, b) => a + b, 0)).toBe(N);

    // Per station (the unit's station), per dispatcher, per day: each group by hand too.
    const byStation = indicatorsBy(stored, 'station');
    for (const s of STATIONS) {
      const mine = rows.filter((r) => UNITS.find((u) => u.id === r.车辆编号)?.stationId === s);
      expect(byStation[s]!.departureTime.meanS).toBeCloseTo(expected(mine).departureMean, 6);
    }
    const byDispatcher = indicatorsBy(stored, 'dispatcher');
    expect(byDispatcher['D03']!.answer10s.within).toBe(expected(rows.filter((r) => r.调度员 === 'D03')).answer10s.within);
    const byDay = indicatorsBy(stored, 'day');
    expect(Object.keys(byDay)).toHaveLength(30);
    expect(byDay['2026-11-07']!.tasks).toBe(rows.filter((r) => r.来电时间.startsWith('2026-11-07')).length);
    expect(Object.keys(indicatorsBy(stored, 'month'))).toEqual(['2026-11']);
    expect(Object.keys(indicatorsBy(stored, 'unit'))).toHaveLength(UNITS.length + 1); // + unserved calls

    const ranking = rankStations(byStation);
    const rates = STATIONS.map((s) => ({ s, r: expected(rows.filter((r) => UNITS.find((u) => u.id === r.车辆编号)?.stationId === s)).departure3min })).sort((a, b) => b.r - a.r);
    expect(ranking.map((x) => x.stationId)).toEqual(rates.map((x) => x.s));
  });
});
