import { freePort } from './support/ports';
import { type ServerProcess, startServer } from './support/server-process';

/**
 * The demo with both kinds of terminals (issue 12, item 4): `npm start`'s embedded server with some
 * simulated units connected over TCP to the embedded gateway as JT/T 808 terminals (provisioned at the
 * demo seed, registered, authenticated, a 0x0200 every second). Their fixes are stored like the MQTT
 * units'; a dispatched JT/T 808 unit acknowledges its 0x8300 order with 0x0001 and an MQTT unit with
 * its ack status, both recorded as 收到指令 from the terminal.
 */
describe('demo simulator with JT/T 808 and MQTT units (built server, embedded default)', () => {
  let srv: ServerProcess;
  const json = async (r: Response): Promise<any> => r.json();
  const units = async (): Promise<any[]> => (await json(await srv.api('/units'))).units;
  const track = async (id: string): Promise<number> => (await json(await srv.api(`/units/${id}/track?from=${Date.now() - 600_000}`))).properties.count;

  beforeAll(async () => {
    // every 2nd of 4 units: AMB-02 and AMB-04 speak JT/T 808
    srv = await startServer({ SIMULATOR: 'true', SIMULATOR_UNITS: '4', SIMULATOR_JT808_EVERY: '2', SIMULATOR_SPEEDUP: '20', JT808_PORT: String(await freePort()), ORDER_RETRY_S: '2' });
  });
  afterAll(async () => {
    await srv?.stop();
  });

  it('JT/T 808 demo units register, authenticate and report; their fixes are stored beside the MQTT units\'', async () => {
    const terminals = (await json(await srv.api('/admin/units/jt808'))).terminals;
    expect(terminals.filter((t: any) => t.revokedAt === null).map((t: any) => t.unitId).sort()).toEqual(['AMB-02', 'AMB-04']);
    await waitUntil(async () => (await units()).filter((u) => u.online && u.status === 'available_at_station').length === 4, 60_000);
    await waitUntil(async () => (await track('AMB-02')) >= 3 && (await track('AMB-01')) >= 3, 30_000);
    const registered = (await json(await srv.api('/admin/units/jt808'))).terminals.filter((t: any) => t.registeredAt !== null && t.revokedAt === null);
    expect(registered.map((t: any) => t.unitId).sort()).toEqual(['AMB-02', 'AMB-04']);
    // the gateway carried them: counted in its metrics, and said so in the log
    const metrics = await (await srv.api('/metrics')).text();
    expect(metrics).toMatch(/rc_jt808_connections(\{[^}]*\})? 2\b/);
    expect(srv.output()).toContain('simulated JT/T 808 terminal online');
    // nothing the demo sent was refused (whole-second JT/T 808 times included)
    expect(metrics.split('\n').filter((l) => l.startsWith('rc_ingest_rejected_total{') && !/ 0$/.test(l))).toEqual([]);
  });

  it('a dispatched JT/T 808 unit acknowledges its order with 0x0001, an MQTT unit with its ack: both order_received from the terminal', async () => {
    const ids: Record<string, string> = {};
    for (const unitId of ['AMB-02', 'AMB-01']) {
      const res = await srv.api('/tasks', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ unitId, location: { lat: 42.5078, lon: 1.5211 }, priority: 2 }) });
      expect(res.status).toBe(201);
      ids[unitId] = (await json(res)).id;
    }
    for (const [unitId, id] of Object.entries(ids)) {
      await waitUntil(async () => (await json(await srv.api(`/tasks/${id}`))).order?.state === 'acknowledged', 30_000);
      const task = await json(await srv.api(`/tasks/${id}`));
      expect(task.order).toMatchObject({ acknowledgedBy: 'terminal' });
      expect(task.events.filter((e: any) => e.toStatus === 'order_received').map((e: any) => e.source)).toEqual(['dispatcher', 'terminal']);
      // the crew then drives to it (statuses from the crew's tablet)
      await waitUntil(async () => (await json(await srv.api(`/tasks/${id}`))).events.some((e: any) => e.toStatus === 'en_route'), 60_000);
      const via = srv.output().split('\n').filter((l) => l.includes('received its dispatch order') && l.includes(unitId));
      expect(via.length).toBeGreaterThan(0);
      expect(JSON.parse(via[0]!).via).toBe(unitId === 'AMB-02' ? 'jt808' : 'mqtt');
    }
    expect((await json(await srv.api('/orders/undelivered'))).orders).toEqual([]);
    expect(await (await srv.api('/metrics')).text()).toMatch(/rc_jt808_orders_total\{event="acknowledged"\} 1\b/);
  });
});

async function waitUntil(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 250));
  }
}
