import type { DataSource } from 'typeorm';
import { AuditRepository, closeDatabase, openDatabase } from '@rescue/persistence';
import { scratchPglite, scratchPostgres } from './support/databases';
import { type ServerProcess, startServer } from './support/server-process';
import { connectTerminals, type Terminals } from './support/terminals';
import { describeNeeding, needPostgres } from './support/needs';

/** audit_log refuses to be rewritten by the database itself, on either engine. */
function appendOnlyContract(open: () => Promise<{ ds: DataSource; done: () => Promise<void> }>) {
  let ds: DataSource;
  let done: () => Promise<void>;
  beforeAll(async () => ({ ds, done } = await open()));
  afterAll(async () => done());

  it('appends and reads back, latest first then oldest first, filtered and bounded', async () => {
    const audit = new AuditRepository(ds);
    for (let i = 0; i < 5; i++) await audit.append({ actor: i % 2 ? 'key:a' : 'unit:U1', action: 'task.event', subject: 'task:T-1', detail: { i } });
    await audit.append({ actor: 'key:a', action: 'task.create', subject: 'task:T-2' });
    const t1 = await audit.list({ subject: 'task:T-1', limit: 3 });
    expect(t1.map((r) => r.detail['i'])).toEqual([2, 3, 4]);
    expect((await audit.list({ subject: 'task:T-1', beforeId: t1[0]!.id, limit: 10 })).map((r) => r.detail['i'])).toEqual([0, 1]);
    expect((await audit.list({ actor: 'key:a', limit: 10 })).map((r) => r.subject)).toEqual(['task:T-1', 'task:T-1', 'task:T-2']);
    expect((await audit.list({ limit: 10 ** 9 })).length).toBe(6);
    expect(t1.every((r) => Number.isFinite(r.at) && Math.abs(r.at - Date.now()) < 60_000)).toBe(true);
  });

  it('joins the caller\'s transaction: a rolled-back change leaves no record', async () => {
    const audit = new AuditRepository(ds);
    const before = (await audit.list({ subject: 'task:T-rolled-back', limit: 10 })).length;
    await expect(ds.transaction(async (m) => {
      await audit.append({ actor: 'key:a', action: 'task.create', subject: 'task:T-rolled-back' }, m);
      throw new Error('the change failed');
    })).rejects.toThrow('the change failed');
    expect((await audit.list({ subject: 'task:T-rolled-back', limit: 10 })).length).toBe(before);
  });

  it.each([
    ['UPDATE', `UPDATE audit_log SET actor = 'someone-else'`],
    ['DELETE', `DELETE FROM audit_log`],
    ['DELETE', `DELETE FROM audit_log WHERE subject = 'task:T-2'`],
    ['TRUNCATE', `TRUNCATE audit_log`],
  ])('refuses %s: %s', async (op, sql) => {
    const before = await ds.query(`SELECT id, actor, subject FROM audit_log ORDER BY id`);
    expect(before.length).toBeGreaterThan(0);
    await expect(ds.query(sql)).rejects.toThrow(new RegExp(`audit_log is append-only: ${op} refused`));
    expect(await ds.query(`SELECT id, actor, subject FROM audit_log ORDER BY id`)).toEqual(before);
  });
}

describe('audit_log on embedded PGlite', () => {
  appendOnlyContract(async () => {
    const scratch = scratchPglite();
    const { dataSource } = await openDatabase(scratch.target);
    return { ds: dataSource, done: async () => { await closeDatabase(dataSource); scratch.remove(); } };
  });
});

describeNeeding(needPostgres())('audit_log on the real PostgreSQL', () => {
  appendOnlyContract(async () => {
    const scratch = await scratchPostgres('rc_audit');
    const { dataSource } = await openDatabase(scratch.target);
    return { ds: dataSource, done: async () => { await closeDatabase(dataSource); await scratch.drop(); } };
  });
});

interface AuditJson {
  id: number;
  at: string;
  actor: string;
  action: string;
  subject: string;
  detail: { from?: string | null; to?: string; source?: string; reason?: string | null; unitId?: string };
}

async function waitFor<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('audit trail of a full task lifecycle (built server, embedded stack)', () => {
  let srv: ServerProcess;
  let terminal: Terminals;
  const UNIT = 'AU-01';
  const INCIDENT = { lat: 42.5078, lon: 1.5211 };

  beforeAll(async () => {
    srv = await startServer({ SIMULATOR: 'false' });
    terminal = await connectTerminals(srv, [UNIT]);
    const now = Date.now();
    await terminal.publishAsync(`ems/v1/units/${UNIT}/presence`, 'online', { qos: 1, retain: true });
    await terminal.publishAsync(`ems/v1/units/${UNIT}/status`, JSON.stringify({ ts: now - 60_000, status: 'available_at_station', source: 'terminal' }), { qos: 1 });
    await terminal.publishAsync(`ems/v1/units/${UNIT}/position`, JSON.stringify({ ts: now - 1000, lat: 42.5063, lon: 1.5218, accuracyM: 5 }), { qos: 1 });
    await waitFor('the unit available with a fix', async () => {
      const { units } = (await (await srv.api('/units')).json()) as { units: Array<{ unitId: string; status: string; lastFix: unknown }> };
      return units.find((u) => u.unitId === UNIT && u.status === 'available_at_station' && u.lastFix);
    });
  });
  afterAll(async () => {
    await terminal?.endAsync();
    await srv?.stop();
  });

  it('records create+assign and every event with who and when, in order, read back from GET /audit', async () => {
    const post = (path: string, body: unknown) =>
      srv.api(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }, 'dispatcher');
    const created = await post('/tasks', { unitId: UNIT, location: INCIDENT, priority: 1 });
    expect(created.status).toBe(201);
    const task = (await created.json()) as { id: string; orderReceivedAt: number };
    const o = task.orderReceivedAt;
    const event = async (status: string, ts: number) => expect((await post(`/tasks/${task.id}/events`, { status, ts: new Date(ts).toISOString() })).status).toBe(200);
    const report = async (status: string, ts: number) => {
      await terminal.publishAsync(`ems/v1/units/${UNIT}/status`, JSON.stringify({ ts, status, taskId: task.id, source: 'terminal' }), { qos: 1 });
      await waitFor(`${status} applied`, async () => {
        const t = (await (await srv.api(`/tasks/${task.id}`)).json()) as { events: Array<{ toStatus: string }> };
        return t.events.some((e) => e.toStatus === status);
      });
    };
    // Terminal reports may lie at most FIX_MAX_FUTURE_S (300 s) ahead, so the task runs in under 5 minutes.
    await report('en_route', o + 30_000); // the crew presses "departed" on the terminal
    await event('on_scene', o + 60_000);
    await report('patient_loaded', o + 90_000);
    await event('at_hospital', o + 120_000);
    await event('task_complete', o + 150_000);
    // a refused change (the task has ended) is not an act and leaves no record
    expect((await post(`/tasks/${task.id}/events`, { status: 'en_route', ts: new Date(o + 180_000).toISOString() })).status).toBe(409);

    // the trail is the admin's to read
    expect((await srv.api(`/audit?subject=task:${task.id}`, {}, 'viewer')).status).toBe(403);
    expect((await srv.api(`/audit?subject=task:${task.id}`, {}, 'admin')).status).toBe(403); // the auditor's, not the administrator's
    const res = await srv.api(`/audit?subject=task:${task.id}`, {}, 'auditor');
    expect(res.status).toBe(200);
    const { records: all } = (await res.json()) as { records: AuditJson[] };
    // every GET /tasks/:id above was a read of personal data, on the trail as such (issue #18)
    const reads = all.filter((r) => r.action === 'read.task');
    expect(reads.length).toBeGreaterThanOrEqual(2);
    expect(new Set(reads.map((r) => r.actor))).toEqual(new Set(['key:test-admin']));
    const records = all.filter((r) => r.action !== 'read.task');
    expect(records.map((r) => [r.action, r.actor, r.detail.from ?? null, r.detail.to ?? null])).toEqual([
      ['task.assign', 'key:test-dispatcher', 'available_at_station', 'order_received'],
      ['task.event', `unit:${UNIT}`, 'order_received', 'en_route'],
      ['task.event', 'key:test-dispatcher', 'en_route', 'on_scene'],
      ['task.event', `unit:${UNIT}`, 'on_scene', 'patient_loaded'],
      ['task.event', 'key:test-dispatcher', 'patient_loaded', 'at_hospital'],
      ['task.event', 'key:test-dispatcher', 'at_hospital', 'task_complete'],
    ]);
    expect(records[0]!.detail).toMatchObject({ unitId: UNIT, priority: 1, state: 'active' });
    expect(records.slice(1).map((r) => r.detail.source)).toEqual(['terminal', 'dispatcher', 'terminal', 'dispatcher', 'dispatcher']);
    // ids and times only go forward
    for (let i = 1; i < records.length; i++) {
      expect(records[i]!.id).toBeGreaterThan(records[i - 1]!.id);
      expect(Date.parse(records[i]!.at)).toBeGreaterThanOrEqual(Date.parse(records[i - 1]!.at));
    }
    // the unit going back into service after the task is its own record, by the unit's actor filter too
    const byUnit = (await (await srv.api(`/audit?actor=unit:${UNIT}&limit=50`, {}, 'auditor')).json()) as { records: AuditJson[] };
    expect(byUnit.records.filter((r) => r.subject === `task:${task.id}`).map((r) => r.detail.to)).toEqual(['en_route', 'patient_loaded']);
    expect((await srv.api('/audit?limit=0', {}, 'auditor')).status).toBe(400);
    expect((await srv.api('/audit?limit=5000', {}, 'auditor')).status).toBe(400);
  });
});
