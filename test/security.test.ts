import { rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'node:http';
import { type ServerProcess, startServer } from './support/server-process';

/** Status, content type and WWW-Authenticate of a request with the given headers (no key unless given). */
async function probe(url: string, init: RequestInit = {}): Promise<{ status: number; type: string; www: string | null; body: any }> {
  const res = await fetch(url, init);
  const type = res.headers.get('content-type') ?? '';
  const body = type.includes('json') ? await res.json() : await res.text();
  return { status: res.status, type, www: res.headers.get('www-authenticate'), body };
}

/** Opens the SSE stream and resolves with the status and the first chunk, then hangs up. */
function sse(url: string): Promise<{ status: number; type: string; first: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, (res) => {
      res.once('data', (chunk: Buffer) => {
        resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type'] ?? ''), first: chunk.toString() });
        req.destroy();
      });
      res.once('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type'] ?? ''), first: '' }));
    });
    req.setTimeout(10_000, () => req.destroy(new Error('SSE: no answer in 10 s')));
    req.on('error', (e) => (e.message === 'socket hang up' ? undefined : reject(e)));
    req.end();
  });
}

const JSON_POST = (body: unknown): RequestInit => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const INCIDENT = { lat: 42.5078, lon: 1.5211 };

describe('API keys and roles (built server, embedded stack)', () => {
  let srv: ServerProcess;
  beforeAll(async () => {
    srv = await startServer({ SIMULATOR: 'false' });
  });
  afterAll(async () => {
    await srv?.stop();
  });

  it('refuses a call without a key, with an unknown key or a malformed header: 401 with WWW-Authenticate', async () => {
    const none = await probe(`${srv.url}/units`);
    expect(none).toMatchObject({ status: 401, body: { code: 'UNAUTHENTICATED' } });
    expect(none.www).toMatch(/^Bearer/);
    expect(none.body.message).toMatch(/Authorization: Bearer/);
    const unknown = await probe(`${srv.url}/units`, { headers: { authorization: 'Bearer rc_not-a-key' } });
    expect(unknown).toMatchObject({ status: 401, body: { message: 'the API key is not known' } });
    expect(unknown.www).toMatch(/^Bearer/);
    expect((await probe(`${srv.url}/units`, { headers: { authorization: `Basic ${srv.apiKeys.admin}` } })).status).toBe(401);
    // a key in the query string is not accepted outside the SSE stream
    expect((await probe(`${srv.url}/units?access_token=${srv.apiKeys.admin}`)).status).toBe(401);
    expect((await probe(`${srv.url}/tasks`, JSON_POST({ location: INCIDENT }))).status).toBe(401);
    expect((await probe(`${srv.url}/geocode/search?q=Canillo`)).status).toBe(401);
  });

  it('refuses a key of the wrong role: 403 naming the roles needed', async () => {
    const viewerPost = await srv.api('/tasks', JSON_POST({ location: INCIDENT }), 'viewer');
    expect(viewerPost.status).toBe(403);
    expect(await viewerPost.json()).toMatchObject({ code: 'FORBIDDEN', message: expect.stringMatching(/viewer.*dispatcher or admin/) });
    expect((await srv.api('/audit', {}, 'dispatcher')).status).toBe(403);
    expect((await srv.api('/audit', {}, 'planner')).status).toBe(403);
    expect((await srv.api('/dispatch/recommendations', JSON_POST({ location: INCIDENT }), 'planner')).status).toBe(403);
    expect((await srv.api('/tasks/T-x/events', JSON_POST({ status: 'en_route' }), 'planner')).status).toBe(403);
    expect((await srv.api('/indicators?from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z', {}, 'dispatcher')).status).toBe(403);
    expect((await srv.api('/indicators?from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z', {}, 'viewer')).status).toBe(403);
  });

  it('lets the right role through (admin everywhere), by Bearer or X-API-Key', async () => {
    expect((await srv.api('/units', {}, 'viewer')).status).toBe(200);
    expect((await fetch(`${srv.url}/units`, { headers: { 'x-api-key': srv.apiKeys.viewer } })).status).toBe(200);
    expect((await srv.api('/console/stations', {}, 'viewer')).status).toBe(200);
    expect((await srv.api('/metrics', {}, 'viewer')).status).toBe(200);
    expect((await srv.api('/routing/info', {}, 'viewer')).status).toBe(200);
    // call intake's place search on the default extract (Andorra), for those who dispatch or view
    const place = await srv.api('/geocode/search?q=Canillo&near=42.5078,1.5211', {}, 'viewer');
    expect(place.status).toBe(200);
    expect(((await place.json()) as { results: Array<{ name: string; kind: string }> }).results[0]).toMatchObject({ name: 'Canillo', kind: 'town' });
    expect((await srv.api('/geocode/parse?text=1.5211,42.5078&crs=WGS84', {}, 'planner')).status).toBe(200);
    expect((await srv.api('/geocode/reverse?lat=42.5078&lon=1.5211', {}, 'dispatcher')).status).toBe(200);
    expect((await srv.api('/dispatch/recommendations', JSON_POST({ location: INCIDENT }), 'dispatcher')).status).toBe(200);
    const unserved = await srv.api('/tasks', JSON_POST({ location: INCIDENT }), 'dispatcher');
    expect(unserved.status).toBe(201);
    const id = ((await unserved.json()) as { id: string }).id;
    expect((await srv.api(`/tasks/${id}`, {}, 'viewer')).status).toBe(200);
    // a request no unit could serve is audited as created, by the dispatcher's key
    const trail = (await (await srv.api(`/audit?subject=task:${id}`, {}, 'auditor')).json()) as { records: Array<{ action: string; actor: string }> };
    // and the viewer's read of it too (a task is personal data, issue #18)
    expect(trail.records.map((r) => [r.action, r.actor])).toEqual([['task.create', 'key:test-dispatcher'], ['read.task', 'key:test-viewer']]);
    expect((await srv.api('/indicators?from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z', {}, 'planner')).status).toBe(200);
    expect((await srv.api('/indicators?from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z', {}, 'admin')).status).toBe(200);
    // separation of duties: the trail is the auditor's, not the administrator's
    expect((await srv.api('/audit', {}, 'admin')).status).toBe(403);
    expect((await srv.api('/audit', {}, 'auditor')).status).toBe(200);
  });

  it('opens the SSE stream with ?access_token= (EventSource cannot send headers), and only with a valid one', async () => {
    const ok = await sse(`${srv.url}/units/stream?access_token=${encodeURIComponent(srv.apiKeys.viewer)}`);
    expect(ok.status).toBe(200);
    expect(ok.type).toContain('text/event-stream');
    expect((await sse(`${srv.url}/units/stream`)).status).toBe(401);
    expect((await sse(`${srv.url}/units/stream?access_token=rc_wrong`)).status).toBe(401);
  });

  it('keeps the probes, the console shell, its static files and the OpenAPI page open', async () => {
    expect((await probe(`${srv.url}/health`)).status).toBe(200);
    const shell = await probe(`${srv.url}/`);
    expect(shell.status).toBe(200);
    expect(shell.type).toContain('text/html');
    expect((await probe(`${srv.url}/console/app/js/main.js`)).status).toBe(200);
    expect((await probe(`${srv.url}/console/vendor/leaflet/leaflet.js`)).status).toBe(200);
    expect((await probe(`${srv.url}/docs`)).status).toBe(200);
    // but not the data the console shows
    expect((await probe(`${srv.url}/console/stations`)).status).toBe(401);
  });

  it('writes no API key to the log lines of a request (header or SSE ?access_token=)', async () => {
    // The first coverage call reads the extract and logs it inside the request: that line carries the request.
    expect((await srv.api('/coverage/live', {}, 'planner')).status).toBe(200);
    await sse(`${srv.url}/units/stream?access_token=${encodeURIComponent(srv.apiKeys.viewer)}`);
    const lines = srv.output().split('\n').filter((l) => l.startsWith('{'));
    // Not vacuous: a line carrying the request with its headers was written.
    expect(lines.some((l) => l.includes('"url":"/coverage/live"') && l.includes('"authorization":'))).toBe(true);
    for (const key of Object.values(srv.apiKeys)) expect(lines.filter((l) => l.includes(key))).toEqual([]);
  });

  it('counts refusals by reason', async () => {
    const text = await (await srv.api('/metrics')).text();
    const count = (reason: string) => Number(new RegExp(`rc_api_auth_refused_total\\{reason="${reason}"\\} (\\d+)`).exec(text)?.[1]);
    expect(count('missing')).toBeGreaterThanOrEqual(3);
    expect(count('unknown')).toBeGreaterThanOrEqual(3);
    expect(count('role')).toBeGreaterThanOrEqual(7);
  });
});

describe('API key file at start-up', () => {
  /** The `keys` and `created` fields of the security module's "API keys loaded" log line. */
  const keysLoaded = (output: string): { keys: unknown; created: unknown } | undefined => {
    const lines = output.split('\n').filter((l) => l.startsWith('{') && l.includes('"API keys loaded'));
    expect(lines).toHaveLength(1);
    const rec = JSON.parse(lines[0]!) as { keys?: unknown; created?: unknown };
    return { keys: rec.keys, created: rec.created };
  };

  it('the embedded demo creates an admin key (0600), prints it with a console link, and the same one after a restart', async () => {
    let srv = await startServer({ SIMULATOR: 'false', API_KEYS_FILE: '' });
    const dataDir = srv.dataDir;
    try {
      const m = /admin API key (rc_[A-Za-z0-9_-]{43})\n\s*console: (http:\/\/127\.0\.0\.1:\d+\/#key=rc_[A-Za-z0-9_-]{43})/.exec(srv.output());
      expect(m).not.toBeNull();
      const key = m![1]!;
      expect(m![2]).toBe(`${srv.url}/#key=${key}`);
      expect(statSync(join(dataDir, 'api-keys')).mode & 0o777).toBe(0o600);
      expect(statSync(join(dataDir, 'admin-api-key')).mode & 0o777).toBe(0o600);
      expect((await fetch(`${srv.url}/admin/users`, { headers: { authorization: `Bearer ${key}` } })).status).toBe(200);
      // the key never reaches the structured log, only the banner
      expect(srv.output().split('\n').filter((l) => l.startsWith('{') && l.includes(key))).toEqual([]);
      // the start that made the file says so (the key file is read once, before Nest)
      expect(keysLoaded(srv.output())).toEqual({ keys: 1, created: true });
      await srv.stop(false);
      srv = await startServer({ SIMULATOR: 'false', API_KEYS_FILE: '' }, { dataDir });
      expect(srv.output()).toContain(`admin API key ${key}`);
      expect(keysLoaded(srv.output())).toEqual({ keys: 1, created: false });
    } finally {
      await srv.stop(true);
    }
  });

  it('refuses to start on a malformed key file, naming the line', async () => {
    const srv = await startServer({ SIMULATOR: 'false' });
    const bad = join(srv.dataDir, 'bad-keys');
    writeFileSync(bad, `# ok\nops admin ${'a'.repeat(64)}\nops2 superuser ${'b'.repeat(64)}\n`);
    await srv.stop(false);
    try {
      await expect(startServer({ SIMULATOR: 'false', API_KEYS_FILE: bad }, { dataDir: srv.dataDir })).rejects.toThrow(/exited with 2[\s\S]*bad-keys line 3: role "superuser"/);
    } finally {
      rmSync(srv.dataDir, { recursive: true, force: true });
    }
  });
});
