import { type DeliveryStore, DeliveryWorker, type Lane, type Post } from './delivery';
import { type EventType, type StoredEvent, wants } from './events';
import { HEADER_EVENT_ID, HEADER_SIGNATURE, HEADER_TIMESTAMP, verifySignature } from './signature';

/** The store's contract in memory (the worker's logic under test; the SQL one is tested in test/webhooks.test.ts). */
class MemoryStore implements DeliveryStore {
  readonly events: StoredEvent[] = [];
  readonly lanesById = new Map<string, Lane>();
  readonly dead: Array<{ lane: string; seq: number; attempts: number }> = [];

  add(type: EventType, n = 1): void {
    for (let i = 0; i < n; i++) {
      const seq = this.events.length + 1;
      this.events.push({ seq, id: `e${seq}`, type, version: 1, subject: 'task:T', occurredAt: seq, createdAt: 0, data: { n: seq } });
    }
  }

  lane(id: string, over: Partial<Lane> = {}): void {
    this.lanesById.set(id, { id, url: `http://${id}/hook`, secret: `secret-of-${id}-0123456789`, events: ['*'], paused: false, cursor: 0, attempts: 0, nextAttemptAt: null, generation: 0, ...over });
  }

  async lanes(): Promise<Lane[]> {
    return [...this.lanesById.values()].map((l) => ({ ...l }));
  }

  async nextEvent(cursor: number, events: readonly string[]): Promise<StoredEvent | null> {
    return this.events.find((e) => e.seq > cursor && wants(events, e.type)) ?? null;
  }

  private set(lane: Lane, patch: Partial<Lane>): boolean {
    const l = this.lanesById.get(lane.id)!;
    if (l.generation !== lane.generation) return false;
    Object.assign(l, patch);
    return true;
  }

  async delivered(lane: Lane, e: StoredEvent, _attempts: number): Promise<boolean> {
    return this.set(lane, { cursor: e.seq, attempts: 0, nextAttemptAt: null });
  }

  async failed(lane: Lane, _e: StoredEvent, attempts: number, nextAttemptAt: number): Promise<boolean> {
    return this.set(lane, { attempts, nextAttemptAt });
  }

  async deadLettered(lane: Lane, e: StoredEvent, attempts: number): Promise<boolean> {
    if (this.lanesById.get(lane.id)!.generation !== lane.generation) return false;
    this.dead.push({ lane: lane.id, seq: e.seq, attempts });
    return this.set(lane, { cursor: e.seq, attempts: 0, nextAttemptAt: null });
  }
}

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
const OPTS = { baseMs: 1000, capMs: 10_000, minMs: 100, maxAttempts: 4, maxAgeMs: 3_600_000, maxConcurrent: 4, timeoutMs: 1000, pollMs: 50 };

/** A receiver per host: records (host, event id) and answers what `answer` says. */
function receivers(answer: (host: string, id: string, n: number) => number | 'hang' | 'refuse') {
  /** Requests answered 2xx, in arrival order. */
  const got: Array<{ host: string; id: string; attempt: number; verified: boolean }> = [];
  const counts = new Map<string, number>();
  const post: Post = async (url, headers, body) => {
    const host = new URL(url).host;
    const id = headers[HEADER_EVENT_ID]!;
    const n = (counts.get(`${host}/${id}`) ?? 0) + 1;
    counts.set(`${host}/${id}`, n);
    const a = answer(host, id, n);
    if (a === 'hang') await new Promise((r) => setTimeout(r, 200));
    if (a === 'hang' || a === 'refuse') throw Object.assign(new Error('fetch failed'), { cause: { code: a === 'hang' ? 'UND_ERR_HEADERS_TIMEOUT' : 'ECONNREFUSED' } });
    const verified = verifySignature(`secret-of-${host}-0123456789`, body, headers[HEADER_TIMESTAMP], headers[HEADER_SIGNATURE]).ok;
    if (a >= 200 && a < 300) got.push({ host, id, attempt: Number(headers['x-rescue-delivery-attempt']), verified });
    return { status: a };
  };
  return { got, post };
}

describe('DeliveryWorker', () => {
  it('delivers each lane in sequence order, signed, and moves the cursor', async () => {
    const store = new MemoryStore();
    store.lane('a');
    store.add('task.created', 5);
    const r = receivers(() => 204);
    await new DeliveryWorker(store, r.post, OPTS, quiet).pass();
    expect(r.got.map((g) => g.id)).toEqual(['e1', 'e2', 'e3', 'e4', 'e5']);
    expect(r.got.every((g) => g.verified && g.attempt === 1)).toBe(true);
    expect(store.lanesById.get('a')!.cursor).toBe(5);
  });

  it('holds the next event until the failing one is delivered (ordered per subscriber)', async () => {
    const store = new MemoryStore();
    store.lane('a');
    store.add('task.status_changed', 3);
    let clock = 0;
    // e2 fails twice (500, then refused), then succeeds
    const r = receivers((_h, id, n) => (id === 'e2' && n === 1 ? 500 : id === 'e2' && n === 2 ? 'refuse' : 200));
    const w = new DeliveryWorker(store, r.post, OPTS, quiet, {}, () => clock, () => 0.5);
    await w.pass();
    expect(r.got.map((g) => g.id)).toEqual(['e1']);
    const lane = store.lanesById.get('a')!;
    expect(lane).toMatchObject({ cursor: 1, attempts: 1, nextAttemptAt: 500 });
    await w.pass(); // not due yet: nothing sent
    expect(r.got).toHaveLength(1);
    clock = 500;
    await w.pass();
    expect(store.lanesById.get('a')).toMatchObject({ cursor: 1, attempts: 2, nextAttemptAt: 1500 });
    clock = 1500;
    await w.pass();
    expect(r.got.map((g) => `${g.id}#${g.attempt}`)).toEqual(['e1#1', 'e2#3', 'e3#1']);
  });

  it('dead-letters an event after maxAttempts and goes on with the next', async () => {
    const store = new MemoryStore();
    store.lane('a');
    store.add('unit.status_changed', 2);
    let clock = 0;
    const r = receivers((_h, id) => (id === 'e1' ? 503 : 200));
    const dead: string[] = [];
    const w = new DeliveryWorker(store, r.post, OPTS, quiet, { onDead: (_l, e) => dead.push(e.id) }, () => clock, () => 0);
    for (let i = 0; i < OPTS.maxAttempts; i++) {
      await w.pass();
      clock += 10_000;
    }
    expect(dead).toEqual(['e1']);
    expect(store.dead).toEqual([{ lane: 'a', seq: 1, attempts: 4 }]);
    expect(r.got.map((g) => g.id)).toEqual(['e2']);
  });

  it('dead-letters by age: an event older than maxAgeMs gets one attempt', async () => {
    const store = new MemoryStore();
    store.lane('a');
    store.add('task.created', 3);
    const r = receivers(() => 'refuse');
    const w = new DeliveryWorker(store, r.post, { ...OPTS, maxAgeMs: 1000 }, quiet, {}, () => 5000);
    await w.pass();
    expect(store.dead.map((d) => d.seq)).toEqual([1, 2, 3]);
  });

  it('a hanging subscriber does not hold a healthy one back', async () => {
    const store = new MemoryStore();
    store.lane('dead');
    store.lane('ok');
    store.add('task.assigned', 20);
    const r = receivers((host) => (host === 'dead' ? 'hang' : 200));
    const w = new DeliveryWorker(store, r.post, OPTS, quiet, {}, () => 1000);
    const t0 = Date.now();
    const okDone = new Promise<number>((resolve) => {
      const poll = setInterval(() => {
        if (store.lanesById.get('ok')!.cursor === 20) {
          clearInterval(poll);
          resolve(Date.now() - t0);
        }
      }, 1);
    });
    const pass = w.pass();
    // the healthy lane finishes all 20 while the dead one is still in its first 200 ms attempt
    expect(await okDone).toBeLessThan(150);
    await pass;
    expect(store.lanesById.get('dead')).toMatchObject({ cursor: 0, attempts: 1 });
  });

  it('keeps at most maxConcurrent requests in flight', async () => {
    const store = new MemoryStore();
    for (const id of ['a', 'b', 'c', 'd', 'e']) store.lane(id);
    store.add('task.created', 3);
    let inFlight = 0;
    let most = 0;
    const post: Post = async () => {
      most = Math.max(most, ++inFlight);
      await new Promise((r) => setTimeout(r, 5));
      inFlight--;
      return { status: 200 };
    };
    const w = new DeliveryWorker(store, post, { ...OPTS, maxConcurrent: 2 }, quiet);
    await w.pass();
    await w.pass();
    await w.pass();
    expect(most).toBe(2);
    expect([...store.lanesById.values()].map((l) => l.cursor)).toEqual([3, 3, 3, 3, 3]);
  });

  it('sends a subscriber only the types it asked for, and nothing while paused', async () => {
    const store = new MemoryStore();
    store.lane('a', { events: ['task.aborted'] });
    store.lane('b', { paused: true });
    store.add('task.created');
    store.add('task.aborted');
    store.add('unit.position');
    const r = receivers(() => 200);
    await new DeliveryWorker(store, r.post, OPTS, quiet).pass();
    expect(r.got.map((g) => `${g.host}:${g.id}`)).toEqual(['a:e2']);
  });

  it('records nothing from an attempt that an admin change (replay) overtook', async () => {
    const store = new MemoryStore();
    store.lane('a');
    store.add('task.created', 2);
    const sent: string[] = [];
    const post: Post = async (_u, headers) => {
      sent.push(headers[HEADER_EVENT_ID]!);
      // the replay lands while the first request is out
      const l = store.lanesById.get('a')!;
      if (l.generation === 0) Object.assign(l, { generation: 1, cursor: 0 });
      return { status: 200 };
    };
    const w = new DeliveryWorker(store, post, OPTS, quiet);
    await w.pass();
    expect(sent).toEqual(['e1']); // the overtaken lane stopped
    expect(store.lanesById.get('a')).toMatchObject({ cursor: 0, generation: 1 });
    await w.pass();
    expect(sent).toEqual(['e1', 'e1', 'e2']);
  });
});
