import { readFileSync } from 'node:fs';
import { type Browser, chromium, type Page } from 'playwright-core';
import { wgs84ToBd09 } from '@rescue/telemetry';
import { type ServerProcess, startServer } from '../support/server-process';
import { describeNeeding, needChromium } from '../support/needs';

/**
 * The console's registry view (issue 13) in Chromium against the built server: the registered stations
 * listed, a Baidu (BD-09) station file previewed by a dry run (a bad row shown with its row number and
 * column, nothing written), then imported and listed; the monthly QC report downloaded as XLSX.
 */
declare const document: any;

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Two stations of a centre's own list, in BD-09 as Baidu-based GIS exports them. */
function stationsCsv(bad: boolean): Buffer {
  const rows = [['站点编号', '站点名称', '站点类型', '经度', '纬度']];
  for (const [id, name, lat, lon] of [['REG-1', '城东急救站', 42.51, 1.53], ['REG-2', '城西急救站', 42.5, 1.5]] as const) {
    const b = wgs84ToBd09({ lat, lon });
    rows.push([id, name, '分站', String(b.lon), String(b.lat)]);
  }
  if (bad) rows.push(['REG-3', '坏数据站', '分站', '东经一度', '42.5']);
  return Buffer.from(rows.map((r) => r.join(',')).join('\n') + '\n', 'utf8');
}

describeNeeding(needChromium(CHROMIUM))('console registry view (Chromium)', () => {
  let srv: ServerProcess;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    srv = await startServer({ SIMULATOR: 'false' });
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
    page = await browser.newPage({ viewport: { width: 1400, height: 860 }, locale: 'zh-CN', acceptDownloads: true });
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.route('**/*', (route) => (new URL(route.request().url()).hostname === '127.0.0.1' || route.request().url().startsWith('blob:') || route.request().url().startsWith('data:') ? route.continue() : route.abort('blockedbyclient')));
    await page.goto(`${srv.url}/#key=${srv.apiKeys.admin}`);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 60_000 });
  });

  afterAll(async () => {
    await browser?.close();
    await srv?.stop();
  });

  it('lists the registered stations, previews a BD-09 file with its bad row named, then imports and lists it', async () => {
    await page.click('#tabs button[data-view="registry"]');
    expect(await page.textContent('#tabs button[data-view="registry"]')).toBe('登记');
    await page.waitForSelector('#reg-records[data-kind="stations"], #reg-empty');
    const before = await page.$$eval('#reg-records tbody tr', (rows: any[]) => rows.map((r) => r.dataset.id));
    expect(before).not.toContain('REG-1');

    await page.selectOption('#reg-kind', 'stations');
    await page.selectOption('#reg-crs', 'BD09');
    await page.setInputFiles('#reg-file', { name: 'stations.csv', mimeType: 'text/csv', buffer: stationsCsv(true) });
    await page.click('#reg-dry');
    await page.waitForSelector('#reg-errors');
    const err = await page.$$eval('#reg-errors tbody tr td', (tds: any[]) => tds.map((td) => td.textContent));
    expect(err.slice(0, 2)).toEqual(['4', '经度']); // header is row 1: the third station is row 4
    expect(await page.textContent('#reg-status')).toContain('试运行');

    await page.setInputFiles('#reg-file', { name: 'stations.csv', mimeType: 'text/csv', buffer: stationsCsv(false) });
    await page.click('#reg-dry');
    await page.waitForSelector('#reg-changes');
    expect(await page.$$eval('#reg-changes tbody tr', (rows: any[]) => rows.length)).toBe(2);
    const listed = await srv.api('/registry/stations');
    expect(((await listed.json()) as { records: Array<{ id: string }> }).records.map((r) => r.id)).not.toContain('REG-1'); // the dry run wrote nothing

    await page.click('#reg-apply');
    await page.waitForSelector('#reg-records tbody tr[data-id="REG-1"]', { timeout: 15_000 });
    const row = await page.textContent('#reg-records tbody tr[data-id="REG-1"]');
    expect(row).toContain('城东急救站');
    expect(row).toContain('42.51'); // BD-09 in, WGS-84 listed
    expect(pageErrors).toEqual([]);
  });

  it('downloads the monthly QC report as XLSX from the report link', async () => {
    await page.fill('#reg-month', '2026-11');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#reg-xlsx')]);
    expect(download.suggestedFilename()).toBe('qc-2026-11.xlsx');
    const bytes = readFileSync((await download.path())!);
    expect(bytes.subarray(0, 2).toString('latin1')).toBe('PK'); // an XLSX is a zip
    expect(bytes.length).toBeGreaterThan(2000);
    expect(await page.evaluate(() => document.querySelector('#reg-msg').textContent)).toBe('');
  });
});
