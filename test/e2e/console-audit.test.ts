import { readFileSync } from 'node:fs';
import { type Browser, chromium, type Page } from 'playwright-core';
import { describeNeeding, needChromium } from '../support/needs';
import { type ServerProcess, startServer } from '../support/server-process';

/**
 * The audit administrator's console (等保 separation of duties, issue #18) in Chromium with the CSP on:
 * an auditor's key opens the audit trail, newest first, filters it by actor, and downloads the CSV export;
 * nothing operational is asked for (the server would refuse it) and there are zero console errors.
 */
declare const document: any;

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

describeNeeding(needChromium(CHROMIUM))('console audit view for the auditor (Chromium, CSP on)', () => {
  let srv: ServerProcess;
  let browser: Browser;
  let page: Page;
  const consoleErrors: string[] = [];
  const paths: string[] = [];

  beforeAll(async () => {
    srv = await startServer({ SIMULATOR: 'false' });
    // two audited changes by the administrator: the trail has something of its own to show
    for (const username of ['audit.one', 'audit.two']) {
      const res = await srv.api('/admin/users', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, role: 'viewer' }) });
      expect(res.status).toBe(201);
    }
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
    page = await browser.newPage({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN', acceptDownloads: true });
    page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
    page.on('pageerror', (e) => consoleErrors.push(`pageerror: ${e.message}`));
    page.on('request', (r) => paths.push(new URL(r.url()).pathname));
    await page.goto(`${srv.url}/#key=${srv.apiKeys.auditor}`);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
  });
  afterAll(async () => {
    await browser?.close();
    await srv?.stop();
  });

  it('opens on the audit trail, newest first, with no operational panel and no request the auditor may not make', async () => {
    expect(await page.isVisible('#view-audit h2')).toBe(true);
    expect(await page.textContent('#view-audit h2')).toBe('审计记录');
    expect(await page.isHidden('#tabs')).toBe(true);
    const ids = (await page.$$eval('#view-audit tbody tr[data-id]', (rows: any[]) => rows.map((r) => Number(r.dataset.id)))) as number[];
    expect(ids.length).toBeGreaterThanOrEqual(2);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    const created = await page.$$eval('#view-audit tbody tr', (rows: any[]) => rows.map((r) => r.textContent as string).filter((s) => s.includes('audit.two')));
    expect(created.length).toBeGreaterThan(0);
    // the console asked only for who it is and the trail (GET /units and the like answer 403 to an auditor)
    const apiPaths = paths.filter((p) => !p.startsWith('/console/') && p !== '/');
    expect([...new Set(apiPaths)].sort()).toEqual(['/audit', '/auth/me']);
    expect(consoleErrors).toEqual([]);
  });

  it('filters by actor and downloads the CSV export', async () => {
    await page.fill('#audit-filter input[name="actor"]', 'system:none-such');
    await page.click('#audit-filter button[type="submit"]');
    await page.waitForFunction(() => document.querySelector('#view-audit').dataset.count === '0');
    await page.fill('#audit-filter input[name="actor"]', '');
    await page.click('#audit-filter button[type="submit"]');
    await page.waitForFunction(() => Number(document.querySelector('#view-audit').dataset.count) >= 2);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#audit-export button[type="submit"]')]);
    expect(download.suggestedFilename()).toMatch(/^audit-\d{4}-\d\d-\d\d-\d{4}-\d\d-\d\d\.csv$/);
    const csv = readFileSync((await download.path())!, 'utf8');
    expect(csv).toContain('audit.one');
    expect(consoleErrors).toEqual([]);
  });
});
