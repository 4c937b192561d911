import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { Registry } from 'prom-client';
import type { IngestBatch, WriteResult } from '@rescue/persistence';
import { BatchSpool } from './batch-spool';
import { BatchSink, DurableWriter } from './durable-writer';
import { IngestMetrics } from './ingest-metrics';

const batch = (ts: number): IngestBatch => ({
  fixes: [{ unitId: 'U1', ts, lat: 22.5, lon: 114, speedKmh: null, headingDeg: null, accuracyM: null, altitudeM: null, stepM: 0, receivedAt: ts }],
  deadLetters: [], statuses: [], presences: [],
});
const tsOf = (b: IngestBatch) => b.fixes[0]!.ts;

/** A database that is up or down at the test's word, and keeps what it committed in order. */
class Database implements BatchSink {
  up = true;
  readonly committed: number[] = [];
  async write(b: IngestBatch): Promise<WriteResult> {
    if (!this.up) throw new Error('connection refused');
    this.committed.push(tsOf(b));
    return { inserted: b.fixes.length, duplicates: 0 };
  }
}

const dirs: string[] = [];
function setup(withSpool: boolean, maxBytes = 1 << 20) {
  const db = new Database();
  const dir = mkdtempSync(join(tmpdir(), 'rc-writer-'));
  dirs.push(dir);
  const spool = withSpool ? new BatchSpool<IngestBatch>(dir, maxBytes) : null;
  const replayed: number[] = [];
  const writer = new DurableWriter(db, spool, new IngestMetrics(new Registry()), pino({ level: 'silent' }), (b) => replayed.push(tsOf(b)), { firstMs: 5, maxMs: 20 });
  return { db, spool, writer, replayed };
}

const until = async (check: () => boolean): Promise<void> => {
  for (let i = 0; i < 400 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(check()).toBe(true);
};

afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('DurableWriter', () => {
  it('writes to the database when it is up', async () => {
    const { db, writer } = setup(true);
    expect(await writer.write(batch(1))).toBe('database');
    expect(db.committed).toEqual([1]);
    expect(writer.state).toEqual({ spooledBatches: 0, spooledBytes: 0, durableWithoutDatabase: true });
  });

  it('spools while the database is down, queues later batches behind the spool, and replays them in order', async () => {
    const { db, spool, writer, replayed } = setup(true);
    db.up = false;
    expect(await writer.write(batch(1))).toBe('spool');
    db.up = true; // back, but batch 2 must not overtake batch 1
    expect(await writer.write(batch(2))).toBe('spool');
    await until(() => spool!.empty);
    await writer.replayDone();
    expect(db.committed).toEqual([1, 2]);
    expect(replayed).toEqual([1, 2]);
    expect(await writer.write(batch(3))).toBe('database');
  });

  it('a full spool refuses: the batch is retried until the database takes it, and health says so meanwhile', async () => {
    const { db, writer } = setup(true, 10); // smaller than any batch
    db.up = false;
    const written = writer.write(batch(1));
    await until(() => !writer.state.durableWithoutDatabase);
    db.up = true;
    expect(await written).toBe('database');
    expect(db.committed).toEqual([1]);
  });

  it('without a spool retries with backoff until written', async () => {
    const { db, writer } = setup(false);
    db.up = false;
    const written = writer.write(batch(1));
    await new Promise((r) => setTimeout(r, 40));
    expect(db.committed).toEqual([]);
    db.up = true;
    expect(await written).toBe('database');
    expect(writer.state.durableWithoutDatabase).toBe(false);
  });

  it('gives up when stopping: null (nothing durable, left to redelivery), and a replay leaves the rest on disk', async () => {
    const { db, writer } = setup(false);
    db.up = false;
    writer.giveUpAfter(0);
    expect(await writer.write(batch(1))).toBeNull();

    const spooled = setup(true);
    spooled.db.up = false;
    expect(await spooled.writer.write(batch(1))).toBe('spool');
    spooled.writer.giveUpAfter(0);
    await spooled.writer.replayDone();
    expect(spooled.spool!.batches).toBe(1);
  });

  it('resume() replays what a previous run spooled', async () => {
    const first = setup(true);
    first.db.up = false;
    await first.writer.write(batch(7));
    first.writer.giveUpAfter(0);
    await first.writer.replayDone();
    const dir = dirs.at(-1)!;
    const db = new Database();
    const replayed: number[] = [];
    const again = new DurableWriter(db, new BatchSpool<IngestBatch>(dir, 1 << 20), new IngestMetrics(new Registry()), pino({ level: 'silent' }), (b) => replayed.push(tsOf(b)));
    again.resume();
    await until(() => replayed.length === 1);
    expect(db.committed).toEqual([7]);
  });
});
