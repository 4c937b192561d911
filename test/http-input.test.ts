import fc from 'fast-check';
import { Agent, request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { analysisBody, bodies, queryValue, sitingBody, validBodies } from '../apps/server/src/http-limits/fuzz/http-arbitraries';
import { type ServerProcess, startServer } from './support/server-process';
import { connectTerminals, type Terminals } from './support/terminals';

/**
 * Issue #8 item 5 over the wire, against the built server (embedded aedes + PGlite): a few thousand
 * generated requests to every POST route and the query routes — mutated and malformed JSON, wrong
 * content types, empty, oversized and deeply nested bodies, repeated and out-of-range parameters —
 * must each get a 4xx with a JSON reason (or a 2xx when valid), never a 5xx and never a hang; the
 * server stays healthy and its memory bounded. Then the flood limits: the per-client rate limit,
 * the body limits, the SSE connection cap and a client that stops reading its event stream.
 */
const SEED = Number(process.env.FUZZ_SEED ?? 0x120_4081);
const MB = 1024 * 1024;

interface Answer {
  status: number;
  type: string;
  body: string;
  headers: Record<string, string | string[] | undefined>;
}

/** One HTTP request with full control of method, headers and body bytes (fetch would add a content type). */
function send(srv: ServerProcess, agent: Agent, method: string, path: string, headers: Record<string, string> = {}, body?: Buffer | string, timeoutMs = 30_000): Promise<Answer> {
  const u = new URL(path, srv.url);
  headers = { authorization: `Bearer ${srv.apiKeys.admin}`, ...headers };
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, method, path: u.pathname + u.search, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type'] ?? ''), body: Buffer.concat(chunks).toString(), headers: res.headers }));
      res.on('error', reject);
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer in ${timeoutMs} ms: ${method} ${path}`)));
    // The server may answer (413, 415) and close before it has read all of a large body.
    req.on('error', (e: NodeJS.ErrnoException) => (e.code === 'EPIPE' || e.code === 'ECONNRESET' ? undefined : reject(e)));
    req.end(body);
  });
}

async function metric(srv: ServerProcess, name: string, labels = ''): Promise<number> {
  const text = await (await srv.api('/metrics')).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name}${labels} `) || (labels === '' && l.startsWith(`${name} `)));
  return line ? Number(line.split(' ').pop()) : 0;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A JSON error body with a reason: Nest's {message} or the edge's {code, message}. */
function hasJsonReason(a: Answer): boolean {
  if (!a.type.startsWith('application/json')) return false;
  try {
    const b = JSON.parse(a.body) as { message?: unknown; code?: unknown };
    const m = b.message;
    return (typeof m === 'string' && m !== '') || (Array.isArray(m) && m.length > 0 && m.every((x) => typeof x === 'string'));
  } catch {
    return false;
  }
}

interface Planned {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: Buffer | string;
  /** Statuses allowed besides 4xx (a valid request may succeed). */
  ok?: number[];
}

const JSON_CT = { 'content-type': 'application/json' };
/** Percent-encodes every byte but the unreserved ones (encodeURIComponent throws on a lone surrogate). */
const enc = (s: string): string => [...Buffer.from(s, 'utf8')].map((b) => (/[A-Za-z0-9._~-]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).padStart(2, '0').toUpperCase()}`)).join('');

describe('HTTP input over the wire', () => {
  let srv: ServerProcess;
  let agent: Agent;

  beforeAll(async () => {
    // Rate limit off for the fuzzing (thousands of requests from one client on purpose); tight SSE bounds.
    srv = await startServer({ SIMULATOR: 'false', LOG_LEVEL: 'warn', HTTP_RATE_LIMIT_PER_S: '0', SSE_MAX_CLIENTS: '3', SSE_MAX_CLIENTS_PER_KEY: '2', SSE_STALL_TIMEOUT_S: '3', COVERAGE_MAX_QUEUED_JOBS: '1' });
    agent = new Agent({ keepAlive: true, maxSockets: 8 });
  });

  afterAll(async () => {
    agent?.destroy();
    await srv?.stop();
  });

  it('thousands of generated requests to every POST and query route: 4xx with a JSON reason or a valid answer, never 5xx, no hang; healthy and bounded after', async () => {
    const base = srv.url;
    const taskRes = await send(srv, agent, 'POST', '/tasks', JSON_CT, JSON.stringify({ location: { lat: 42.5078, lon: 1.5211 }, emergency: false }));
    expect(taskRes.status).toBe(201);
    const taskId = (JSON.parse(taskRes.body) as { id: string }).id;
    const rssBefore = await metric(srv, 'rc_process_resident_memory_bytes');

    const sample = <T>(a: fc.Arbitrary<T>, n: number, k: number): T[] => fc.sample(a, { numRuns: n, seed: SEED + k });
    const plan: Planned[] = [];
    const post = (path: string, text: string, ok: number[]) => plan.push({ method: 'POST', path, headers: JSON_CT, body: text, ok });
    for (const b of sample(bodies(validBodies.recommendation), 500, 1)) post('/dispatch/recommendations', b.text, [200, 422]);
    for (const b of sample(bodies(validBodies.createTask), 400, 2)) post('/tasks', b.text, [201, 404, 409, 422]);
    const ids = [taskId, '00000000-0000-0000-0000-000000000000', 'x', '..', '%2e%2e', enc('😀'), enc('a'.repeat(300)), enc("'; --")];
    for (const [i, b] of sample(bodies(validBodies.taskEvent), 400, 3).entries()) post(`/tasks/${ids[i % ids.length]}/events`, b.text, [200, 404, 409, 422]);
    for (const b of sample(bodies(analysisBody), 250, 4)) post('/coverage/analyses', b.text, [202, 404, 429]);
    for (const b of sample(bodies(sitingBody), 150, 5)) post('/coverage/sitings', b.text, [202, 429]);

    // Bodies that are not JSON objects of a sane size, to every POST route.
    const routes = ['/dispatch/recommendations', '/tasks', `/tasks/${taskId}/events`, '/coverage/analyses', '/coverage/sitings'];
    const deep = '['.repeat(20_000) + ']'.repeat(20_000);
    const deepObj = '{"a":'.repeat(5_000) + '1' + '}'.repeat(5_000);
    for (const path of routes) {
      const upload = path.startsWith('/coverage');
      const extras: Planned[] = [
        { method: 'POST', path, headers: { 'content-type': 'text/plain' }, body: '{"location":{"lat":1,"lon":2}}' },
        { method: 'POST', path, headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'location[lat]=1&location[lon]=2' },
        { method: 'POST', path, headers: { 'content-type': 'multipart/form-data; boundary=x' }, body: '--x\r\n\r\n--x--' },
        { method: 'POST', path, headers: { 'content-type': 'application/xml' }, body: '<a/>' },
        { method: 'POST', path, headers: {}, body: '{}' },
        { method: 'POST', path, headers: { 'content-type': 'application/json; charset=iso-8859-1' }, body: '{}' },
        { method: 'POST', path, headers: { ...JSON_CT, 'content-encoding': 'gzip' }, body: 'not gzip' },
        { method: 'POST', path, headers: { ...JSON_CT, 'content-encoding': 'br-x' }, body: '{}' },
        { method: 'POST', path, headers: JSON_CT, body: '', ok: upload ? [202, 429] : [] },
        { method: 'POST', path, headers: JSON_CT, body: 'null' },
        { method: 'POST', path, headers: JSON_CT, body: '"text"' },
        { method: 'POST', path, headers: JSON_CT, body: '[]' },
        { method: 'POST', path, headers: JSON_CT, body: '{"__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":1}}}', ok: upload ? [202, 429] : [] },
        { method: 'POST', path, headers: JSON_CT, body: deep },
        { method: 'POST', path, headers: JSON_CT, body: deepObj },
        { method: 'POST', path, headers: JSON_CT, body: `{"reason":"${'x'.repeat(upload ? 16 * MB : 64 * 1024)}"}` },
        { method: 'POST', path, headers: JSON_CT, body: '{"a":"\\u0000"}' },
        { method: 'POST', path, headers: JSON_CT, body: '{"a":1,"a":2,' },
        { method: 'POST', path, headers: JSON_CT, body: Buffer.from([0xef, 0xbb, 0xbf, 0x7b, 0xff, 0xfe, 0x7d]) },
      ];
      plan.push(...extras);
    }

    // Query routes: every parameter from the generated values, sometimes repeated.
    const qs = (params: Record<string, unknown>): string =>
      Object.entries(params)
        .flatMap(([k, v]) => (v === undefined ? [] : Array.isArray(v) ? v.map((x) => `${k}=${enc(String(x))}`) : [`${k}=${enc(String(v))}`]))
        .join('&');
    const pairs = sample(fc.tuple(queryValue, queryValue, queryValue), 1200, 6);
    pairs.forEach(([a, b, c], i) => {
      switch (i % 8) {
        case 0: return void plan.push({ method: 'GET', path: `/routing/route?${qs({ from: a, to: b, optimize: c })}`, ok: [200, 422] });
        case 1: return void plan.push({ method: 'GET', path: `/units/AMB-01/track?${qs({ from: a, to: b })}`, ok: [404] });
        case 2: return void plan.push({ method: 'GET', path: `/units/${enc(String(c ?? ''))}/track?${qs({ from: a })}`, ok: [404] });
        case 3: return void plan.push({ method: 'GET', path: `/indicators?${qs({ from: a, to: b, station: c })}`, ok: [200] });
        case 4: return void plan.push({ method: 'GET', path: `/coverage/isochrones?${qs({ station: a, minutes: b })}`, ok: [200, 404, 422] });
        case 5: return void plan.push({ method: 'GET', path: `/coverage/live?${qs({ rule: a })}`, ok: [200] });
        case 6: return void plan.push({ method: 'GET', path: `/coverage/live/dispatch-impact?${qs({ unit: a, rule: b })}`, ok: [200] });
        default: return void plan.push({ method: 'GET', path: `/tasks/${enc(String(a ?? ''))}`, ok: [200] });
      }
    });
    plan.push({ method: 'GET', path: '/coverage/isochrones?station=%FF%FE&minutes=%C0%AF' }, { method: 'GET', path: '/routing/route?from=%E0%80&to=1,2' }, { method: 'GET', path: '/units/%FF/track' });
    plan.push({ method: 'GET', path: '/tasks/%00' }, { method: 'GET', path: '/units/AMB-01/track?to=8640000000000001', ok: [404] }, { method: 'GET', path: '/indicators?from=2026-01-01&to=2026-02-01&station=a&station=b' });

    const bad: string[] = [];
    const statuses = new Map<number, number>();
    const started = Date.now();
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < plan.length) {
        const p = plan[next++]!;
        const a = await send(srv, agent, p.method, p.path, p.headers, p.body);
        statuses.set(a.status, (statuses.get(a.status) ?? 0) + 1);
        const fine = (a.status >= 400 && a.status < 500 && hasJsonReason(a)) || (p.ok ?? []).includes(a.status);
        if (!fine) bad.push(`${a.status} ${p.method} ${p.path.slice(0, 120)} ${String(p.body ?? '').slice(0, 160)} -> ${a.body.slice(0, 200)}`);
      }
    };
    await Promise.all(Array.from({ length: 6 }, worker));
    const seconds = (Date.now() - started) / 1000;
    process.stdout.write(`wire fuzz: ${plan.length} requests in ${seconds.toFixed(1)} s, statuses ${JSON.stringify(Object.fromEntries([...statuses].sort((x, y) => x[0] - y[0])))}\n`);

    expect(bad.slice(0, 20)).toEqual([]);
    expect(plan.length).toBeGreaterThanOrEqual(3000);
    expect([...statuses.keys()].filter((s) => s >= 500)).toEqual([]);
    expect((await fetch(`${base}/health`)).status).toBe(200);
    const rssAfter = await metric(srv, 'rc_process_resident_memory_bytes');
    process.stdout.write(`server RSS ${(rssBefore / MB).toFixed(0)} MB before, ${(rssAfter / MB).toFixed(0)} MB after\n`);
    expect(rssAfter - rssBefore).toBeLessThan(300 * MB);
    // Every edge refusal kind was reached and counted.
    for (const reason of ['body_too_large', 'json_shape', 'unsupported_media_type', 'bad_json', 'nul_in_url']) {
      expect(await metric(srv, 'rc_http_refused_total', `{reason="${reason}"}`)).toBeGreaterThan(0);
    }
  });

  it('a coverage upload far above the general body limit fits its own (5,001 stations: refused for their number, not their size)', async () => {
    const features = Array.from({ length: 5001 }, (_, i) => ({ type: 'Feature', geometry: { type: 'Point', coordinates: [1.5 + i * 1e-5, 42.5] }, properties: { id: `S${i}`, name: `Station ${i}` } }));
    const text = JSON.stringify({ stations: { type: 'FeatureCollection', features } });
    expect(text.length).toBeGreaterThan(8 * 64 * 1024);
    const a = await send(srv, agent, 'POST', '/coverage/analyses', JSON_CT, text);
    expect(a.status).toBe(400);
    expect(a.body).toMatch(/more than 5000 stations/);
  });

  it('SSE: a client that stops reading is cut off after SSE_STALL_TIMEOUT_S while another keeps its events; at most SSE_MAX_CLIENTS streams, SSE_MAX_CLIENTS_PER_KEY of one key', async () => {
    const base = srv.url;
    const port = Number(new URL(base).port);
    const rssBefore = await metric(srv, 'rc_process_resident_memory_bytes');
    // A reading client, counting unit events as they come.
    const reader = new AbortController();
    const arrivals: number[] = [];
    const readerDone = (async () => {
      const res = await srv.api('/units/stream', { signal: reader.signal });
      expect(res.status).toBe(200);
      const dec = new TextDecoder();
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        const n = dec.decode(chunk).split('event: unit').length - 1;
        for (let i = 0; i < n; i++) arrivals.push(Date.now());
      }
    })().catch((e: Error) => (e.name === 'AbortError' ? undefined : Promise.reject(e)));

    // A client that sends its request and never reads a byte.
    const slow: Socket = connect(port, '127.0.0.1');
    await new Promise<void>((r) => slow.once('connect', () => r()));
    slow.pause();
    slow.write(`GET /units/stream HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAuthorization: Bearer ${srv.apiKeys.viewer}\r\nAccept: text/event-stream\r\n\r\n`);
    let slowClosed = false;
    slow.once('close', () => (slowClosed = true));
    slow.on('error', () => undefined);

    // Fleet changes: 150 units, a fix each every 100 ms (~1,500 events/s of ~400 bytes), each unit on
    // its own provisioned connection (a unit may publish only its own topics).
    const unitIds = Array.from({ length: 150 }, (_, u) => `FZ-${String(u).padStart(3, '0')}`);
    const pub: Terminals = await connectTerminals(srv, unitIds);
    let publishing = true;
    const pumping = (async () => {
      for (let k = 0; publishing; k++) {
        const ts = Date.now();
        for (let u = 0; u < 150; u++) {
          const payload = JSON.stringify({ ts, lat: 42.45 + u * 1e-3 + k * 2e-6, lon: 1.52, speedKmh: 10 });
          pub.publishAsync(`ems/v1/units/${unitIds[u]}/position`, payload, { qos: 0 }).catch(() => undefined);
        }
        await sleep(100);
      }
    })();

    try {
      // Cut off: the server noticed the stalled socket and ended that stream.
      const until = Date.now() + 40_000;
      let peakRss = rssBefore;
      while ((await metric(srv, 'rc_http_refused_total', '{reason="sse_stalled"}')) < 1) {
        if (Date.now() > until) throw new Error('the stalled SSE client was never cut off');
        peakRss = Math.max(peakRss, await metric(srv, 'rc_process_resident_memory_bytes'));
        await sleep(250);
      }
      const cutAt = Date.now();
      await sleep(1500);
      expect(await metric(srv, 'rc_sse_clients')).toBe(1); // only the reader
      expect(arrivals.filter((t) => t > cutAt).length).toBeGreaterThan(100); // the reader kept getting events
      expect(arrivals.length).toBeGreaterThan(500);
      peakRss = Math.max(peakRss, await metric(srv, 'rc_process_resident_memory_bytes'));
      process.stdout.write(`SSE: reader got ${arrivals.length} events; slow client cut off; server RSS ${(rssBefore / MB).toFixed(0)} -> peak ${(peakRss / MB).toFixed(0)} MB\n`);
      expect(peakRss - rssBefore).toBeLessThan(200 * MB);
      // The slow client finds its connection closed once it reads again.
      slow.resume();
      for (let i = 0; i < 50 && !slowClosed; i++) await sleep(100);
      expect(slowClosed).toBe(true);

      // The caps. Per key (2): the reader (admin) plus one more admin stream, then 429 for a third.
      const sse = (role: 'admin' | 'viewer' | 'dispatcher') => send(srv, agent, 'GET', '/units/stream', { accept: 'text/event-stream', authorization: `Bearer ${srv.apiKeys[role]}` }, undefined, 5000);
      const keyFullBefore = await metric(srv, 'rc_http_refused_total', '{reason="sse_key_full"}');
      const fullBefore = await metric(srv, 'rc_http_refused_total', '{reason="sse_full"}');
      const extra = [new AbortController(), new AbortController()];
      expect((await srv.api('/units/stream', { signal: extra[0]!.signal }, 'admin')).status).toBe(200);
      const keyRefused = await sse('admin');
      expect(keyRefused.status).toBe(429);
      expect(keyRefused.type).toMatch(/^application\/json/);
      expect(JSON.parse(keyRefused.body)).toMatchObject({ code: 'TOO_MANY_STREAMS_FOR_KEY' });
      expect(await metric(srv, 'rc_http_refused_total', '{reason="sse_key_full"}')).toBe(keyFullBefore + 1);
      // Another key still gets a slot: the third and last in all (3), then 503 for anyone.
      expect((await srv.api('/units/stream', { signal: extra[1]!.signal }, 'viewer')).status).toBe(200);
      expect(await metric(srv, 'rc_sse_clients')).toBe(3);
      const refused = await sse('dispatcher');
      expect(refused.status).toBe(503);
      expect(JSON.parse(refused.body)).toMatchObject({ code: 'TOO_MANY_STREAMS' });
      expect(await metric(srv, 'rc_http_refused_total', '{reason="sse_full"}')).toBe(fullBefore + 1);
      extra.forEach((c) => c.abort());
      await sleep(500);
      expect(await metric(srv, 'rc_sse_clients')).toBe(1);
    } finally {
      publishing = false;
      await pumping;
      await pub.endAsync();
      slow.destroy();
      reader.abort();
      await readerDone;
    }
  });
});

describe('HTTP flood limits', () => {
  let srv: ServerProcess;

  beforeAll(async () => {
    srv = await startServer({ SIMULATOR: 'false', LOG_LEVEL: 'warn', HTTP_RATE_LIMIT_PER_S: '5', HTTP_RATE_LIMIT_BURST: '10' });
  });

  afterAll(async () => {
    await srv?.stop();
  });

  it('one client beyond its burst gets 429 with Retry-After and a JSON reason; /health and other clients are not throttled; refusals are counted', async () => {
    const answers = await Promise.all(Array.from({ length: 30 }, () => srv.api('/units', {}, 'viewer')));
    const statuses = answers.map((r) => r.status);
    expect(statuses.filter((s) => s === 200).length).toBeLessThanOrEqual(12);
    const limited = answers.find((r) => r.status === 429)!;
    expect(limited).toBeDefined();
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await limited.json()).toMatchObject({ statusCode: 429, code: 'RATE_LIMITED' });
    // /health stays answerable for probes
    const health = await Promise.all(Array.from({ length: 20 }, () => fetch(`${srv.url}/health`)));
    expect(health.map((r) => r.status).filter((s) => s === 429)).toEqual([]);
    // a client with its own API key has its own bucket
    expect((await srv.api('/units', {}, 'dispatcher')).status).toBe(200);
    // and a client without a key is charged to its address, apart from the keys (401 from the guard, not 429)
    expect((await fetch(`${srv.url}/units`)).status).toBe(401);
    // and the first client gets in again once its bucket refills
    await sleep(1100);
    expect((await srv.api('/units', {}, 'viewer')).status).toBe(200);
    const text = await (await srv.api('/metrics')).text();
    expect(Number(/rc_http_refused_total\{reason="rate_limited"\} (\d+)/.exec(text)?.[1] ?? 0)).toBeGreaterThanOrEqual(18);
  });
});
