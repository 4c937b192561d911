import { DataSource } from 'typeorm';
import { countRows, embeddedStack, newWorker, publishAll, realStack, Stack, waitFor } from './support/ingest-stack';
import { fleetDataset } from './support/fix-dataset';
import { describeNeeding, needMosquitto, needPostgres } from './support/needs';

async function storedKeys(ds: DataSource): Promise<string[]> {
  const rows: Array<{ k: string }> = await ds.query(
    `SELECT unit_id || '|' || (extract(epoch FROM ts) * 1000)::bigint AS k FROM unit_positions WHERE unit_id LIKE 'U%' ORDER BY 1`,
  );
  return rows.map((r) => r.k);
}

async function deadLettersByReason(ds: DataSource): Promise<Record<string, number>> {
  const rows: Array<{ reason: string; n: number }> = await ds.query(
    `SELECT reason, count(*)::int AS n FROM ingest_dead_letters GROUP BY reason`,
  );
  return Object.fromEntries(rows.map((r) => [r.reason, r.n]));
}

async function reset(ds: DataSource): Promise<void> {
  await ds.query(`TRUNCATE unit_positions, ingest_dead_letters`);
}

/** The ingest guarantees, identical on both stacks. */
function ingestContract(open: () => Promise<Stack>) {
  let stack: Stack;
  beforeAll(async () => (stack = await open()));
  afterAll(async () => stack?.close());

  it('stores every valid QoS1 fix of 100 units exactly once and every invalid message in dead letters with its reason', async () => {
    await reset(stack.ds);
    const data = fleetDataset(100, 100, true);
    expect(data.expectedFixes.length).toBe(10_000);
    const { worker, metrics } = newWorker(stack, { clientId: 'ingest-contract' });
    await worker.start();
    try {
      await publishAll(stack.mqttUrl, data.messages);
      const invalid = Object.values(data.expectedRejections).reduce((a, b) => a + b, 0);
      await waitFor('all fixes and dead letters', async () =>
        (await countRows(stack.ds, 'unit_positions')) >= data.expectedFixes.length + 1 &&
        (await countRows(stack.ds, 'ingest_dead_letters')) >= invalid);
      await new Promise((r) => setTimeout(r, 300)); // anything extra (a duplicate) would land now
      expect(await storedKeys(stack.ds)).toEqual([...data.expectedFixes].sort());
      expect(await deadLettersByReason(stack.ds)).toEqual(data.expectedRejections);
      const [phone] = await stack.ds.query(`SELECT count(*)::int AS n FROM unit_positions WHERE lat = $1 AND lon = $2`, [data.owntracks!.lat, data.owntracks!.lon]);
      expect(phone.n).toBe(1);
      const raws: Array<{ raw: string }> = await stack.ds.query(`SELECT raw FROM ingest_dead_letters WHERE reason = 'bad_json'`);
      expect(raws.every((r) => r.raw === '{"ts": 1, "lat": ')).toBe(true);
      expect((await metrics.rejected.get()).values.reduce((a, v) => a + v.value, 0)).toBe(invalid);
    } finally {
      await worker.stop();
    }
  });

  it('loses and duplicates nothing when ingest stops abruptly mid-stream and restarts', async () => {
    await reset(stack.ds);
    const data = fleetDataset(100, 100, false);
    // Killed from its own commit listener once 2,000 fixes are in: polling the table for that moment
    // let a fast pipeline store the whole stream before the kill (a crash after the end, not mid-stream).
    let committed = 0;
    let crashed: () => void = () => undefined;
    const crash = new Promise<void>((r) => (crashed = r));
    const first = newWorker(stack, { clientId: 'ingest-crash', batchMaxRows: 500 }, ({ fixes }) => {
      committed += fixes.length;
      if (committed >= 2000 && committed - fixes.length < 2000) {
        first.worker.kill();
        crashed();
      }
    });
    await first.worker.start();
    const publishing = publishAll(stack.mqttUrl, data.messages);
    await crash;
    const atCrash = await countRows(stack.ds, 'unit_positions');
    await publishing; // the broker accepted everything; what the dead worker did not acknowledge stays queued
    const second = newWorker(stack, { clientId: 'ingest-crash', batchMaxRows: 500 });
    await second.worker.start();
    try {
      await waitFor('every fix stored', async () => (await countRows(stack.ds, 'unit_positions')) >= data.expectedFixes.length);
      await new Promise((r) => setTimeout(r, 300));
      expect(atCrash).toBeLessThan(data.expectedFixes.length); // the crash really was mid-stream
      expect(await storedKeys(stack.ds)).toEqual([...data.expectedFixes].sort());
      expect(await countRows(stack.ds, 'ingest_dead_letters')).toBe(0);
    } finally {
      await second.worker.stop();
    }
  });
}

describe('ingest on the embedded stack (aedes + PGlite/TimescaleDB)', () => {
  ingestContract(embeddedStack);
});

const mosquitto = process.env.RC_TEST_MOSQUITTO;
describeNeeding(needPostgres(), needMosquitto())('ingest on real Mosquitto (shipped config) + PostgreSQL', () => {
  ingestContract(() => realStack(mosquitto!));
});
