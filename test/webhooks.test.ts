import { createServer, type IncomingMessage, type Server } from 'node:http';
import { createServer as createTcpServer, type Server as TcpServer, type Socket } from 'node:net';
import { HEADER_EVENT_ID, HEADER_SIGNATURE, HEADER_TIMESTAMP, verifySignature } from '@rescue/webhooks';
import { freePort } from './support/ports';
import { type ServerProcess, startServer } from './support/server-process';
import { connectTerminals } from './support/terminals';

/**
 * Events out, end to end (issue 14): the built server, embedded PGlite, real HTTP receivers on
 * 127.0.0.1. A receiver down for 30 s across a server restart gets every event once, in order, signed;
 * a subscriber that never answers is dead-lettered after the bound while a healthy one keeps its pace.
 */
interface Received {
  id: string;
  seq: number;
  type: string;
  subject: string;
  data: Record<string, unknown>;
  signed: boolean;
  at: number;
}

/** A webhook receiver on a fixed 127.0.0.1 port that can go down and come back on the same port. */
class Receiver {
  readonly got: Received[] = [];
  private server: Server | null = null;

  constructor(readonly port: number, private readonly secret: string) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}/hooks/120`;
  }

  async up(): Promise<void> {
    const server = createServer((req, res) => void this.handle(req).then((status) => res.writeHead(status).end()));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.server = server;
  }

  /** Refuses connections from now on (and drops kept-alive ones). */
  async down(): Promise<void> {
    const s = this.server;
    this.server = null;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((r) => s.close(() => r()));
  }

  private async handle(req: IncomingMessage): Promise<number> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const signed = verifySignature(this.secret, body, req.headers[HEADER_TIMESTAMP] as string, req.headers[HEADER_SIGNATURE] as string).ok;
    const e = JSON.parse(body) as { id: string; sequence: number; type: string; subject: string; data: Record<string, unknown> };
    if (req.headers[HEADER_EVENT_ID] !== e.id) return 400;
    this.got.push({ id: e.id, seq: e.sequence, type: e.type, subject: e.subject, data: e.data, signed, at: Date.now() });
    return 204;
  }
}

/** Accepts connections and never answers: a subscriber that is gone without refusing. */
async function blackHole(): Promise<{ url: string; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: TcpServer = createTcpServer((s) => {
    sockets.add(s);
    s.on('error', () => undefined);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}/gone`,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

const INCIDENT = { lat: 42.5078, lon: 1.5211 };
const json = async <T = any>(res: Response): Promise<T> => {
  if (!res.ok) throw new Error(`HTTP ${res.status}: ${await res.text()}`);
  return (await res.json()) as T;
};
const post = (srv: ServerProcess, path: string, body: unknown, role: 'admin' | 'dispatcher' = 'dispatcher') =>
  srv.api(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }, role);

/** A request no unit could serve: exactly one event, task.created. */
async function unservedTask(srv: ServerProcess): Promise<string> {
  return (await json<{ id: string }>(await post(srv, '/tasks', { location: INCIDENT, priority: 2 }))).id;
}

async function until(what: string, ok: () => boolean | Promise<boolean>, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Delivered exactly once each, in outbox order, every signature valid. */
function expectOnceInOrder(got: Received[]): void {
  expect(new Set(got.map((g) => g.id)).size).toBe(got.length);
  for (let i = 1; i < got.length; i++) expect(got[i]!.seq).toBeGreaterThan(got[i - 1]!.seq);
  expect(got.filter((g) => !g.signed)).toEqual([]);
}

const SECRET_A = 'platform-secret-0123456789';
const SECRET_B = 'hospital-secret-0123456789';
// Phase A: retries come quickly (≤ 2 s apart) and nothing dead-letters during the 30 s outage.
const PATIENT = { SIMULATOR: 'false', WEBHOOK_RETRY_BASE_MS: '250', WEBHOOK_RETRY_CAP_S: '2', WEBHOOK_MAX_ATTEMPTS: '10000', WEBHOOK_MAX_AGE_S: '600', WEBHOOK_POSITION_INTERVAL_S: '1' };
// Phase B: a tight bound (3 s of age, 2 s timeout), two delivery slots in all.
const STRICT = { ...PATIENT, WEBHOOK_MAX_AGE_S: '3', WEBHOOK_MAX_ATTEMPTS: '5', WEBHOOK_TIMEOUT_MS: '2000', WEBHOOK_MAX_CONCURRENCY: '2' };

describe('webhook delivery (embedded server, real HTTP receivers)', () => {
  let srv: ServerProcess | null = null;
  let platform: Receiver;
  let hospital: Receiver;
  let gone: Awaited<ReturnType<typeof blackHole>> | null = null;
  beforeAll(async () => {
    srv = await startServer(PATIENT);
  });
  afterAll(async () => {
    await srv?.stop(true);
    await platform?.down();
    await hospital?.down();
    await gone?.close();
  });

  it('refuses bad subscribers: scheme, credentials in the URL, short secret, unknown event type, non-admin', async () => {
    const bad = async (body: unknown, role: 'admin' | 'dispatcher' = 'admin') => (await post(srv!, '/admin/webhooks', body, role)).status;
    const ok = { url: 'https://platform.example.cn/hook', events: ['*'], secret: SECRET_A };
    expect(await bad({ ...ok, url: 'ftp://platform.example.cn/hook' })).toBe(400);
    expect(await bad({ ...ok, url: 'file:///etc/passwd' })).toBe(400);
    expect(await bad({ ...ok, url: 'https://user:pw@platform.example.cn/hook' })).toBe(400);
    expect(await bad({ ...ok, url: 'not a url' })).toBe(400);
    expect(await bad({ ...ok, secret: 'short' })).toBe(400);
    expect(await bad({ ...ok, events: ['task.exploded'] })).toBe(400);
    expect(await bad({ ...ok, events: [] })).toBe(400);
    expect(await bad(ok, 'dispatcher')).toBe(403);
    expect((await srv!.api('/admin/webhooks/wh_nosuch/replay?from=1', { method: 'POST' })).status).toBe(404);
    expect((await srv!.api('/admin/webhooks')).status).toBe(200);
  });

  it('a receiver down for 30 s across a server restart gets every event once, in order, signed', async () => {
    platform = new Receiver(await freePort(), SECRET_A);
    await platform.up();
    const { webhook } = await json<{ webhook: { id: string } }>(await post(srv!, '/admin/webhooks', { url: platform.url, events: ['*'], secret: SECRET_A, description: '市急救指挥平台' }, 'admin'));
    const list = await json<{ webhooks: Array<Record<string, unknown>> }>(await srv!.api('/admin/webhooks'));
    expect(list.webhooks).toHaveLength(1);
    expect(JSON.stringify(list)).not.toContain(SECRET_A);

    // a unit's life: its terminal's first status, a fix, an assignment, en route, aborted with a reason
    const terminals = await connectTerminals(srv!, ['WH-1']);
    const now = Date.now();
    await terminals.publishAsync('ems/v1/units/WH-1/status', JSON.stringify({ ts: now - 60_000, status: 'available_at_station', source: 'terminal' }), { qos: 1 });
    await terminals.publishAsync('ems/v1/units/WH-1/position', JSON.stringify({ ts: now - 1000, lat: 42.5063, lon: 1.5218, accuracyM: 5 }), { qos: 1 });
    await until('the unit', async () => (await json<{ units: Array<{ unitId: string; status: string; lastFix: unknown }> }>(await srv!.api('/units'))).units
      .some((u) => u.unitId === 'WH-1' && u.status === 'available_at_station' && u.lastFix), 30_000);
    const task = await json<{ id: string }>(await post(srv!, '/tasks', { unitId: 'WH-1', location: INCIDENT, priority: 1 }));
    await json(await post(srv!, `/tasks/${task.id}/events`, { status: 'en_route' }));
    await json(await post(srv!, `/tasks/${task.id}/events`, { status: 'aborted', reason: '患者已自行就医' }));
    // a newer fix: the sampler sends each unit's newest one
    await terminals.publishAsync('ems/v1/units/WH-1/position', JSON.stringify({ ts: Date.now(), lat: 42.5070, lon: 1.5215, accuracyM: 5 }), { qos: 1 });
    await terminals.endAsync();
    // the abort's last event (same transaction, after task.aborted) and a sampled position
    await until('the unit\'s events', () => platform.got.some((g) => g.type === 'unit.status_changed' && g.data.to === 'aborted')
      && platform.got.some((g) => g.type === 'unit.position' && g.data.lat === 42.507), 20_000).catch((e: Error) => {
      throw new Error(`${e.message}; got ${JSON.stringify(platform.got.map((g) => [g.type, g.data.to ?? g.data.lat]))}\n${srv!.output().split('\n').filter((l) => /webhook|WH-1|position/.test(l)).slice(-15).join('\n')}`);
    });
    const ofTask = platform.got.filter((g) => g.subject === `task:${task.id}`).map((g) => `${g.type}${g.data.to ? `:${g.data.to}` : ''}`);
    expect(ofTask).toEqual(['task.created', 'task.assigned', 'task.status_changed:en_route', 'task.status_changed:aborted', 'task.aborted']);
    expect(platform.got.filter((g) => g.subject === 'unit:WH-1' && g.type === 'unit.status_changed').map((g) => g.data.to))
      .toEqual(['available_at_station', 'order_received', 'en_route', 'aborted']);
    expect(platform.got.find((g) => g.type === 'task.aborted')!.data).toMatchObject({ outcome: 'aborted', reason: '患者已自行就医', unitId: 'WH-1' });
    expect(platform.got.filter((g) => g.type === 'unit.position').at(-1)!.data).toMatchObject({ unitId: 'WH-1', lat: 42.507, lon: 1.5215, crs: 'WGS84' });

    // before the outage: 5 tasks, delivered
    const tasks: string[] = [];
    for (let i = 0; i < 5; i++) tasks.push(await unservedTask(srv!));
    await until('the first 5', () => tasks.every((t) => platform.got.some((g) => g.subject === `task:${t}`)), 20_000);

    // the receiver goes down for 30 s; meanwhile 5 tasks, a server restart, 5 more tasks
    const downAt = Date.now();
    await platform.down();
    const before = platform.got.length;
    for (let i = 0; i < 5; i++) tasks.push(await unservedTask(srv!));
    await sleep(2000); // a few failed attempts recorded
    const failing = (await json<{ webhook: { attempts: number; lastError: string; backlog: number } }>(await srv!.api(`/admin/webhooks/${webhook.id}`))).webhook;
    expect(failing.attempts).toBeGreaterThan(0);
    expect(failing.backlog).toBe(5);
    const dataDir = srv!.dataDir;
    await srv!.stop(false);
    srv = await startServer(PATIENT, { dataDir });
    for (let i = 0; i < 5; i++) tasks.push(await unservedTask(srv!));
    const resumed = (await json<{ webhook: { attempts: number; backlog: number; cursor: number } }>(await srv!.api(`/admin/webhooks/${webhook.id}`))).webhook;
    expect(resumed.backlog).toBe(10); // the restart kept the cursor and the waiting events
    expect(platform.got.length).toBe(before);
    await sleep(Math.max(0, 30_000 - (Date.now() - downAt)));
    await platform.up();
    const upAt = Date.now();
    await until('all 15 after the outage', () => tasks.every((t) => platform.got.some((g) => g.subject === `task:${t}`)), 20_000);
    const caughtUpMs = Date.now() - upAt;
    await sleep(2500); // nothing more comes: no resend after a 2xx
    const taskEvents = platform.got.filter((g) => g.type === 'task.created' && tasks.includes(g.data.taskId as string));
    expect(taskEvents.map((g) => g.data.taskId)).toEqual(tasks);
    expectOnceInOrder(platform.got);
    const state = (await json<{ webhook: { attempts: number; backlog: number; deadLetters: number; deliveredCount: number } }>(await srv!.api(`/admin/webhooks/${webhook.id}`))).webhook;
    expect(state).toMatchObject({ attempts: 0, backlog: 0, deadLetters: 0, deliveredCount: platform.got.length });
    process.stdout.write(`[webhooks] outage ${((upAt - downAt) / 1000).toFixed(1)} s across a restart; ${platform.got.length} events once each; backlog of 10 delivered ${caughtUpMs} ms after the receiver came back\n`);

    // replay from the first outage event: the same ids again (receivers dedupe on them)
    const firstOutage = taskEvents[5]!;
    const n = platform.got.length;
    const replayed = await json<{ fromSeq: number }>(await srv!.api(`/admin/webhooks/${webhook.id}/replay?from=${firstOutage.seq}`, { method: 'POST' }));
    expect(replayed.fromSeq).toBe(firstOutage.seq);
    await until('the replay', () => platform.got.length >= n + 10, 20_000);
    expect(platform.got.slice(n, n + 10).map((g) => g.id)).toEqual(taskEvents.slice(5).map((g) => g.id));
    const audit = await json<{ records: Array<{ action: string }> }>(await srv!.api(`/audit?subject=webhook:${webhook.id}`, {}, 'auditor'));
    expect(audit.records.map((r) => r.action)).toEqual(['webhook.create', 'webhook.replay']);
  }, 150_000);

  it('a subscriber that never answers is dead-lettered after the bound without slowing a healthy one', async () => {
    const dataDir = srv!.dataDir;
    await srv!.stop(false);
    srv = await startServer(STRICT, { dataDir });
    hospital = new Receiver(await freePort(), SECRET_B);
    await hospital.up();
    await json(await post(srv!, '/admin/webhooks', { url: hospital.url, events: ['task.created'], secret: SECRET_B }, 'admin'));

    /** Creates tasks 300 ms apart; returns, per task, the time from the API's answer to its arrival at the hospital. */
    const paced = async (count: number): Promise<number[]> => {
      const sent: Array<{ id: string; at: number }> = [];
      for (let i = 0; i < count; i++) {
        const id = await unservedTask(srv!);
        sent.push({ id, at: Date.now() });
        await sleep(300);
      }
      await until('the hospital\'s events', () => sent.every((s) => hospital.got.some((g) => g.data.taskId === s.id)), 20_000);
      return sent.map((s) => hospital.got.find((g) => g.data.taskId === s.id)!.at - s.at);
    };
    const alone = await paced(8);

    gone = await blackHole();
    const { webhook: dead } = await json<{ webhook: { id: string } }>(await post(srv!, '/admin/webhooks', { url: gone.url, events: ['*'], secret: SECRET_A }, 'admin'));
    const beside = await paced(8);
    await until('the dead subscriber\'s dead letters', async () => {
      const w = (await json<{ webhook: { backlog: number; deadLetters: number } }>(await srv!.api(`/admin/webhooks/${dead.id}`))).webhook;
      return w.backlog === 0 && w.deadLetters === 8;
    }, 60_000);
    const detail = await json<{ deadLetters: Array<{ lastError: string; attempts: number }> }>(await srv!.api(`/admin/webhooks/${dead.id}`));
    expect(detail.deadLetters.every((d) => d.lastError === 'timeout' && d.attempts >= 1)).toBe(true);

    expectOnceInOrder(hospital.got);
    const p = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))]!;
    process.stdout.write(`[webhooks] healthy subscriber latency: alone p50 ${p(alone, 0.5)} ms max ${Math.max(...alone)} ms; beside a dead one p50 ${p(beside, 0.5)} ms max ${Math.max(...beside)} ms (its attempts time out after 2000 ms, 2 slots)\n`);
    // Behind the dead subscriber, each event would wait out at least one 2 s timeout.
    expect(Math.max(...beside)).toBeLessThan(2000);
  }, 120_000);
});
