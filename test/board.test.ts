import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { haversineM } from '@rescue/common';
import { type ServerProcess, startServer } from './support/server-process';
import { connectTerminals, type Terminals } from './support/terminals';

/**
 * Calls, the task board and the receiving hospital (issue 14) on the embedded server (aedes + PGlite),
 * with hand-driven terminals in Andorra: calls in any datum with their dispatcher and time, the waiting
 * order, several units for one call, an unserved call, live ETAs and timers, the hospital ranking and
 * the hospital role that sees only its own task.
 */
const UNITS: Record<string, [number, number]> = {
  'B-ALV': [42.5063, 1.5218],
  'B-ESC': [42.5096, 1.5387],
  'B-SJL': [42.4636, 1.4913],
};
const SCENE = { lat: 42.5078, lon: 1.5211 };
/**
 * The scene as Baidu would show it: outside China GCJ-02 is WGS-84 unshifted, but BD-09's own offset
 * (about +0.006°, +0.0065°) applies everywhere; 6 decimals, as pasted.
 */
const SCENE_BD09 = { lat: 42.513818, lon: 1.527658 };
const HOSPITALS_CSV = [
  '医院编号,医院名称,救治中心,纬度,经度',
  'H-A,Hospital A,胸痛中心、卒中中心,42.5116,1.534',
  'H-B,Hospital B,创伤中心,42.4636,1.4913',
  'H-C,Hospital C,胸痛中心,42.5449,1.5148',
].join('\n');

const json = async <T = any>(res: Response): Promise<T> => (await res.json()) as T;

describe('calls, task board and receiving hospital (embedded)', () => {
  let srv: ServerProcess;
  let terminals: Terminals;
  /** A real webhook receiver on 127.0.0.1: the events the board sends out. */
  let receiver: Server;
  const received: any[] = [];
  const receivedOf = async (pred: (e: any) => boolean) => {
    for (const until = Date.now() + 20_000; Date.now() < until; await new Promise((r) => setTimeout(r, 100))) {
      const e = received.find(pred);
      if (e) return e;
    }
    throw new Error(`no such event: ${JSON.stringify(received.map((e) => e.type))}`);
  };
  const send = (path: string, body: unknown, method = 'POST', role: 'dispatcher' | 'admin' | 'hospital' | 'viewer' = 'dispatcher') =>
    srv.api(path, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }, role);

  beforeAll(async () => {
    srv = await startServer({ SIMULATOR: 'false' });
    terminals = await connectTerminals(srv, Object.keys(UNITS));
    const now = Date.now();
    for (const [id, [lat, lon]] of Object.entries(UNITS)) {
      await terminals.publishAsync(`ems/v1/units/${id}/presence`, 'online', { qos: 1, retain: true });
      await terminals.publishAsync(`ems/v1/units/${id}/status`, JSON.stringify({ ts: now - 60_000, status: 'available_at_station', source: 'terminal' }), { qos: 1 });
      await terminals.publishAsync(`ems/v1/units/${id}/position`, JSON.stringify({ ts: now - 1000, lat, lon, accuracyM: 5 }), { qos: 1 });
    }
    for (let until = Date.now() + 30_000; ; ) {
      const { units } = await json(await srv.api('/units'));
      if (units.filter((u: any) => u.status === 'available_at_station' && u.lastFix && u.online).length === 3) break;
      if (Date.now() > until) throw new Error('units not ready');
      await new Promise((r) => setTimeout(r, 100));
    }
    const imp = await srv.api('/admin/import/hospitals?format=csv', { method: 'POST', body: HOSPITALS_CSV });
    expect(imp.status).toBe(200);
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        received.push(JSON.parse(body));
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
    const hook = await send('/admin/webhooks', {
      url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/events`, events: ['task.created', 'task.hospital_assigned'], secret: 'board-test-secret-0123456789abcdef',
    }, 'POST', 'admin');
    expect(hook.status).toBe(201);
  });

  afterAll(async () => {
    await terminals?.endAsync();
    await srv?.stop();
    await new Promise((r) => receiver?.close(r));
  });

  let callBd09: any;
  let callLow: any;
  let callOld: any;

  it('takes calls in BD-09 (stored WGS-84) with the dispatcher and the answer time, and orders the waiting ones by priority, then waiting time', async () => {
    const t0 = Date.now();
    const a = await send('/calls', { location: { ...SCENE_BD09, crs: 'BD09' }, address: 'Plaça del Poble', priority: 1, chiefComplaint: '胸痛 30 分钟' });
    expect(a.status).toBe(201);
    callBd09 = await json(a);
    expect(haversineM(callBd09.location.lat, callBd09.location.lon, SCENE.lat, SCENE.lon)).toBeLessThan(5);
    expect(callBd09.location).toMatchObject({ crs: 'BD09', inputLat: SCENE_BD09.lat, inputLon: SCENE_BD09.lon });
    expect(callBd09.dispatcher).toBe('key:test-dispatcher');
    expect(callBd09.answeredAt).toBeGreaterThanOrEqual(t0 - 1000);
    const answeredMs = Date.now() - 10 * 60_000;
    const answeredAt = new Date(answeredMs).toISOString();
    callLow = await json(await send('/calls', { location: { lat: 42.46, lon: 1.49 }, priority: 3, answeredAt, ringAt: new Date(answeredMs - 8000).toISOString() }));
    callOld = await json(await send('/calls', { location: { lat: 42.51, lon: 1.53 }, priority: 1, answeredAt }));
    expect(callLow.ringAt).toBe(Date.parse(answeredAt) - 8000);
    const board = await json(await srv.api('/board'));
    // priority 1 first (the older of the two first), then priority 3 however long it waited
    expect(board.pendingCalls.map((c: any) => c.id)).toEqual([callOld.id, callBd09.id, callLow.id]);
    expect(board.pendingCalls[0].waitingS).toBeGreaterThanOrEqual(599);
    // refused: a ring after the answer, a viewer taking a call
    expect((await send('/calls', { location: SCENE, ringAt: new Date(Date.now() + 5000).toISOString(), answeredAt: new Date().toISOString() })).status).toBe(400);
    expect((await send('/calls', { location: SCENE }, 'POST', 'viewer')).status).toBe(403);
  });

  let task1: any;
  it('sends units for a call (two for one incident), each task carrying the call time and the dispatcher, with live ETA and clocks on the board', async () => {
    const r = await send(`/calls/${callBd09.id}/tasks`, { unitId: 'B-ALV' });
    expect(r.status).toBe(201);
    task1 = await json(r);
    expect(task1).toMatchObject({ callId: callBd09.id, callTakenAt: callBd09.answeredAt, dispatcher: 'key:test-dispatcher', unitId: 'B-ALV', priority: 1 });
    const second = await send(`/calls/${callBd09.id}/tasks`, { unitId: 'B-ESC' });
    expect(second.status).toBe(201);
    const call = await json(await srv.api(`/calls/${callBd09.id}`));
    expect(call.state).toBe('dispatched');
    expect(call.taskIds).toHaveLength(2);
    const board = await json(await srv.api('/board'));
    expect(board.pendingCalls.map((c: any) => c.id)).toEqual([callOld.id, callLow.id]);
    const t = board.activeTasks.find((x: any) => x.taskId === task1.id);
    expect(t.unit.status).toBe('order_received');
    expect(t.leg).toBe('to_scene');
    expect(t.etaToSceneS).toBeGreaterThan(0);
    expect(t.etaToSceneS).toBeLessThan(600);
    expect(t.timers.callToDispatchS).toBeGreaterThanOrEqual(0);
    expect(t.timers.departed).toBe(false);
    expect(t.alerts).toEqual([]);
    expect(t.chiefComplaint).toBe('胸痛 30 分钟');
  });

  it('closes a waiting call without a unit with its reason (an unserved request), and refuses to close one a unit was sent for', async () => {
    expect((await send(`/calls/${callLow.id}/close`, {})).status).toBe(400);
    const r = await send(`/calls/${callLow.id}/close`, { reason: '无车可派' });
    expect(r.status).toBe(200);
    expect(await json(r)).toMatchObject({ state: 'unserved', closeReason: '无车可派' });
    const call = await json(await srv.api(`/calls/${callLow.id}`));
    expect(call.taskIds).toHaveLength(1);
    const unserved = await json(await srv.api(`/tasks/${call.taskIds[0]}`));
    expect(unserved).toMatchObject({ state: 'unserved', unitId: null, outcomeReason: '无车可派', callTakenAt: callLow.answeredAt });
    const again = await send(`/calls/${callBd09.id}/close`, { reason: 'x' });
    expect(again.status).toBe(409);
    expect((await json(again)).code).toBe('CALL_NOT_PENDING');
    expect((await send(`/calls/${callLow.id}/tasks`, { unitId: 'B-SJL' })).status).toBe(409);
    // out by webhook: the request that went unserved
    const created = await receivedOf((e) => e.type === 'task.created' && e.data.taskId === call.taskIds[0]);
    expect(created.data).toMatchObject({ state: 'unserved', unitId: null, priority: 3 });
  });

  it('ranks receiving hospitals by road time from the scene with the centre filter, and stores the choice on the task', async () => {
    const all = await json(await srv.api(`/board/hospitals?lat=${SCENE.lat}&lon=${SCENE.lon}`));
    expect(all.hospitals.map((h: any) => h.id).sort()).toEqual(['H-A', 'H-B', 'H-C']);
    expect(all.hospitals[0].id).toBe('H-A'); // 1.4 km away, the others 6-8 km
    const etas = all.hospitals.map((h: any) => h.etaS);
    expect([...etas].sort((x: number, y: number) => x - y)).toEqual(etas);
    const chest = await json(await srv.api(`/board/hospitals?lat=${SCENE.lat}&lon=${SCENE.lon}&capabilities=chest-pain`));
    expect(chest.hospitals.map((h: any) => h.id)).toEqual(['H-A', 'H-C']);
    expect(chest.excluded).toEqual([{ id: 'H-B', name: 'Hospital B', reason: 'lacking_capability', missing: ['chest-pain'] }]);
    expect((await srv.api(`/board/hospitals?lat=${SCENE.lat}&lon=${SCENE.lon}&capabilities=cardiac`)).status).toBe(400);
    const r = await send(`/tasks/${task1.id}/hospital`, { hospitalId: 'H-C' }, 'PUT');
    expect(r.status).toBe(200);
    expect((await json(await srv.api(`/tasks/${task1.id}`))).hospitalId).toBe('H-C');
    const out = await receivedOf((e) => e.type === 'task.hospital_assigned');
    expect(out).toMatchObject({ subject: `task:${task1.id}`, data: { taskId: task1.id, unitId: 'B-ALV', hospitalId: 'H-C', hospitalName: 'Hospital C', previousHospitalId: null } });
    expect(out.data.etaS).toBeGreaterThan(0); // from the unit's live position, as the schema says
    expect(Date.parse(out.data.ts)).toBeGreaterThan(0);
    expect((await send(`/tasks/${task1.id}/hospital`, { hospitalId: 'H-NONE' }, 'PUT')).status).toBe(404);
  });

  it('gives a hospital key only its own task, with a live ETA, and nothing of the centre', async () => {
    const before = await srv.api('/hospital/notices', {}, 'hospital');
    expect(before.status).toBe(403);
    expect((await json(before)).code).toBe('NO_HOSPITAL_ACCESS');
    expect((await send('/admin/hospital-access/key:test-hospital', { hospitalId: 'H-C' }, 'PUT', 'admin')).status).toBe(200);
    const { hospitalId, notices } = await json(await srv.api('/hospital/notices', {}, 'hospital'));
    expect(hospitalId).toBe('H-C');
    expect(notices.map((n: any) => n.taskId)).toEqual([task1.id]);
    expect(notices[0]).toMatchObject({ unitId: 'B-ALV', priority: 1, chiefComplaint: '胸痛 30 分钟', etaToHospitalViaScene: true });
    expect(notices[0].etaToHospitalS).toBeGreaterThan(0);
    expect(notices[0]).not.toHaveProperty('address');
    for (const path of ['/board', '/units', `/tasks/${task1.id}`, `/calls/${callBd09.id}`, '/registry/hospitals']) {
      expect([path, (await srv.api(path, {}, 'hospital')).status]).toEqual([path, 403]);
    }
    expect((await srv.api('/console/roads', {}, 'hospital')).status).toBe(200);
  });

  it('moves the task on from the board; the live stream follows; aborting needs a reason; the call closes with its last task', async () => {
    const ctrl = new AbortController();
    const res = await fetch(`${srv.url}/board/stream?access_token=${srv.apiKeys.viewer}`, { signal: ctrl.signal });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    try {
    let text = '';
    const until = async (pred: (boards: any[]) => boolean) => {
      const deadline = Date.now() + 20_000;
      for (;;) {
        const boards = [...text.matchAll(/event: board\n(?:id: .*\n)?data: (.*)\n/g)].map((m) => JSON.parse(m[1]!));
        if (pred(boards)) return boards;
        if (Date.now() > deadline) throw new Error(`no such board event: ${text.slice(-500)}`);
        const { value } = await reader.read();
        text += new TextDecoder().decode(value);
      }
    };
    await until((b) => b.length >= 1);
    expect((await send(`/tasks/${task1.id}/events`, { status: 'en_route' })).status).toBe(200);
    await until((b) => b.some((x) => x.activeTasks.some((t: any) => t.taskId === task1.id && t.unit.status === 'en_route' && t.timers.departed)));
    const tasks = (await json(await srv.api(`/calls/${callBd09.id}`))).taskIds as string[];
    const other = tasks.find((id) => id !== task1.id)!;
    expect((await send(`/tasks/${other}/events`, { status: 'aborted' })).status).toBe(400);
    expect((await send(`/tasks/${other}/events`, { status: 'aborted', reason: '患者自行就医' })).status).toBe(200);
    expect(await json(await srv.api(`/tasks/${other}`))).toMatchObject({ state: 'void', outcome: 'aborted', outcomeReason: '患者自行就医' });
    expect((await json(await srv.api(`/calls/${callBd09.id}`))).state).toBe('dispatched');
    for (const s of ['on_scene', 'patient_loaded', 'at_hospital', 'task_complete']) {
      expect([s, (await send(`/tasks/${task1.id}/events`, { status: s })).status]).toEqual([s, 200]);
    }
    expect((await json(await srv.api(`/calls/${callBd09.id}`))).state).toBe('closed');
    await until((b) => !b[b.length - 1].activeTasks.some((t: any) => t.callId === callBd09.id));
    } finally {
      ctrl.abort();
    }
    // the hospital's task ended: its notice is gone
    expect((await json(await srv.api('/hospital/notices', {}, 'hospital'))).notices).toEqual([]);
  });
});
