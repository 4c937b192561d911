import { type Browser, chromium, type Page } from 'playwright-core';
import { describeNeeding, needChromium } from '../support/needs';
import { type ServerProcess, startServer } from '../support/server-process';

/**
 * A person logs in to the console with an account (issue #18) in Chromium, with the server's CSP on:
 * first login with the one-time password, the forced change, the console working on the session cookie
 * (the key form stays as the other way in), logout. Zero console errors: a CSP violation is one.
 */
declare const document: any;

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
describeNeeding(needChromium(CHROMIUM))('console login with a personal account (Chromium, CSP on)', () => {
  let srv: ServerProcess;
  let browser: Browser;
  let page: Page;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    srv = await startServer({ SIMULATOR: 'false' });
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
    page = await browser.newPage({ viewport: { width: 1200, height: 800 }, locale: 'zh-CN' });
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => consoleErrors.push(`pageerror: ${e.message}`));
    await page.route('**/*', (route) => (new URL(route.request().url()).hostname === '127.0.0.1' ? route.continue() : route.abort('blockedbyclient')));
  });
  afterAll(async () => {
    await browser?.close();
    await srv?.stop();
  });

  it('logs in, changes the one-time password, works on the session cookie, logs out', async () => {
    const created = await srv.api('/admin/users', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'chen.desk', role: 'dispatcher' }) });
    const { initialPassword } = (await created.json()) as { initialPassword: string };

    const res = await page.goto(srv.url + '/');
    const csp = res!.headers()['content-security-policy']!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    await page.waitForSelector('#login input[name="username"]');
    await page.fill('#login input[name="username"]', 'chen.desk');
    await page.fill('#login input[name="password"]', 'Not-The-Password-1');
    await page.click('#login button[type="submit"]');
    await page.waitForSelector('#login p.msg:not([hidden])');
    expect(await page.textContent('#login p.msg')).toContain('用户名或密码错误');
    // Chromium logs the refused login's 401 itself; that one line and nothing else so far
    expect(consoleErrors).toEqual(['Failed to load resource: the server responded with a status of 401 (Unauthorized)']);
    consoleErrors.length = 0;

    await page.fill('#login input[name="password"]', initialPassword);
    await page.click('#login button[type="submit"]');
    await page.waitForSelector('#password input[name="current"]');
    await page.fill('#password input[name="current"]', initialPassword);
    await page.fill('#password input[name="next"]', 'Desk-Pass-2026');
    await page.fill('#password input[name="again"]', 'Desk-Pass-2026');
    await page.click('#password button[type="submit"]');
    await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
    expect(await page.$('#login')).toBeNull();
    // no key anywhere in the page's storage: the session is an HttpOnly cookie scripts cannot read
    expect(await page.evaluate(() => [sessionStorage.length, document.cookie])).toEqual([0, '']);
    const cookies = await page.context().cookies();
    expect(cookies.find((c) => c.name === '__Host-rc_session')).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Strict' });
    await page.waitForSelector('#conn[data-state="open"]', { timeout: 15_000 }); // the event stream on the cookie

    // a reload stays logged in; logout ends the session and brings the form back
    await page.reload();
    await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
    await page.click('#logout');
    await page.waitForSelector('#login input[name="username"]');
    const audit = (await (await srv.api('/audit?subject=user:chen.desk&limit=100', {}, 'auditor')).json()) as { records: Array<{ action: string }> };
    expect(audit.records.map((r) => r.action)).toEqual(['user.create', 'auth.login_failure', 'auth.login', 'user.password_change', 'auth.logout']);
    expect(consoleErrors).toEqual([]);
  });
});
// declared for the page callbacks (the project's tsconfig has no DOM lib)
declare const sessionStorage: any;
