import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import ExcelJS from 'exceljs';
import { chromium } from 'playwright-core';
import type { DataSource } from 'typeorm';
import { computeIndicators, taskTimesOf } from '@rescue/dispatch';
import { closeDatabase, importedTasksStore, openDatabase, registryStore, TaskRepository } from '@rescue/persistence';
import { importRegistry, importTasks, monthRange } from '@rescue/registry';
import { exportCsvLines, generateExport } from '@rescue/registry/testing';
import { scratchPostgres } from './support/databases';
import { describeNeeding, itNeeding, needChromium, needPostgres } from './support/needs';
import { REPO_ROOT } from './support/server-process';

const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const run = promisify(execFile);
const UNITS = Array.from({ length: 10 }, (_, i) => ({ id: `U${i + 1}`, stationId: `S${(i % 3) + 1}` }));

describeNeeding(needPostgres())('monthly QC report in Chinese (npm run report, real PostgreSQL)', () => {
  let ds: DataSource;
  let drop: () => Promise<void>;
  let url: string;
  const out = mkdtempSync(join(tmpdir(), 'rc-report-'));

  beforeAll(async () => {
    const scratch = await scratchPostgres('rc_report');
    drop = scratch.drop;
    url = scratch.target.databaseUrl!;
    ({ dataSource: ds } = await openDatabase(scratch.target));
    const o = { format: 'csv' as const, crs: 'WGS84' as const, mapping: {}, dryRun: false, actor: 'key:test', source: 't' };
    const csv = (h: string, body: string[]) => Readable.from([[h, ...body].join('\n') + '\n']);
    await importRegistry(registryStore(ds), 'stations', csv('站点编号,站点名称,经度,纬度', ['S1,城东站,113.6,34.75', 'S2,城西站,113.5,34.75', 'S3,北郊站,113.6,34.85']), o);
    // 4 of 10 units negative-pressure: exactly the 40 % target.
    await importRegistry(registryStore(ds), 'units', csv('车辆编号,所属站点,车辆类型', UNITS.map((u, i) => `${u.id},${u.stationId},${i < 4 ? '负压' : '普通型'}`)), o);
    await importTasks(importedTasksStore(ds), Readable.from(exportCsvLines(generateExport({ month: '2026-11', tasks: 900, units: UNITS, seed: 7 }))), { ...o, crs: 'GCJ02' });
    const r = await run(process.execPath, [join(REPO_ROOT, 'node_modules/tsx/dist/cli.mjs'), 'apps/cli/report.ts', '--month', '2026-11', '--out', out, '--population', '400000', '--no-pdf'], {
      cwd: REPO_ROOT, env: { ...process.env, NODE_OPTIONS: '', DATABASE_URL: url, LOG_LEVEL: 'warn' }, timeout: 120_000,
    });
    expect(r.stdout).toContain('900 个任务');
  }, 180_000);

  afterAll(async () => {
    await closeDatabase(ds);
    await drop();
    rmSync(out, { recursive: true, force: true });
  });

  it('the XLSX reads back with Chinese sheets and headers, and its numbers are the indicators of the stored month', async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(join(out, 'qc-2026-11.xlsx'));
    expect(wb.worksheets.map((w) => w.name)).toEqual(['指标汇总', '空车原因', '每日趋势', '站点排名', '车辆配置', '覆盖情况', '缺失时间任务']);
    const sheet = wb.getWorksheet('指标汇总')!;
    expect((sheet.getRow(1).values as unknown[]).slice(1, 4)).toEqual(['指标', 'Indicator', '数值']);
    const { from, to } = monthRange('2026-11');
    const i = computeIndicators((await new TaskRepository(ds).tasksBetween(from, to, null)).map(taskTimesOf));
    const row = (zh: string) => sheet.getRows(2, sheet.rowCount - 1)!.find((r) => r.getCell(1).value === zh)!;
    expect(row('10秒接听率').getCell(3).value).toBeCloseTo(i.answer10s.rate! * 100, 2);
    expect(row('3分钟出车率').getCell(3).value).toBeCloseTo(i.departure3min.rate! * 100, 2);
    expect(row('平均调度时间').getCell(3).value).toBeCloseTo(i.dispatchTime.meanS!, 2);
    expect(row('平均调度时间').getCell(8).value).toBe(i.dispatchTime.missing.length);
    const ranking = wb.getWorksheet('站点排名')!;
    expect(ranking.getRow(2).getCell(3).value).toMatch(/站$/);
    expect(ranking.rowCount).toBe(1 + 3);
    const fleet = wb.getWorksheet('车辆配置')!;
    expect(fleet.getRow(3).values).toEqual([undefined, '救护车数', 10, '≥ 14 (每3万人1辆)', '未达标']);
    expect(fleet.getRow(5).getCell(2).value).toBe(40);
    const missing = wb.getWorksheet('缺失时间任务')!;
    const listed = i.answer10s.missing.length + i.dispatchTime.missing.length + i.departureTime.missing.length + i.responseTime.missing.length + i.voidTrips.open.length;
    expect(missing.rowCount - 1).toBe(listed);
    expect(listed).toBeGreaterThan(0);
  });

  itNeeding(needChromium(CHROMIUM))('the HTML opens in Chromium offline without errors, is screenshotted, and prints to PDF', async () => {
    const html = join(out, 'qc-2026-11.html');
    expect(existsSync(html)).toBe(true);
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu'] });
    try {
      const page = await browser.newPage({ viewport: { width: 1000, height: 1400 } });
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
      await page.route('**/*', (r) => (r.request().url().startsWith('file:') ? r.continue() : (errors.push(r.request().url()), r.abort())));
      await page.goto(pathToFileURL(resolve(html)).href);
      expect(await page.locator('h1').textContent()).toContain('院前急救质控月报');
      expect(await page.locator('#indicators tbody tr').count()).toBe(8);
      expect(await page.locator('#ranking tbody tr').count()).toBe(3);
      expect(await page.locator('svg polyline').count()).toBe(3);
      await page.screenshot({ path: join(out, 'qc.png'), fullPage: true });
      expect(readFileSync(join(out, 'qc.png')).length).toBeGreaterThan(30_000);
      const pdf = await page.pdf({ format: 'A4' });
      expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 90_000);
});
