import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request as httpsRequest } from 'node:https';
import { connectAsync } from 'mqtt';
import { freePort } from './support/ports';
import { httpsGet, type ServerProcess, startServer } from './support/server-process';
import { connectTerminals, type Terminals } from './support/terminals';
import { matchTotp, totpCode } from '@rescue/security';

/**
 * People's accounts against the built server (issue #18): login, lockout, sessions, password rules,
 * roles, and the audit trail of it all; then the API over HTTPS with a certificate made here.
 */
interface AuditJson {
  id: number;
  actor: string;
  action: string;
  subject: string;
  detail: Record<string, unknown>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const LOCK_S = 4;
// long enough that a loaded host's slow scrypt between two requests of one flow does not idle it out
const IDLE_S = 30;

async function waitFor<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

describe('personal accounts, login and sessions (built server)', () => {
  let srv: ServerProcess;
  let terminal: Terminals;
  const UNIT = 'AC-01';

  const json = (body: unknown): RequestInit => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const login = (username: string, password: string, bearer = true) => fetch(`${srv.url}/auth/login`, json({ username, password, bearer }));
  const asUser = (token: string, path: string, init: RequestInit = {}) => {
    const headers = new Headers(init.headers);
    headers.set('authorization', `Bearer ${token}`);
    return fetch(`${srv.url}${path}`, { ...init, headers });
  };
  const audit = async (query: string): Promise<AuditJson[]> => ((await (await srv.api(`/audit?${query}&limit=1000`, {}, 'auditor')).json()) as { records: AuditJson[] }).records;

  /** Creates the account (admin key), logs in with the one-time password, sets `password`; returns a session token. */
  async function person(username: string, role: string, password: string): Promise<string> {
    const created = await srv.api('/admin/users', json({ username, role }));
    expect(created.status).toBe(201);
    const { initialPassword } = (await created.json()) as { initialPassword: string };
    const first = await login(username, initialPassword);
    expect(first.status).toBe(200);
    const body = (await first.json()) as { token: string; mustChangePassword: boolean };
    expect(body.mustChangePassword).toBe(true);
    // nothing but the password change until it is done
    const blocked = await asUser(body.token, '/units');
    expect(blocked.status).toBe(403);
    expect(((await blocked.json()) as { code: string }).code).toBe('PASSWORD_CHANGE_REQUIRED');
    const changed = await asUser(body.token, '/auth/password', json({ currentPassword: initialPassword, newPassword: password }));
    expect(changed.status).toBe(200);
    expect((await asUser(body.token, '/units')).status).toBe(200);
    return body.token;
  }

  beforeAll(async () => {
    srv = await startServer({ SIMULATOR: 'false', SESSION_IDLE_TIMEOUT_S: String(IDLE_S), LOGIN_LOCK_S: String(LOCK_S), LOGIN_FAILURE_WINDOW_S: '60' }, { timeoutMs: 150_000 });
    terminal = await connectTerminals(srv, [UNIT]);
    const now = Date.now();
    await terminal.publishAsync(`ems/v1/units/${UNIT}/presence`, 'online', { qos: 1, retain: true });
    await terminal.publishAsync(`ems/v1/units/${UNIT}/status`, JSON.stringify({ ts: now - 60_000, status: 'available_at_station', source: 'terminal' }), { qos: 1 });
    await terminal.publishAsync(`ems/v1/units/${UNIT}/position`, JSON.stringify({ ts: now - 1000, lat: 42.5063, lon: 1.5218, accuracyM: 5 }), { qos: 1 });
  });
  afterAll(async () => {
    await terminal?.endAsync();
    await srv?.stop();
  });

  it('has no default account when not the embedded demo (the test server has an API key file)', async () => {
    const res = await srv.api('/admin/users');
    expect(((await res.json()) as { users: unknown[] }).users).toEqual([]);
    expect((await login('admin', 'admin')).status).toBe(401);
  });

  it('refuses weak passwords, and a viewer cannot create accounts', async () => {
    const token = await person('wang.viewer', 'viewer', 'Viewer-Pass-2026');
    const weak = await asUser(token, '/auth/password', json({ currentPassword: 'Viewer-Pass-2026', newPassword: 'wang.viewer2026X' }));
    expect(weak.status).toBe(400);
    expect(((await weak.json()) as { code: string }).code).toBe('WEAK_PASSWORD');
    expect((await asUser(token, '/auth/password', json({ currentPassword: 'Viewer-Pass-2026', newPassword: 'alllowercase' }))).status).toBe(400);
    const create = await asUser(token, '/admin/users', json({ username: 'intruder', role: 'admin' }));
    expect(create.status).toBe(403);
    expect((await asUser(token, '/admin/users')).status).toBe(403);
    const users = ((await (await srv.api('/admin/users')).json()) as { users: Array<{ username: string }> }).users.map((u) => u.username);
    expect(users).not.toContain('intruder');
  });

  it('wrong password x5 locks the account (423 ACCOUNT_LOCKED), the right one is refused until the lock ends, all audited', async () => {
    await person('zhao.locked', 'dispatcher', 'Dispatch-Pass-1');
    const codes: Array<[number, string]> = [];
    let lockedUntil = 0;
    for (let i = 0; i < 5; i++) {
      const r = await login('zhao.locked', `Wrong-Pass-${i}`);
      const body = (await r.json()) as { code: string; lockedUntil?: string };
      codes.push([r.status, body.code]);
      if (body.lockedUntil) lockedUntil = Date.parse(body.lockedUntil);
    }
    expect(codes).toEqual([...Array(4).fill([401, 'INVALID_CREDENTIALS']), [423, 'ACCOUNT_LOCKED']]);
    expect(lockedUntil - Date.now()).toBeGreaterThan(0);
    expect(lockedUntil - Date.now()).toBeLessThanOrEqual(LOCK_S * 1000);
    const right = await login('zhao.locked', 'Dispatch-Pass-1');
    expect(right.status).toBe(423);
    expect(Number(right.headers.get('retry-after'))).toBeGreaterThan(0);
    // still refused just before the end (the server's clock is this host's), accepted after it
    await sleep(Math.max(0, lockedUntil - 1500 - Date.now()));
    expect((await login('zhao.locked', 'Dispatch-Pass-1')).status).toBe(423);
    await sleep(Math.max(0, lockedUntil + 300 - Date.now()));
    expect((await login('zhao.locked', 'Dispatch-Pass-1')).status).toBe(200);

    const trail = await audit('subject=user:zhao.locked');
    const after = trail.slice(trail.findIndex((r) => r.action === 'user.password_change') + 1);
    expect(after.map((r) => [r.action, r.detail['reason'] ?? null])).toEqual([
      ...Array(5).fill(['auth.login_failure', 'bad_password']),
      ['auth.lockout', null],
      ['auth.login_failure', 'account_locked'],
      ['auth.login_failure', 'account_locked'],
      ['auth.login', null],
    ]);
    expect(after.filter((r) => r.action === 'auth.login_failure').every((r) => r.actor === 'address:127.0.0.1' && r.detail['address'] === '127.0.0.1')).toBe(true);
    expect(after.at(-1)!.actor).toBe('user:zhao.locked');
    // the same five failures came from one address: it was locked too, and that is on the trail
    expect((await audit('subject=address:127.0.0.1')).map((r) => r.action)).toContain('auth.lockout');
  });

  it('locks an address that tries many usernames (429 ADDRESS_LOCKED)', async () => {
    await sleep(100);
    const codes: number[] = [];
    for (let i = 0; i < 6; i++) codes.push((await login(`nobody-${i}`, 'Whatever-123')).status);
    expect(codes).toEqual([401, 401, 401, 401, 401, 429]);
    await sleep(LOCK_S * 1000 + 300);
  });

  it('ends a session left idle (401 SESSION_IDLE); one in use stays; logout ends it at once', async () => {
    const token = await person('sun.idle', 'viewer', 'Idle-Pass-2026');
    // used every IDLE_S/6 for longer than IDLE_S: still valid
    const until = Date.now() + IDLE_S * 1000 + 2000;
    while (Date.now() < until) {
      await sleep((IDLE_S * 1000) / 6);
      const r = await asUser(token, '/units');
      expect([r.status, r.status === 200 ? null : ((await r.json()) as { code: string }).code]).toEqual([200, null]);
    }
    await sleep(IDLE_S * 1000 + 500);
    const idle = await asUser(token, '/units');
    expect(idle.status).toBe(401);
    expect(((await idle.json()) as { code: string }).code).toBe('SESSION_IDLE');

    const again = (await (await login('sun.idle', 'Idle-Pass-2026')).json()) as { token: string };
    expect((await asUser(again.token, '/auth/logout', { method: 'POST' })).status).toBe(200);
    expect((await asUser(again.token, '/units')).status).toBe(401);
    expect((await audit('subject=user:sun.idle')).map((r) => r.action).filter((a) => a.startsWith('auth.'))).toEqual(['auth.login', 'auth.login', 'auth.logout']);
  });

  it('the console\'s login sets an HttpOnly, Secure, SameSite=Strict cookie that authenticates', async () => {
    await person('qian.cookie', 'viewer', 'Cookie-Pass-2026');
    const res = await login('qian.cookie', 'Cookie-Pass-2026', false);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { token?: string }).token).toBeUndefined();
    const cookie = res.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^__Host-rc_session=rcs_/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/Secure/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const pair = cookie.split(';')[0]!;
    const me = await fetch(`${srv.url}/auth/me`, { headers: { cookie: pair } });
    expect(await me.json()).toEqual({ kind: 'user', name: 'qian.cookie', role: 'viewer', mustChangePassword: false });
  });

  it('a dispatcher account reading a task and a track leaves read records with the person as actor', async () => {
    const token = await person('li.dispatch', 'dispatcher', 'Dispatch-Pass-2');
    await waitFor('the unit available with a fix', async () => {
      const { units } = (await (await srv.api('/units')).json()) as { units: Array<{ unitId: string; status: string; lastFix: unknown }> };
      return units.find((u) => u.unitId === UNIT && u.status === 'available_at_station' && u.lastFix);
    });
    const created = await asUser(token, '/tasks', json({ unitId: UNIT, location: { lat: 42.5078, lon: 1.5211 }, priority: 1 }));
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    expect((await asUser(token, `/tasks/${id}`)).status).toBe(200);
    expect((await asUser(token, `/units/${UNIT}/track`)).status).toBe(200);
    const byPerson = await audit('actor=user:li.dispatch');
    expect(byPerson.map((r) => [r.action, r.subject])).toEqual(expect.arrayContaining([
      ['task.assign', `task:${id}`], ['read.task', `task:${id}`], ['read.track', `unit:${UNIT}`],
    ]));
  });

  it('account and role changes are audited with the administrator as actor; disabling ends sessions', async () => {
    const token = await person('zhou.role', 'viewer', 'Role-Pass-2026');
    expect((await srv.api('/admin/users/zhou.role', { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ role: 'planner' }) })).status).toBe(200);
    expect(await (await asUser(token, '/auth/me')).json()).toMatchObject({ role: 'planner' });
    expect((await srv.api('/admin/users/zhou.role', { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ disabled: true }) })).status).toBe(200);
    expect((await asUser(token, '/auth/me')).status).toBe(401);
    const trail = await audit('subject=user:zhou.role');
    expect(trail.filter((r) => r.actor === 'key:test-admin').map((r) => [r.action, r.detail['to'] ?? null])).toEqual([
      ['user.create', null], ['user.role', 'planner'], ['user.disable', null],
    ]);
    // the assessor's export: CSV of a period, the auditor's only, itself on the trail
    const q = `from=${new Date(Date.now() - 3_600_000).toISOString()}&to=${new Date(Date.now() + 60_000).toISOString()}`;
    expect((await srv.api(`/audit/export?${q}`, {}, 'viewer')).status).toBe(403);
    expect((await srv.api(`/audit/export?${q}`)).status).toBe(403); // admin: separation of duties
    const csv = await srv.api(`/audit/export?${q}`, {}, 'auditor');
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = (await csv.text()).replace(/^\ufeff/, '').trim().split('\n');
    expect(lines[0]).toBe('id,at,actor,action,subject,detail');
    expect(lines.some((l) => l.includes(',key:test-admin,user.role,user:zhou.role,"{') && l.includes('""to"":""planner""'))).toBe(true);
    expect((await audit('actor=key:test-auditor')).map((r) => r.action)).toContain('audit.export');
  });

  it('sends the security headers on every response', async () => {
    for (const path of ['/health', '/', '/units']) {
      const res = await fetch(`${srv.url}${path}`);
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain('upgrade-insecure-requests'); // plain HTTP here
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('strict-transport-security')).toMatch(/max-age=31536000/);
    }
  });
  it('an optional TOTP second factor: enrolled once with a code, then asked for at login, replay refused, turned off by an admin, all audited', async () => {
    const token = await person('ma.totp', 'dispatcher', 'Totp-Pass-2026');
    const loginWith = (totp?: string) => fetch(`${srv.url}/auth/login`, json({ username: 'ma.totp', password: 'Totp-Pass-2026', bearer: true, ...(totp ? { totp } : {}) }));
    const codeOf = async (r: Response) => [r.status, ((await r.json()) as { code?: string }).code ?? 'ok'];
    // confirming before enrolling is refused; the enrolment shows the secret and its URI once
    expect(await codeOf(await asUser(token, '/auth/totp/confirm', json({ code: '123456' })))).toEqual([409, 'NO_TOTP_ENROLMENT']);
    const enrol = await asUser(token, '/auth/totp/enrol', { method: 'POST' });
    expect(enrol.status).toBe(200);
    expect(enrol.headers.get('cache-control')).toBe('no-store');
    const { secret, uri } = (await enrol.json()) as { secret: string; uri: string };
    expect(uri).toMatch(new RegExp(`^otpauth://totp/rescue-circle:ma\\.totp\\?.*secret=${secret}`));
    // not on until confirmed: the password alone still logs in
    expect((await loginWith()).status).toBe(200);
    const wrong = (): string => {
      for (let n = 0; ; n++) {
        const c = String(n).padStart(6, '0');
        if ([-30_000, 0, 30_000, 60_000].every((d) => matchTotp(secret, c, Date.now() + d) === null)) return c;
      }
    };
    expect(await codeOf(await asUser(token, '/auth/totp/confirm', json({ code: wrong() })))).toEqual([400, 'INVALID_TOTP']);
    expect(await codeOf(await asUser(token, '/auth/totp/confirm', json({ code: totpCode(secret, Date.now()) })))).toEqual([200, 'ok']);
    expect(await codeOf(await asUser(token, '/auth/totp/enrol', { method: 'POST' }))).toEqual([409, 'TOTP_ALREADY_ON']);
    expect(((await (await srv.api('/admin/users')).json()) as { users: Array<{ username: string; totp: boolean }> }).users.find((u) => u.username === 'ma.totp')).toMatchObject({ totp: true });

    expect(await codeOf(await loginWith())).toEqual([401, 'TOTP_REQUIRED']);
    expect(await codeOf(await loginWith(wrong()))).toEqual([401, 'INVALID_TOTP']);
    // the code of the next step (within the one-step window) is later than the one the enrolment used
    const next = totpCode(secret, Date.now() + 30_000);
    const ok = await loginWith(next);
    expect(ok.status).toBe(200);
    expect((await asUser(((await ok.json()) as { token: string }).token, '/units')).status).toBe(200);
    expect(await codeOf(await loginWith(next))).toEqual([401, 'INVALID_TOTP']); // a code logs in once

    // a viewer may not turn it off; an admin may, and the password alone logs in again
    expect((await srv.api('/admin/users/ma.totp/totp', { method: 'DELETE' }, 'viewer')).status).toBe(403);
    expect((await srv.api('/admin/users/ma.totp/totp', { method: 'DELETE' })).status).toBe(200);
    expect((await loginWith()).status).toBe(200);

    const trail = (await audit('subject=user:ma.totp')).map((r) => [r.action, r.detail['reason'] ?? null, r.actor]);
    expect(trail.filter(([a]) => a !== 'auth.login' && a !== 'user.create' && a !== 'user.password_change')).toEqual([
      ['user.totp_enrol', null, 'user:ma.totp'],
      ['user.totp_enable', null, 'user:ma.totp'],
      ['auth.totp_required', null, 'user:ma.totp'],
      ['auth.login_failure', 'bad_totp', 'address:127.0.0.1'],
      ['auth.login_failure', 'totp_reused', 'address:127.0.0.1'],
      ['user.totp_disable', null, 'key:test-admin'],
    ]);
    // the secret is never on the trail
    expect(JSON.stringify(await audit('subject=user:ma.totp'))).not.toContain(secret);
  });
});

describe('the embedded demo\'s one admin account', () => {
  it('is created with a random password printed once, which must be changed at first login', async () => {
    // API_KEYS_FILE empty: the demo makes its own key file, as `npm start` on a fresh clone does
    const first = await startServer({ SIMULATOR: 'false', API_KEYS_FILE: '' }, { timeoutMs: 150_000 });
    await waitFor('the demo banner', async () => first.output().includes('demo account'), 10_000);
    const printed = [...first.output().matchAll(/demo account \(shown once[^)]*\): (\S+) \/ (\S+)/g)];
    const dataDir = first.dataDir;
    try {
      expect(printed).toHaveLength(1);
      const [, username, password] = printed[0]!;
      expect(username).toBe('admin');
      expect(password).toMatch(/^.{16}$/);
      expect(first.output().match(new RegExp(password!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'g'))).toHaveLength(1);
      const res = await fetch(`${first.url}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password, bearer: true }) });
      expect(await res.json()).toMatchObject({ username: 'admin', role: 'admin', mustChangePassword: true });
      await first.stop(false);
      const second = await startServer({ SIMULATOR: 'false', API_KEYS_FILE: '' }, { dataDir, timeoutMs: 150_000 });
      await waitFor('the demo banner', async () => second.output().includes('admin API key'), 10_000);
      expect(second.output()).not.toContain('demo account');
      await second.stop(false);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

/** POST over HTTPS trusting `ca`: status and JSON body. */
function httpsPost(url: string, ca: Buffer, headers: Record<string, string>): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(url, { method: 'POST', ca, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: body ? JSON.parse(body) : null }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('HTTPS and MQTTS with TLS_CERT_FILE/TLS_KEY_FILE (a certificate made in the test)', () => {
  let srv: ServerProcess;
  let dir: string;
  let ca: Buffer;
  let mqttsPort: number;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rc-tls-'));
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
      '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'pipe' });
    ca = readFileSync(join(dir, 'cert.pem'));
    mqttsPort = await freePort();
    srv = await startServer({ SIMULATOR: 'false', TLS_CERT_FILE: join(dir, 'cert.pem'), TLS_KEY_FILE: join(dir, 'key.pem'), EMBEDDED_MQTTS_PORT: String(mqttsPort) }, { ca, timeoutMs: 150_000 });
  });
  afterAll(async () => {
    await srv?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves the API over HTTPS with HSTS, and nothing over plain HTTP', async () => {
    expect(srv.url).toMatch(/^https:/);
    const health = await httpsGet(`${srv.url}/health`, ca);
    expect(health.status).toBe(200);
    expect(health.headers['strict-transport-security']).toMatch(/max-age=31536000/);
    expect(String(health.headers['content-security-policy'])).toContain('upgrade-insecure-requests');
    const units = await httpsGet(`${srv.url}/units`, ca, { authorization: `Bearer ${srv.apiKeys.viewer}` });
    expect(units.status).toBe(200);
    expect(JSON.parse(units.body)).toHaveProperty('units');
    // an untrusted certificate is refused by a client that checks (the default)
    await expect(httpsGet(`${srv.url}/health`, Buffer.from(''))).rejects.toThrow();
    await expect(fetch(srv.url.replace('https:', 'http:') + '/health')).rejects.toThrow();
  });

  it('the embedded broker takes a terminal over MQTTS on EMBEDDED_MQTTS_PORT, and its fix is stored', async () => {
    const UNIT = 'TLS-01';
    const prov = await httpsPost(`${srv.url}/admin/units/${UNIT}/credentials`, ca, { authorization: `Bearer ${srv.apiKeys.admin}` });
    expect(prov.status).toBe(201);
    const url = `mqtts://127.0.0.1:${mqttsPort}`;
    // a client that does not trust the certificate is refused at the handshake (false: a close rejects, no retries)
    await expect(connectAsync(url, { username: UNIT, password: prov.body.password, clientId: UNIT, reconnectPeriod: 0, connectTimeout: 5000 }, false)).rejects.toThrow();
    // plain MQTT on the TLS port is not spoken
    await expect(connectAsync(`mqtt://127.0.0.1:${mqttsPort}`, { username: UNIT, password: prov.body.password, clientId: UNIT, reconnectPeriod: 0, connectTimeout: 3000 }, false)).rejects.toThrow();
    const client = await connectAsync(url, { ca, username: UNIT, password: prov.body.password, clientId: UNIT, reconnectPeriod: 0 });
    try {
      const ts = Date.now() - 1000;
      await client.publishAsync(`ems/v1/units/${UNIT}/position`, JSON.stringify({ ts, lat: 42.5063, lon: 1.5218, accuracyM: 5 }), { qos: 1 });
      const track = await waitFor('the fix sent over MQTTS', async () => {
        const r = await httpsGet(`${srv.url}/units/${UNIT}/track?from=${ts - 1000}&to=${ts + 1000}`, ca, { authorization: `Bearer ${srv.apiKeys.viewer}` });
        const times = (JSON.parse(r.body) as { properties?: { times?: string[] } }).properties?.times ?? [];
        return times.length > 0 ? times : null;
      });
      expect(track.map((t) => Date.parse(t))).toEqual([ts]);
    } finally {
      await client.endAsync();
    }
    expect(srv.output()).toContain(`mqtts://127.0.0.1:${mqttsPort}`);
  });
});
