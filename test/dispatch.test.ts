import { loadGraph, route, snap } from '@rescue/routing';
import { scratchPostgres } from './support/databases';
import { ServerProcess, startServer } from './support/server-process';
import { connectTerminals, type Terminals } from './support/terminals';
import { describeNeeding, needPostgres } from './support/needs';

/** Units placed by hand in Andorra (WGS-84), far enough apart that their road ETAs differ clearly. */
const UNITS: Record<string, [number, number]> = {
  'D-ALV': [42.5063, 1.5218], // Andorra la Vella
  'D-ESC': [42.5096, 1.5387], // Escaldes-Engordany
  'D-SJL': [42.4636, 1.4913], // Sant Julià de Lòria
  'D-ENC': [42.5347, 1.5801], // Encamp
  'D-MAS': [42.5449, 1.5148], // La Massana
};
const INCIDENT = { lat: 42.5078, lon: 1.5211 };

async function json<T = any>(res: Response): Promise<T> {
  return (await res.json()) as T;
}

/** POST JSON as a dispatcher (the role these endpoints ask for). */
const post = (srv: ServerProcess, path: string, body: unknown) =>
  srv.api(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }, 'dispatcher');

/** Acts as the units' terminals: presence, a status and a fix each, over the server's MQTT broker. */
async function bringUnitsOnline(srv: ServerProcess, units: Record<string, [number, number]>): Promise<Terminals> {
  const c = await connectTerminals(srv, Object.keys(units));
  const now = Date.now();
  for (const [id, [lat, lon]] of Object.entries(units)) {
    await c.publishAsync(`ems/v1/units/${id}/presence`, 'online', { qos: 1, retain: true });
    await c.publishAsync(`ems/v1/units/${id}/status`, JSON.stringify({ ts: now - 60_000, status: 'available_at_station', source: 'terminal' }), { qos: 1 });
    await c.publishAsync(`ems/v1/units/${id}/position`, JSON.stringify({ ts: now - 1000, lat, lon, accuracyM: 5 }), { qos: 1 });
  }
  await waitForUnits(srv, Object.keys(units));
  return c;
}

async function waitForUnits(srv: ServerProcess, ids: string[]): Promise<void> {
  const until = Date.now() + 30_000;
  for (;;) {
    const { units } = await json<{ units: Array<{ unitId: string; status: string; lastFix: unknown; online: boolean }> }>(await srv.api(`/units`));
    const ready = units.filter((u) => ids.includes(u.unitId) && u.status === 'available_at_station' && u.lastFix && u.online);
    if (ready.length === ids.length) return;
    if (Date.now() > until) throw new Error(`units not ready: ${JSON.stringify(units)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** ≥ 50 concurrent assignments of one unit: the database lets exactly one win. */
async function assignmentRace(srv: ServerProcess, unitId: string): Promise<void> {
  const attempts = await Promise.all(
    Array.from({ length: 60 }, () => post(srv, '/tasks', { unitId, location: INCIDENT, priority: 1 }).then(async (r) => ({ status: r.status, body: await json(r) }))),
  );
  const won = attempts.filter((a) => a.status === 201);
  const lost = attempts.filter((a) => a.status === 409);
  expect(won).toHaveLength(1);
  expect(lost).toHaveLength(59);
  const winner = won[0]!.body.id as string;
  expect(lost.every((a) => a.body.code === 'UNIT_BUSY' && a.body.taskId === winner)).toBe(true);
  const task = await json(await srv.api(`/tasks/${winner}`));
  expect(task).toMatchObject({ unitId, state: 'active', events: [expect.objectContaining({ toStatus: 'order_received', source: 'dispatcher' })] });
}

describe('dispatch on the embedded server (aedes + PGlite)', () => {
  let srv: ServerProcess;
  let terminals: Terminals;
  beforeAll(async () => {
    srv = await startServer({ SIMULATOR: 'false' });
    terminals = await bringUnitsOnline(srv, UNITS);
  });
  afterAll(async () => {
    await terminals?.endAsync();
    await srv?.stop();
  });

  it('ranks units by road ETA exactly as an independent search from each unit does', async () => {
    const res = await post(srv, '/dispatch/recommendations', { location: INCIDENT, priority: 2, limit: 10 });
    expect(res.status).toBe(200);
    const rec = await json(res);
    // Independent check: a one-to-one route search per unit on the same shipped extract.
    const { graph } = loadGraph('data/osm/andorra.osm.pbf', { cacheDir: null });
    const target = snap(graph, INCIDENT.lat, INCIDENT.lon, { maxDistanceM: 500 });
    const eta = (lat: number, lon: number): number => {
      try {
        return route(graph, snap(graph, lat, lon, { maxDistanceM: 500 }), target).durationS;
      } catch {
        return Infinity; // UNREACHABLE: the unit must then be excluded as such
      }
    };
    const all = Object.entries(UNITS).map(([id, [lat, lon]]) => ({ id, eta: eta(lat, lon) }));
    const brute = all.filter((b) => Number.isFinite(b.eta)).sort((a, b) => a.eta - b.eta);
    const unreachable = all.filter((b) => !Number.isFinite(b.eta)).map((b) => b.id);
    expect(brute.length).toBeGreaterThanOrEqual(3);
    expect(rec.candidates.map((c: { unitId: string }) => c.unitId)).toEqual(brute.map((b) => b.id));
    for (const c of rec.candidates) {
      const b = brute.find((x) => x.id === c.unitId)!;
      expect(Math.abs(c.etaS - b.eta) / b.eta).toBeLessThan(1e-6);
      expect(c.route.type).toBe('LineString');
      expect(c.roadDistanceM).toBeGreaterThanOrEqual(c.straightDistanceM * 0.99);
    }
    expect(rec.excluded).toEqual(unreachable.map((unitId) => expect.objectContaining({ unitId, reason: 'unreachable' })));
  });

  it('a GCJ-02 incident is converted before routing; a point off the road network gets 422', async () => {
    const gcj = await json(await post(srv, '/dispatch/recommendations', { location: { lat: 42.5078, lon: 1.5211, crs: 'GCJ02' }, limit: 1 }));
    expect(gcj.incident).toEqual(expect.objectContaining({ lat: 42.5078, lon: 1.5211 })); // outside China: GCJ-02 is WGS-84
    const far = await post(srv, '/dispatch/recommendations', { location: { lat: 42.0, lon: 1.0 } });
    expect(far.status).toBe(422);
    expect((await json(far)).code).toBe('INCIDENT_NOT_ROUTABLE');
    const bad = await post(srv, '/dispatch/recommendations', { location: { lat: 91, lon: 1 }, extra: 1 });
    expect(bad.status).toBe(400);
  });

  it('of 60 concurrent assignments of one unit exactly one wins; the others get 409 naming its task', async () => {
    await assignmentRace(srv, 'D-MAS');
    const rec = await json(await post(srv, '/dispatch/recommendations', { location: INCIDENT, limit: 10 }));
    expect(rec.candidates.map((c: { unitId: string }) => c.unitId)).not.toContain('D-MAS');
    expect(rec.excluded).toContainEqual(expect.objectContaining({ unitId: 'D-MAS', reason: 'busy' }));
  });

  it('walks a task through its lifecycle; indicators equal the hand computation', async () => {
    const from = new Date(Date.now() - 3600_000).toISOString();
    const callTaken = Date.now() - 100_000;
    // Task A on D-ALV: departs 95 s after the order, on scene 400 s after departing.
    const a = await json(await post(srv, '/tasks', { unitId: 'D-ALV', location: INCIDENT, priority: 1, callTakenAt: new Date(callTaken).toISOString() }));
    const o = a.orderReceivedAt as number;
    const step = async (taskId: string, status: string, ts: number, reason?: string) => {
      const r = await post(srv, `/tasks/${taskId}/events`, { status, ts: new Date(ts).toISOString(), ...(reason ? { reason } : {}) });
      return { status: r.status, body: await json(r) };
    };
    expect((await step(a.id, 'on_scene', o + 10_000)).body.code).toBe('ILLEGAL_TRANSITION'); // cannot skip en route
    // The terminal reports departure over MQTT, as a vehicle would (within the clock-skew tolerance).
    await terminals.publishAsync('ems/v1/units/D-ALV/status', JSON.stringify({ ts: o + 95_000, status: 'en_route', taskId: a.id, source: 'terminal' }), { qos: 1 });
    await waitFor(async () => (await json(await srv.api(`/tasks/${a.id}`))).departedAt !== null);
    expect((await step(a.id, 'on_scene', o + 495_000)).status).toBe(200);
    expect((await step(a.id, 'patient_loaded', o + 795_000)).status).toBe(200);
    expect((await step(a.id, 'at_hospital', o + 1_395_000)).status).toBe(200);
    expect((await step(a.id, 'task_complete', o + 1_500_000)).status).toBe(200);
    expect((await step(a.id, 'en_route', o + 1_600_000)).body.code).toBe('TASK_ENDED');
    const done = await json(await srv.api(`/tasks/${a.id}`));
    expect(done.state).toBe('completed');
    expect(done.events.map((e: { toStatus: string; source: string }) => `${e.toStatus}/${e.source}`)).toEqual([
      'order_received/dispatcher', 'en_route/terminal', 'on_scene/dispatcher', 'patient_loaded/dispatcher', 'at_hospital/dispatcher', 'task_complete/dispatcher',
    ]);
    expect(done.events.every((e: { fix: unknown }) => e.fix !== null)).toBe(true);

    // Task B on D-ESC departs late (200 s) and is aborted en route; a third request found no unit.
    const b = await json(await post(srv, '/tasks', { unitId: 'D-ESC', location: INCIDENT, priority: 2, callTakenAt: new Date(callTaken).toISOString() }));
    const ob = b.orderReceivedAt as number;
    expect((await step(b.id, 'en_route', ob + 200_000)).status).toBe(200);
    expect((await step(b.id, 'aborted', ob + 260_000)).status).toBe(400); // needs a reason
    expect((await step(b.id, 'aborted', ob + 260_000, 'cancelled by caller')).status).toBe(200);
    await post(srv, '/tasks', { location: INCIDENT, callTakenAt: new Date(callTaken).toISOString() });

    const to = new Date(Date.now() + 1000).toISOString();
    const ind = await json(await srv.api(`/indicators?from=${from}&to=${to}`));
    const o1 = ind.overall;
    // By hand: departures 95 s (≤180) and 200 s (>180) → 1 of 2; response = on scene − call taken for A only.
    expect(o1.departure3min).toMatchObject({ n: 2, within: 1, rate: 0.5 });
    expect(o1.departure3min.missing).toHaveLength(1); // the race winner of the previous test never departed
    expect(o1.responseTime.n).toBe(1);
    expect(o1.responseTime.meanS).toBeCloseTo((o + 495_000 - callTaken) / 1000, 3);
    expect(o1.roadTime.meanS).toBeCloseTo(400, 3);
    expect(o1.onSceneTime.meanS).toBeCloseTo(300, 3);
    expect(o1.onCallTime.meanS).toBeCloseTo(1300, 3);
    expect(o1.responseTime.missing).toContain(b.id); // never on scene: counted and listed, not dropped
    // Requests: A, B, the unserved one, and the race winner of the previous test (all emergencies).
    expect(o1.demandSatisfaction.dispatched).toBe(o1.demandSatisfaction.requests - 1);
    const csv = await (await srv.api(`/indicators?from=${from}&to=${to}&format=csv`)).text();
    expect(csv.split('\n')[1]).toMatch(/^overall,/);
    // Grouped: per unit, per day (Beijing) and per dispatcher; each group's tasks add up to the whole.
    for (const by of ['unit', 'day', 'dispatcher', 'station']) {
      const g = await json(await srv.api(`/indicators?from=${from}&to=${to}&by=${by}`));
      expect(g.by).toBe(by);
      expect(g.overall.tasks).toBe(o1.tasks);
      expect(Object.values(g.groups as Record<string, { tasks: number }>).reduce((s, x) => s + x.tasks, 0)).toBe(o1.tasks);
      if (by === 'day') for (const k of Object.keys(g.groups)) expect(k).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      if (by === 'station') expect(Array.isArray(g.ranking)).toBe(true);
    }
    const perUnit = await json(await srv.api(`/indicators?from=${from}&to=${to}&by=unit`));
    expect(perUnit.groups['D-ALV'].departure3min).toMatchObject({ n: 1, within: 1 }); // A departed in 95 s
    expect((await srv.api(`/indicators?from=${from}&to=${to}&by=shift`)).status).toBe(400);
    expect((await (await srv.api(`/indicators?from=${from}&to=${to}&by=day&format=csv`)).text()).split('\n')[1]).toMatch(/^overall,/);
  });
});

async function waitFor(check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describeNeeding(needPostgres())('dispatch on the real PostgreSQL', () => {
  let srv: ServerProcess;
  let terminals: Terminals;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    const db = await scratchPostgres('rc_dispatch');
    drop = db.drop;
    srv = await startServer({ SIMULATOR: 'false', DATABASE_URL: db.target.databaseUrl! });
    terminals = await bringUnitsOnline(srv, { 'D-ALV': UNITS['D-ALV']! });
  });
  afterAll(async () => {
    await terminals?.endAsync();
    await srv?.stop();
    await drop?.();
  });

  it('of 60 concurrent assignments of one unit exactly one wins; the others get 409 naming its task', async () => {
    await assignmentRace(srv, 'D-ALV');
  });
});
