import { connectAsync, type MqttClient } from 'mqtt';
import type { CommandPayload } from '@rescue/contracts';
import { JT808_MSG } from '@rescue/telemetry';
import { Jt808TerminalClient } from '../apps/server/src/simulator/jt808-terminal-client';
import { freePort } from './support/ports';
import { type ServerProcess, startServer } from './support/server-process';

/**
 * Orders down, end to end through the built server in its embedded default: POST /tasks → the order on
 * the unit's own protocol (0x8300 GBK text on JT/T 808, `ems/v1/units/{id}/commands` on MQTT) → the
 * terminal's acknowledgement → 收到指令 recorded on the task with the terminal's time and source, and the
 * order shown undelivered (and resent) until then.
 */
describe('dispatch orders down to the vehicle (built server, embedded default)', () => {
  let srv: ServerProcess;
  let jt808Port: number;
  const mqtt: MqttClient[] = [];
  const jt: Jt808TerminalClient[] = [];
  const INCIDENT = { lat: 42.5078, lon: 1.5211 };

  const json = async (r: Response): Promise<any> => r.json();
  const post = (path: string, body: unknown) => srv.api(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  /** MQTT credentials and an available status, so the unit can be assigned. */
  const mqttUnit = async (unitId: string): Promise<MqttClient> => {
    const { password } = await json(await srv.api(`/admin/units/${unitId}/credentials`, { method: 'POST' }));
    const c = await connectAsync(srv.mqttUrl, { clientId: unitId, username: unitId, password, clean: true });
    mqtt.push(c);
    await c.publishAsync(`ems/v1/units/${unitId}/status`, JSON.stringify({ ts: Date.now() - 5000, status: 'available_at_station', source: 'terminal' }), { qos: 1 });
    await waitUntil(async () => (await json(await srv.api('/units'))).units?.some((u: any) => u.unitId === unitId && u.status === 'available_at_station'));
    return c;
  };
  const jt808Unit = async (unitId: string, phone: string, connect = true): Promise<Jt808TerminalClient> => {
    const r = await srv.api(`/admin/units/${unitId}/jt808`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ phone }) });
    expect(r.status).toBe(200);
    const t = new Jt808TerminalClient(phone);
    jt.push(t);
    if (connect) await online(t);
    return t;
  };
  const online = async (t: Jt808TerminalClient, code?: string): Promise<string> => {
    await t.connect('127.0.0.1', jt808Port);
    const authCode = code ?? (await t.register()).authCode!;
    expect(await t.authenticate(authCode)).toBe(0);
    return authCode;
  };
  const task = async (id: string): Promise<any> => json(await srv.api(`/tasks/${id}`));

  beforeAll(async () => {
    jt808Port = await freePort();
    srv = await startServer({ SIMULATOR: 'false', JT808_PORT: String(jt808Port), ORDER_RETRY_S: '1' });
  });
  afterAll(async () => {
    for (const t of jt) t.destroy();
    await Promise.all(mqtt.map((c) => c.endAsync()));
    await srv?.stop();
  });

  it('JT/T 808: 0x8300 in GBK with priority, place and task id; its 0x0001 records order_received (source terminal)', async () => {
    await mqttUnit('JT-ORD');
    const t = await jt808Unit('JT-ORD', '013700000001');
    const order = t.waitFor((m) => m.header.msgId === JT808_MSG.textMessage, 15_000);
    const res = await post('/tasks', { unitId: 'JT-ORD', location: INCIDENT, priority: 1 });
    expect(res.status).toBe(201);
    const { id } = await json(res);
    const m = await order;
    const text = new TextDecoder('gbk').decode((m.body as { bytes: Uint8Array }).bytes.subarray(1));
    expect(text).toContain('【120调度】');
    expect(text).toContain('优先级一级');
    expect(text).toContain(`任务号：${id}`);
    expect(text).toContain('42.50780,1.52110');
    expect((m.body as { bytes: Uint8Array }).bytes[0]! & 0x01).toBe(1); // emergency flag
    expect((await task(id)).order).toMatchObject({ state: 'undelivered', acknowledgedAt: null });
    const ackAt = Date.now();
    t.answer(m, 0);
    await waitUntil(async () => (await task(id)).order?.state === 'acknowledged');
    const after = await task(id);
    expect(after.order.acknowledgedBy).toBe('terminal');
    expect(Date.parse(after.order.acknowledgedAt)).toBeGreaterThanOrEqual(ackAt - 1000);
    const ack = after.events.filter((e: any) => e.toStatus === 'order_received');
    expect(ack.map((e: any) => e.source)).toEqual(['dispatcher', 'terminal']);
    expect(after.unitId).toBe('JT-ORD');
  });

  it('MQTT: the unit reads its own command topic (QoS 1) and acknowledges with an order_received status', async () => {
    const c = await mqttUnit('MQ-ORD');
    const got = new Promise<CommandPayload>((resolve) => c.on('message', (_t, p) => resolve(JSON.parse(p.toString()) as CommandPayload)));
    await c.subscribeAsync('ems/v1/units/MQ-ORD/commands', { qos: 1 });
    const { id } = await json(await post('/tasks', { unitId: 'MQ-ORD', location: INCIDENT, priority: 2, emergency: false }));
    const cmd = await got;
    expect(cmd).toMatchObject({ type: 'dispatch_order', taskId: id, priority: 2, emergency: false, lat: INCIDENT.lat, lon: INCIDENT.lon });
    expect(cmd.text).toContain('优先级二级');
    // a unit may not read another unit's orders
    await expect(c.subscribeAsync('ems/v1/units/JT-ORD/commands', { qos: 1 })).rejects.toThrow(/Subscribe error/); // SUBACK 0x80
    await c.publishAsync('ems/v1/units/MQ-ORD/status', JSON.stringify({ ts: Date.now(), status: 'order_received', taskId: id, source: 'terminal' }), { qos: 1 });
    await waitUntil(async () => (await task(id)).order?.state === 'acknowledged');
  });

  it('a unit whose terminal is off: the order is shown undelivered and resent until it reconnects and acknowledges', async () => {
    await mqttUnit('JT-LATE');
    const t = await jt808Unit('JT-LATE', '013700000002', false);
    // register now (to learn its code), then go away before the assignment
    await t.connect('127.0.0.1', jt808Port);
    const code = (await t.register()).authCode!;
    t.destroy();
    await t.closed;
    const { id } = await json(await post('/tasks', { unitId: 'JT-LATE', location: INCIDENT, priority: 1 }));
    await waitUntil(async () => (await task(id)).order?.attempts >= 2); // resent while nobody listens
    const undelivered = await json(await srv.api('/orders/undelivered'));
    expect(undelivered.orders.map((o: any) => o.taskId)).toContain(id);
    const back = new Jt808TerminalClient('013700000002');
    jt.push(back);
    const order = back.waitFor((m) => m.header.msgId === JT808_MSG.textMessage, 15_000);
    await online(back, code);
    back.answer(await order, 0);
    await waitUntil(async () => (await task(id)).order?.state === 'acknowledged');
    expect((await json(await srv.api('/orders/undelivered'))).orders.map((o: any) => o.taskId)).not.toContain(id);
  });
});

async function waitUntil(check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
}
