import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { connectAsync } from 'mqtt';
import { type Browser, chromium, type Page } from 'playwright-core';
import { JT808_MSG } from '@rescue/telemetry';
import type { Jt808TerminalClient } from '../../apps/server/src/simulator/jt808-terminal-client';
import { provisionedJt808Terminal } from '../support/jt808-terminals';
import { freePort } from '../support/ports';
import { REPO_ROOT, type ServerProcess, startServer } from '../support/server-process';
import { describeNeeding, needChromium } from '../support/needs';

/**
 * The console's terminal alarms and dispatch orders (issue 12) in a real browser: a JT/T 808 terminal's
 * SOS appears as a red badge (Chinese first) and goes when the bit clears; an order the terminal has not
 * acknowledged is shown undelivered with its resends, then acknowledged by the terminal once it answers.
 */
declare const document: any;

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = join(REPO_ROOT, 'test-artifacts', 'console');

describeNeeding(needChromium(CHROMIUM))('console: terminal alarms and dispatch orders (Chromium)', () => {
  let srv: ServerProcess;
  let browser: Browser;
  let page: Page;
  let jt808Port: number;
  const terminals: Jt808TerminalClient[] = [];
  const errors: string[] = [];
  const T = () => Math.floor(Date.now() / 1000) * 1000;

  const ready = async (unitId: string, phone: string): Promise<Jt808TerminalClient> => {
    const t = await provisionedJt808Terminal(srv, jt808Port, unitId, phone);
    terminals.push(t);
    return t;
  };

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    jt808Port = await freePort();
    srv = await startServer({ SIMULATOR: 'false', JT808_PORT: String(jt808Port), ORDER_RETRY_S: '1' });
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
    page = await browser.newPage({ viewport: { width: 1400, height: 860 }, locale: 'zh-CN' });
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
    await page.goto(`${srv.url}/#key=${srv.apiKeys.admin}`);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
  });
  afterAll(async () => {
    for (const t of terminals) t.destroy();
    await browser?.close();
    await srv?.stop();
  });

  it('an SOS shows as a red 紧急报警 badge on the unit at once (SSE), and goes when the terminal clears the bit', async () => {
    const t = await ready('T-SOS', '013500000001');
    expect(await page.getAttribute('#ops-alarms', 'data-count')).toBe('0');
    const serial = t.sendLocation({ ts: T() - 2000, lat: 42.5078, lon: 1.5211, alarm: 1 });
    expect((await t.responseTo(serial)).result).toBe(0);
    const badge = await page.waitForSelector('#ops-alarms .alarm-badge.urgent[data-unit="T-SOS"][data-code="emergency"]', { timeout: 8_000 });
    expect(await badge.textContent()).toContain('紧急报警');
    await page.screenshot({ path: join(ARTIFACTS, 'ops-alarm.png') });
    const clear = t.sendLocation({ ts: T() - 1000, lat: 42.5078, lon: 1.5211, alarm: 0 });
    expect((await t.responseTo(clear)).result).toBe(0);
    await page.waitForFunction(() => document.querySelector('#ops-alarms').dataset.count === '0', undefined, { timeout: 8_000 });
    expect(errors).toEqual([]);
  });

  it('an order the terminal has not answered is shown not acknowledged with its resends, then acknowledged by the terminal', async () => {
    const t = await ready('T-ORD', '013500000002');
    // an available unit can be assigned: its crew says so over MQTT, as in test/jt808-orders.test.ts
    const { password } = (await (await srv.api('/admin/units/T-ORD/credentials', { method: 'POST' })).json()) as { password: string };
    const crew = await connectAsync(srv.mqttUrl, { clientId: 'T-ORD', username: 'T-ORD', password, clean: true });
    await crew.publishAsync('ems/v1/units/T-ORD/status', JSON.stringify({ ts: Date.now() - 5000, status: 'available_at_station', source: 'terminal' }), { qos: 1 });
    await crew.endAsync();
    const until = Date.now() + 15_000;
    while (!((await (await srv.api('/units')).json()) as { units: Array<{ unitId: string; status: string }> }).units.some((u) => u.unitId === 'T-ORD' && u.status === 'available_at_station')) {
      if (Date.now() > until) throw new Error('T-ORD never available');
      await new Promise((r) => setTimeout(r, 200));
    }
    const st = await srv.api('/tasks', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ unitId: 'T-ORD', location: { lat: 42.5078, lon: 1.5211 }, priority: 2 }) });
    expect(st.status).toBe(201);
    const { id } = (await st.json()) as { id: string };
    // the terminal hears the 0x8300 (and its resends) but answers nothing yet
    await t.waitFor((m) => m.header.msgId === JT808_MSG.textMessage, 10_000);
    const row = `#ops-orders tr[data-task="${id}"]`;
    await page.waitForFunction((sel) => {
      const r = document.querySelector(sel);
      return r && r.dataset.orderState === 'undelivered' && Number(r.children[3].textContent) >= 1;
    }, row, { timeout: 15_000 });
    expect(await page.textContent(row)).toContain('未确认');
    expect(Number(await page.getAttribute('#ops-orders', 'data-undelivered'))).toBeGreaterThanOrEqual(1);
    await page.screenshot({ path: join(ARTIFACTS, 'ops-order-undelivered.png') });
    const order = await t.waitFor((m) => m.header.msgId === JT808_MSG.textMessage, 10_000);
    t.answer(order, 0);
    await page.waitForFunction((sel) => document.querySelector(sel)?.dataset.orderState === 'acknowledged', row, { timeout: 15_000 });
    expect(await page.textContent(row)).toContain('已确认 (车载终端)');
    expect(errors).toEqual([]);
  });
});
