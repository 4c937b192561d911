import { DataSource } from 'typeorm';
import { AuditRepository, closeDatabase, DeliveryLeadership, openDatabase, TaskRepository, WebhookOutbox, WebhookRepository } from '@rescue/persistence';
import type { EventDraft } from '@rescue/webhooks';
import { scratchPglite, scratchPostgres } from './support/databases';
import { describeNeeding, needPostgres } from './support/needs';

const T0 = Date.UTC(2026, 11, 7, 8, 0, 0);
const draft = (n: number, type: EventDraft['type'] = 'task.created'): EventDraft => ({ type, subject: `task:T-${n}`, occurredAt: T0 + n, data: { n, text: '急救' } });
const missing = () => new Error('no such unit');

/** The outbox and the delivery store on one engine: what the delivery worker relies on. */
function outboxContract(open: () => Promise<{ ds: DataSource; done: () => Promise<void> }>, concurrentWriters: boolean) {
  let ds: DataSource;
  let done: () => Promise<void>;
  let outbox: WebhookOutbox;
  let tasks: TaskRepository;
  let hooks: WebhookRepository;
  let woken = 0;
  beforeAll(async () => {
    ({ ds, done } = await open());
    outbox = new WebhookOutbox(ds);
    outbox.onCommitted(() => woken++);
    tasks = new TaskRepository(ds, outbox);
    hooks = new WebhookRepository(ds);
    await ds.query(`INSERT INTO units (id) VALUES ('U1')`);
  });
  afterAll(async () => done());

  const seqsOf = async () => ((await ds.query(`SELECT seq, subject FROM webhook_outbox ORDER BY seq`)) as Array<{ seq: string | number; subject: string }>);

  it('an event emitted in a transaction commits with it, and wakes the worker after the commit', async () => {
    const before = woken;
    await tasks.withUnitLocked('U1', async (tx) => {
      await tx.audit({ actor: 'key:test', action: 'unit.status', subject: 'unit:U1' });
      await tx.emit(draft(1));
      expect(woken).toBe(before);
    }, missing);
    expect(woken).toBe(before + 1);
    expect((await seqsOf()).map((r) => r.subject)).toEqual(['task:T-1']);
  });

  it('and is gone with a transaction that fails', async () => {
    await expect(tasks.withTransaction(async (tx) => {
      await tx.emit(draft(2));
      throw new Error('refused after the emit');
    })).rejects.toThrow('refused after the emit');
    expect((await seqsOf()).map((r) => r.subject)).toEqual(['task:T-1']);
  });

  if (concurrentWriters) it('numbers events in commit order: a later append waits for an earlier open one', async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const first = ds.transaction(async (m) => {
      await outbox.append(m, draft(3));
      await held;
    });
    await new Promise((r) => setTimeout(r, 100));
    let secondDone = false;
    const second = ds.transaction((m) => outbox.append(m, draft(4))).then(() => (secondDone = true));
    await new Promise((r) => setTimeout(r, 200));
    expect(secondDone).toBe(false); // waits for the first to commit
    release();
    await Promise.all([first, second]);
    const subjects = (await seqsOf()).map((r) => r.subject);
    expect(subjects.slice(-2)).toEqual(['task:T-3', 'task:T-4']);
  });

  if (concurrentWriters) it('lets one server deliver at a time: the second takes over when the first lets go', async () => {
    const a = new DeliveryLeadership(ds);
    const b = new DeliveryLeadership(ds);
    expect(await a.tryLead()).toBe(true);
    expect(await b.tryLead()).toBe(false);
    await a.release();
    expect(await b.tryLead()).toBe(true);
    expect(await a.tryLead()).toBe(false);
    await b.release();
  });

  it('a new subscriber starts after the head; its lane walks the outbox by type; writes are fenced by generation', async () => {
    const sub = await hooks.create({ url: 'http://127.0.0.1:9/hook', events: ['task.assigned'], secret: 'a-secret-of-16-chars', description: null }, 'key:test');
    expect(sub).toMatchObject({ paused: false, backlog: 0, deadLetters: 0 });
    await outbox.appendNow([draft(5), draft(6, 'task.assigned'), draft(7, 'task.assigned')]);
    let [lane] = (await hooks.lanes()).filter((l) => l.id === sub.id);
    expect(lane).toMatchObject({ pending: true, attempts: 0, cursor: sub.cursor });
    const e6 = (await hooks.nextEvent(lane!.cursor, lane!.events))!;
    expect(e6).toMatchObject({ type: 'task.assigned', subject: 'task:T-6', version: 1, data: { n: 6, text: '急救' } });
    expect(await hooks.failed(lane!, e6, 1, T0, 'HTTP 500')).toBe(true);
    expect(await hooks.delivered(lane!, e6, 2)).toBe(true);
    [lane] = (await hooks.lanes()).filter((l) => l.id === sub.id);
    expect(lane).toMatchObject({ cursor: e6.seq, attempts: 0, nextAttemptAt: null });
    const e7 = (await hooks.nextEvent(lane!.cursor, lane!.events))!;
    expect(e7.subject).toBe('task:T-7');
    expect(await hooks.deadLettered(lane!, e7, 3, 'timeout')).toBe(true);
    expect((await hooks.get(sub.id))).toMatchObject({ deadLetters: 1, backlog: 0, deliveredCount: 1 });
    expect((await hooks.deadLetters(sub.id)).map((d) => [d.eventId, d.attempts, d.lastError])).toEqual([[e7.id, 3, 'timeout']]);

    // replay from e6: the cursor goes back, the old generation's writes no longer land
    await hooks.replay(sub.id, e6.seq, 'key:test');
    expect(await hooks.delivered(lane!, e7, 1)).toBe(false);
    const [replayed] = (await hooks.lanes()).filter((l) => l.id === sub.id);
    expect(replayed).toMatchObject({ cursor: e6.seq - 1, pending: true });
    expect((await hooks.nextEvent(replayed!.cursor, replayed!.events))!.id).toBe(e6.id);

    await hooks.setPaused(sub.id, true, 'key:test');
    expect((await hooks.get(sub.id))!.paused).toBe(true);
    await hooks.remove(sub.id, 'key:test');
    expect(await hooks.get(sub.id)).toBeNull();
    await expect(hooks.remove(sub.id, 'key:test')).rejects.toThrow(/no webhook subscriber/);
    expect((await new AuditRepository(ds).list({ subject: `webhook:${sub.id}`, limit: 10 })).map((r) => r.action))
      .toEqual(['webhook.create', 'webhook.replay', 'webhook.pause', 'webhook.delete']);
  });

  it('replay by time finds the first event written at or after it', async () => {
    const [first] = await seqsOf();
    expect(await hooks.seqAt(0)).toBe(Number(first!.seq));
    const head = Number((await seqsOf()).at(-1)!.seq);
    expect(await hooks.seqAt(Date.now() + 60_000)).toBe(head + 1);
  });
}

describe('webhook outbox on embedded PGlite', () => {
  // PGlite has one connection: transactions never overlap, so commit order is append order anyway.
  outboxContract(async () => {
    const scratch = scratchPglite();
    const { dataSource } = await openDatabase(scratch.target);
    return { ds: dataSource, done: async () => { await closeDatabase(dataSource); scratch.remove(); } };
  }, false);
});

describeNeeding(needPostgres())('webhook outbox on the real PostgreSQL', () => {
  outboxContract(async () => {
    const scratch = await scratchPostgres('rc_outbox');
    const { dataSource } = await openDatabase(scratch.target);
    return { ds: dataSource, done: async () => { await closeDatabase(dataSource); await scratch.drop(); } };
  }, true);
});
