import { type Browser, chromium, type Page } from 'playwright-core';
import { ROLES, totpCode } from '@rescue/security';
import { describeNeeding, needChromium } from '../support/needs';
import { type ServerProcess, startServer } from '../support/server-process';

/**
 * The console's accounts view (issue #18) in Chromium with the server's CSP on: an administrator adds an
 * account (its one-time password shown once), changes its role, disables and enables it, resets its
 * password and lifts a lockout; each change reaches the server and is audited with the administrator as
 * actor. The tab is not shown to a viewer. A person with the TOTP second factor logs in with password and
 * code. Zero console errors: a CSP violation is one.
 */
declare const document: any;

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

interface UserJson {
  username: string;
  role: string;
  disabledAt: string | null;
  lockedUntil: string | null;
  mustChangePassword: boolean;
}

describeNeeding(needChromium(CHROMIUM))('console accounts view for administrators (Chromium, CSP on)', () => {
  let srv: ServerProcess;
  let browser: Browser;
  let page: Page;
  const consoleErrors: string[] = [];

  const userOf = async (name: string): Promise<UserJson | undefined> =>
    ((await (await srv.api('/admin/users')).json()) as { users: UserJson[] }).users.find((u) => u.username === name);
  const row = (name: string) => `#acct-table tr[data-user="${name}"]`;
  async function until(what: string, probe: () => Promise<boolean>): Promise<void> {
    const end = Date.now() + 20_000;
    while (!(await probe())) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  beforeAll(async () => {
    srv = await startServer({ SIMULATOR: 'false' });
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
    page = await browser.newPage({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN' });
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => consoleErrors.push(`pageerror: ${e.message}`));
    page.on('dialog', (d) => void d.accept()); // the confirm() before disabling and resetting
    await page.route('**/*', (route) => (new URL(route.request().url()).hostname === '127.0.0.1' ? route.continue() : route.abort('blockedbyclient')));
  });
  afterAll(async () => {
    await browser?.close();
    await srv?.stop();
  });

  // first: the lockout below also locks this host's address
  it('logs a person with the second factor in: the form asks for the code after the password', async () => {
    const post = (path: string, body: unknown, token?: string) =>
      fetch(`${srv.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body) });
    const { initialPassword } = (await (await srv.api('/admin/users', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'he.totp', role: 'viewer' }) })).json()) as { initialPassword: string };
    const { token } = (await (await post('/auth/login', { username: 'he.totp', password: initialPassword, bearer: true })).json()) as { token: string };
    expect((await post('/auth/password', { currentPassword: initialPassword, newPassword: 'Totp-Desk-2026' }, token)).status).toBe(200);
    const { secret } = (await (await post('/auth/totp/enrol', {}, token)).json()) as { secret: string };
    expect((await post('/auth/totp/confirm', { code: totpCode(secret, Date.now()) }, token)).status).toBe(200);

    const person = await browser.newPage({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN' });
    const errors: string[] = [];
    person.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    person.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
    try {
      await person.goto(srv.url + '/');
      await person.waitForSelector('#login input[name="username"]');
      expect(await person.isHidden('#login input[name="totp"]')).toBe(true);
      await person.fill('#login input[name="username"]', 'he.totp');
      await person.fill('#login input[name="password"]', 'Totp-Desk-2026');
      await person.click('#login button[type="submit"]');
      await person.waitForSelector('#login input[name="totp"]:not([hidden])');
      expect(await person.textContent('#login p.msg')).toContain('请输入动态验证码');
      // the code of the next 30 s step: the enrolment used this one, and a code logs in once
      await person.fill('#login input[name="totp"]', totpCode(secret, Date.now() + 30_000));
      await person.click('#login button[type="submit"]');
      await person.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
      expect(await person.$('#login')).toBeNull();
      // Chromium logs the 401 that asked for the code; that one line and nothing else
      expect(errors).toEqual(['Failed to load resource: the server responded with a status of 401 (Unauthorized)']);
    } finally {
      await person.close();
    }
  });

  it('adds an account, changes its role, disables and enables it, resets its password, unlocks it', async () => {
    const res = await page.goto(`${srv.url}/#key=${srv.apiKeys.admin}`);
    expect(res!.headers()['content-security-policy']).toContain("script-src 'self'");
    await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
    await page.waitForSelector('#tabs button[data-view="accounts"]:not([hidden])');
    expect(await page.textContent('#tabs button[data-view="accounts"]')).toBe('账号');
    await page.click('#tabs button[data-view="accounts"]');
    await page.waitForSelector('#view-accounts.active h2');
    expect(await page.textContent('#view-accounts h2')).toBe('账号管理');

    // every role the server knows can be chosen (an account's role missing here would show as another)
    expect(await page.$$eval('#acct-add select[name="role"] option', (os: any[]) => os.map((o) => o.value))).toEqual([...ROLES]);
    // add: the one-time password is shown once and logs in
    await page.fill('#acct-add input[name="username"]', 'liu.new');
    await page.selectOption('#acct-add select[name="role"]', 'dispatcher');
    await page.fill('#acct-add input[name="centre"]', '北京120');
    await page.click('#acct-add button[type="submit"]');
    await page.waitForSelector(row('liu.new'));
    const initial = (await page.textContent('#acct-msg code.secret'))!;
    expect(initial).toMatch(/^.{16}$/);
    expect(await userOf('liu.new')).toMatchObject({ role: 'dispatcher', mustChangePassword: true, disabledAt: null });
    const first = await fetch(`${srv.url}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'liu.new', password: initial, bearer: true }) });
    expect(first.status).toBe(200);

    // role
    await page.selectOption(`${row('liu.new')} select[data-role]`, 'planner');
    await until('the role change', async () => (await userOf('liu.new'))?.role === 'planner');
    // disable, enable
    await page.click(`${row('liu.new')} button[data-do="disable"]`);
    await until('disabled', async () => (await userOf('liu.new'))?.disabledAt !== null);
    await page.waitForSelector(`${row('liu.new')} button[data-do="enable"]`);
    expect(await page.textContent(row('liu.new'))).toContain('已停用');
    await page.click(`${row('liu.new')} button[data-do="enable"]`);
    await until('enabled', async () => (await userOf('liu.new'))?.disabledAt === null);
    // reset: a new one-time password, different from the first
    await page.waitForSelector(`${row('liu.new')} button[data-do="reset"]`);
    await page.click(`${row('liu.new')} button[data-do="reset"]`);
    await until('the reset', async () => ((await page.textContent('#acct-msg code.secret').catch(() => null)) ?? initial) !== initial);
    // a lockout (5 wrong passwords), shown after a reload of the list, lifted with the button
    for (let i = 0; i < 5; i++) {
      await fetch(`${srv.url}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'liu.new', password: `Wrong-Pass-${i}` }) });
    }
    expect((await userOf('liu.new'))?.lockedUntil).not.toBeNull();
    await page.click('#tabs button[data-view="fleet"]');
    await page.click('#tabs button[data-view="accounts"]');
    await page.click(`${row('liu.new')} button[data-do="unlock"]`);
    await until('unlocked', async () => (await userOf('liu.new'))?.lockedUntil === null);

    const trail = (await (await srv.api('/audit?subject=user:liu.new&limit=100', {}, 'auditor')).json()) as { records: Array<{ action: string; actor: string }> };
    expect(trail.records.filter((r) => r.actor === 'key:test-admin').map((r) => r.action)).toEqual([
      'user.create', 'user.role', 'user.disable', 'user.enable', 'user.password_reset', 'user.unlock',
    ]);
    // the five wrong passwords logged nothing in the page; nothing else did either
    expect(consoleErrors).toEqual([]);
  });

  it('is not shown to a viewer', async () => {
    const viewer = await browser.newPage({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN' });
    try {
      await viewer.goto(`${srv.url}/#key=${srv.apiKeys.viewer}`);
      await viewer.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
      await new Promise((r) => setTimeout(r, 500)); // /auth/me answered
      expect(await viewer.evaluate(() => document.querySelector('#tabs button[data-view="accounts"]').hidden)).toBe(true);
    } finally {
      await viewer.close();
    }
  });
});
