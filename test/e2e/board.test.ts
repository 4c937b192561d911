import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { REPO_ROOT, type ServerProcess, startServer } from '../support/server-process';
import { connectTerminals, type Terminals } from '../support/terminals';
import { describeNeeding, needChromium } from '../support/needs';

/**
 * The dispatcher's whole job on the console (issue 14) in Chromium against the built server with the
 * demo (simulator, demo hospitals): a call entered by BD-09 coordinates pasted as Baidu shows them,
 * another by an address search, both ranked on the board; the first unit assigned and moved through
 * its statuses; the second aborted with a reason; hospitals chosen; the hospital's own key sees only its
 * task with a live ETA. Every request leaving 127.0.0.1 is blocked and counted (must be zero); no tile
 * layer. Screenshots in test-artifacts/board/.
 */
declare const window: any;
declare const document: any;
type El = any;

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = join(REPO_ROOT, 'test-artifacts', 'board');
/** Scene of the first call (Andorra la Vella, WGS-84) and the same point as Baidu shows it: "lon,lat" in BD-09. */
const SCENE = { lat: 42.5078, lon: 1.5211 };
const SCENE_BD09_TEXT = '1.527658,42.513818';
/** Hand-driven terminals: one near each scene, so the board's statuses come only from the board. */
const HAND: Record<string, [number, number]> = { 'T-B1': [42.5063, 1.5218], 'T-B2': [42.5676, 1.5976] };

describeNeeding(needChromium(CHROMIUM))('task board and receiving hospital (Chromium, offline)', () => {
  let srv: ServerProcess;
  let browser: Browser;
  let terminals: Terminals;
  let page: Page;
  const contexts: BrowserContext[] = [];
  const consoleErrors: string[] = [];
  const outside: string[] = [];
  let callA = '';
  let callB = '';
  let taskA = '';
  let taskB = '';

  const shot = (p: Page, name: string) => p.screenshot({ path: join(ARTIFACTS, `${name}.png`) });
  const fix = (id: string, lat: number, lon: number) =>
    terminals.publishAsync(`ems/v1/units/${id}/position`, JSON.stringify({ ts: Date.now(), lat, lon, accuracyM: 5 }), { qos: 1 });
  const boardApi = async () => (await (await srv.api('/board')).json()) as any;

  /** A page in its own context (its own sessionStorage key), offline except for 127.0.0.1. */
  const open = async (key: string): Promise<Page> => {
    const ctx = await browser.newContext({ viewport: { width: 1500, height: 900 }, locale: 'zh-CN' });
    contexts.push(ctx);
    const p = await ctx.newPage();
    p.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
    p.on('pageerror', (e) => consoleErrors.push(`pageerror: ${e.message}`));
    await p.route('**/*', (route) => {
      const url = new URL(route.request().url());
      if (url.protocol === 'data:' || url.protocol === 'blob:' || url.hostname === '127.0.0.1') return route.continue();
      outside.push(route.request().url());
      return route.abort('blockedbyclient');
    });
    await p.goto(`${srv.url}/#key=${key}`);
    await p.waitForSelector('body[data-ready="true"]', { timeout: 60_000 });
    return p;
  };

  const row = (id: string) => `#active-table tr[data-task-id="${id}"]`;
  const waitStatus = (id: string, status: string) =>
    page.waitForFunction(([sel, s]) => document.querySelector(sel)?.dataset.status === s, [row(id), status] as const, { timeout: 20_000 });

  beforeAll(async () => {
    rmSync(ARTIFACTS, { recursive: true, force: true });
    mkdirSync(ARTIFACTS, { recursive: true });
    // FIX_MAX_SPEED_KMH: the test moves its hand-driven unit by jumps of a kilometre or more.
    srv = await startServer({ SIMULATOR: 'true', SIMULATOR_UNITS: '2', SIMULATOR_SPEEDUP: '10', STALE_AFTER_S: '120', FIX_MAX_SPEED_KMH: '2000' });
    terminals = await connectTerminals(srv, Object.keys(HAND));
    for (const [id, [lat, lon]] of Object.entries(HAND)) {
      await terminals.publishAsync(`ems/v1/units/${id}/presence`, 'online', { qos: 1, retain: true });
      await terminals.publishAsync(`ems/v1/units/${id}/status`, JSON.stringify({ ts: Date.now() - 60_000, status: 'available_at_station', source: 'terminal' }), { qos: 1 });
      await fix(id, lat, lon);
    }
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
    page = await open(srv.apiKeys.dispatcher);
  });

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await terminals?.endAsync();
    await srv?.stop();
  });

  afterEach(() => {
    expect(outside).toEqual([]);
    expect(consoleErrors).toEqual([]);
  });

  it('takes a call by BD-09 coordinates pasted as Baidu shows them (lon,lat) and one found by address search; the board ranks them', async () => {
    await page.click('#tabs button[data-view="board"]');
    expect(await page.textContent('#tabs button[data-view="board"]')).toBe('任务');
    // 1: BD-09 pasted, parsed by the server into WGS-84
    await page.fill('#call-loc', SCENE_BD09_TEXT);
    await page.selectOption('#call-crs', 'BD09');
    await page.click('#call-parse');
    await page.waitForFunction(() => /42\.5078\d*, 1\.5211/.test(document.querySelector('#call-picked').textContent));
    await page.fill('#call-addr', 'Plaça del Poble, Andorra la Vella');
    await page.selectOption('#call-prio', '2');
    await page.fill('#call-complaint', '胸痛 30 分钟');
    await page.click('#call-submit');
    await page.waitForSelector('#board-msg .msg.ok');
    await page.waitForSelector('#pending-table tbody tr');
    await shot(page, '01-call-bd09');
    // 2: an address search over the extract, the first hit taken; more urgent (1)
    await page.fill('#call-q', 'Canillo');
    await page.click('#call-search');
    await page.waitForSelector('#geo-results li[data-i]', { timeout: 30_000 });
    expect(await page.textContent('#geo-results li[data-i="0"]')).toContain('Canillo');
    await shot(page, '02-address-search');
    await page.click('#geo-results li[data-i="0"]');
    expect(await page.textContent('#call-picked')).toContain('Canillo');
    await page.selectOption('#call-prio', '1');
    await page.fill('#call-complaint', '车祸外伤');
    await page.click('#call-submit');
    await page.waitForFunction(() => document.querySelectorAll('#pending-table tbody tr').length === 2);
    // ranked: priority 1 (the later call) before priority 2 (the earlier one); the server agrees
    const shown = await page.$$eval('#pending-table tbody tr', (trs) => trs.map((tr) => (tr as El).dataset.callId as string));
    const b = await boardApi();
    expect(b.pendingCalls.map((c: any) => c.id)).toEqual(shown);
    expect(b.pendingCalls.map((c: any) => c.priority)).toEqual([1, 2]);
    [callB, callA] = shown as [string, string];
    const a = b.pendingCalls[1];
    expect(a.location).toMatchObject({ crs: 'BD09', inputLat: 42.513818, inputLon: 1.527658 });
    expect(Math.abs(a.location.lat - SCENE.lat)).toBeLessThan(1e-5);
    expect(a.dispatcher).toBe('key:test-dispatcher');
    expect(b.pendingCalls[0].address).toContain('Canillo');
    await shot(page, '03-two-calls-ranked');
  });

  it('assigns a unit to each call from the board; the tasks carry the call time', async () => {
    for (const [call, unit] of [[callA, 'T-B1'], [callB, 'T-B2']] as const) {
      await page.click(`#pending-table tr[data-call-id="${call}"] button.recommend`);
      await page.waitForSelector(`#board-cands tr.cand[data-unit-id="${unit}"]`, { timeout: 20_000 });
      if (call === callA) await shot(page, '04-recommendations');
      await page.click(`#board-cands tr.cand[data-unit-id="${unit}"] button.assign`);
      await page.waitForFunction((u) => [...document.querySelectorAll('#active-table tbody tr')].some((tr: El) => tr.textContent.includes(u)), unit, { timeout: 20_000 });
    }
    expect(await page.$$('#pending-table tbody tr')).toHaveLength(0);
    const b = await boardApi();
    taskA = b.activeTasks.find((t: any) => t.callId === callA).taskId;
    taskB = b.activeTasks.find((t: any) => t.callId === callB).taskId;
    const task = (await (await srv.api(`/tasks/${taskA}`)).json()) as any;
    const call = (await (await srv.api(`/calls/${callA}`)).json()) as any;
    expect(task).toMatchObject({ unitId: 'T-B1', callId: callA, callTakenAt: call.answeredAt, dispatcher: 'key:test-dispatcher' });
    // answered when the dispatcher placed the call, seconds before the order: the dispatch time is real
    expect(task.callTakenAt).toBeLessThan(task.orderSentAt);
    // live ETA to the scene and the order → departure clock running
    await page.waitForFunction((sel) => /\d+:\d\d/.test(document.querySelector(`${sel} td.eta`)?.textContent ?? ''), row(taskA));
    expect(await page.getAttribute(`${row(taskA)} [data-running]`, 'data-running')).toBe('true');
    await shot(page, '05-tasks-active');
  });

  it('chooses receiving hospitals ranked by road time with the 胸痛中心 filter', async () => {
    await page.click(`${row(taskA)} button.hosp`);
    await page.waitForSelector('#hosp-table tbody tr[data-hospital-id]');
    await page.check('input.hcap[value="chest-pain"]');
    await page.waitForFunction(() => document.querySelector('#hosp-table tr.excluded') !== null);
    const ranked = await page.$$eval('#hosp-table tbody tr:not(.excluded)', (trs) => trs.map((tr) => (tr as El).dataset.hospitalId as string));
    expect(ranked).toEqual(['H-NSM', 'H-DEMO-MAS']); // the trauma-only demo hospital is listed apart, lacking 胸痛中心
    expect(await page.textContent('#hosp-table tr.excluded[data-hospital-id="H-DEMO-SJL"]')).toContain('胸痛中心');
    await shot(page, '06-hospital-ranking');
    await page.click('#hosp-table tr[data-hospital-id="H-NSM"] button.choose');
    await page.waitForFunction((sel) => document.querySelector(`${sel} td.hospital`)?.textContent.includes('Meritxell'), row(taskA));
    // the second patient goes elsewhere
    await page.click(`${row(taskB)} button.hosp`);
    await page.waitForSelector('#hosp-table tr[data-hospital-id="H-DEMO-SJL"] button.choose');
    await page.click('#hosp-table tr[data-hospital-id="H-DEMO-SJL"] button.choose');
    await page.waitForFunction((sel) => document.querySelector(`${sel} td.hospital`)?.textContent.includes('Sant Julià'), row(taskB));
    expect(((await (await srv.api(`/tasks/${taskA}`)).json()) as any).hospitalId).toBe('H-NSM');
  });

  it('moves the first unit through its statuses on the board, and the hospital sees only its task with a live ETA', async () => {
    await page.click(`${row(taskA)} button.next[data-to="en_route"]`);
    await waitStatus(taskA, 'en_route');
    await page.click(`${row(taskA)} button.next[data-to="on_scene"]`);
    await waitStatus(taskA, 'on_scene');
    await fix('T-B1', SCENE.lat, SCENE.lon);
    await page.click(`${row(taskA)} button.next[data-to="patient_loaded"]`);
    await waitStatus(taskA, 'patient_loaded');
    await shot(page, '07-patient-loaded');

    expect((await srv.api('/admin/hospital-access/key:test-hospital', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ hospitalId: 'H-NSM' }) })).status).toBe(200);
    const hosp = await open(srv.apiKeys.hospital);
    await hosp.waitForSelector('#notice-table tbody tr', { timeout: 20_000 });
    expect(await hosp.$$eval('#notice-table tbody tr', (trs) => trs.map((tr) => (tr as El).dataset.taskId))).toEqual([taskA]);
    expect(await hosp.isHidden('#tabs')).toBe(true);
    const eta = async () => Number(await hosp.getAttribute('#notice-table tbody tr [data-eta]', 'data-eta'));
    const first = await eta();
    expect(first).toBeGreaterThan(0);
    await shot(hosp, '08-hospital-view');
    // the unit drives on to the hospital's street: the ETA the hospital sees follows its live position
    await fix('T-B1', 42.5112, 1.533);
    await hosp.waitForFunction((before) => Number(document.querySelector('#notice-table tbody tr [data-eta]')?.dataset.eta) < before - 30, first, { timeout: 20_000 });
    await shot(hosp, '09-hospital-eta-live');
    // its key reads nothing of the centre
    expect((await srv.api('/board', {}, 'hospital')).status).toBe(403);

    await page.click(`${row(taskA)} button.next[data-to="at_hospital"]`);
    await waitStatus(taskA, 'at_hospital');
    await hosp.waitForFunction(() => document.querySelector('#notice-table tbody tr')?.dataset.status === 'at_hospital', undefined, { timeout: 20_000 });
    await page.click(`${row(taskA)} button.next[data-to="task_complete"]`);
    await page.waitForFunction((sel) => document.querySelector(sel) === null, row(taskA), { timeout: 20_000 });
    await hosp.waitForSelector('#notice-table', { state: 'detached', timeout: 20_000 });
    const events = ((await (await srv.api(`/tasks/${taskA}`)).json()) as any).events.map((e: any) => [e.toStatus, e.source]);
    expect(events).toEqual([['order_received', 'dispatcher'], ['en_route', 'dispatcher'], ['on_scene', 'dispatcher'], ['patient_loaded', 'dispatcher'], ['at_hospital', 'dispatcher'], ['task_complete', 'dispatcher']]);
  });

  it('aborts the second task with a reason from the board', async () => {
    await page.click(`${row(taskB)} button.end`);
    await page.waitForSelector('#end-form');
    await page.click('#end-go'); // no reason: refused in the page
    await page.waitForSelector('#board-msg .msg.error');
    await page.selectOption('#end-status', 'aborted');
    await page.fill('#end-reason', '患者已自行就医');
    await shot(page, '10-abort-with-reason');
    await page.click('#end-go');
    await page.waitForFunction((sel) => document.querySelector(sel) === null, row(taskB), { timeout: 20_000 });
    expect((await (await srv.api(`/tasks/${taskB}`)).json()) as any).toMatchObject({ state: 'void', outcome: 'aborted', outcomeReason: '患者已自行就医' });
    expect(((await (await srv.api(`/calls/${callB}`)).json()) as any).state).toBe('closed');
    // no tile was ever requested: the basemap is the extract's roads
    expect(await page.$$('.leaflet-tile')).toHaveLength(0);
    await shot(page, '11-board-after');
  });
});
