import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectAsync, MqttClient } from 'mqtt';
import pino from 'pino';
import { Registry } from 'prom-client';
import { DataSource } from 'typeorm';
import { closeDatabase, IngestBatch, IngestRepository, openDatabase } from '@rescue/persistence';
import { TelemetryPipeline } from '@rescue/telemetry';
import { BatchSpool } from '../apps/server/src/ingest/batch-spool';
import { IngestMetrics } from '../apps/server/src/ingest/ingest-metrics';
import { IngestWorker } from '../apps/server/src/ingest/ingest-worker';
import { TEST_TELEMETRY, waitFor } from './support/ingest-stack';
import { RunningMosquitto, startMosquitto } from './support/mosquitto';
import { PrivatePostgres, privatePostgresAvailable, startPrivatePostgres } from './support/private-postgres';

const UNITS = 100;
const ROUND_MS = 500;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Part of issue #8's fault drill on real services of the test's own: 100 units publish at QoS1 while
 * the database is stopped for 30 s and started again (ingest spools to disk and acknowledges), then the
 * ingest worker dies abruptly and a new one takes over its session and spool. Every fix the broker
 * acknowledged to a unit must end up stored exactly once.
 * Not here yet: a broker restart mid-stream. Measured with Mosquitto 2.0.11 and the shipped config,
 * a SIGTERM restart lost the ~200 messages then in flight to the connected ingest session (and 1 of
 * 9,900 even for a subscriber acknowledging at once), so that step needs its own investigation.
 */
const mosquitto = process.env.RC_TEST_MOSQUITTO;
(mosquitto && privatePostgresAvailable() ? describe : describe.skip)('ingest through a database outage and a worker crash', () => {
  let pg: PrivatePostgres;
  let broker: RunningMosquitto;
  let ds: DataSource;
  let spoolDir: string;
  beforeAll(async () => {
    pg = await startPrivatePostgres();
    broker = await startMosquitto(mosquitto!);
    ({ dataSource: ds } = await openDatabase({ databaseUrl: pg.url, pgliteDir: '' }));
    spoolDir = mkdtempSync(join(tmpdir(), 'rc-spool-'));
  });
  afterAll(async () => {
    await closeDatabase(ds).catch(() => undefined);
    await broker?.stop();
    pg?.destroy();
    rmSync(spoolDir, { recursive: true, force: true });
  });

  it('stores every acknowledged fix exactly once', async () => {
    const workerFor = () => {
      const metrics = new IngestMetrics(new Registry());
      const worker = new IngestWorker(
        { mqttUrl: broker.url, clientId: 'fault-ingest', shareGroup: null, batchMaxRows: 500, batchMaxWaitMs: 50, maxPending: 20_000 },
        new TelemetryPipeline(TEST_TELEMETRY), new IngestRepository(ds), metrics, pino({ level: process.env.LOG_LEVEL ?? 'silent' }),
        () => undefined, new BatchSpool<IngestBatch>(spoolDir, 256 * 1024 * 1024),
      );
      return { worker, metrics };
    };
    let ingest = workerFor();
    const first = ingest;
    await ingest.worker.start();

    const pubs: MqttClient[] = await Promise.all(Array.from({ length: 4 }, (_, i) => connectAsync(broker.url, { clientId: `fault-pub-${i}`, reconnectPeriod: 200 })));
    const acked = new Set<string>();
    const inflight: Promise<void>[] = [];
    let attempted = 0;
    let publishing = true;
    const t0 = Date.now() - 120_000; // fix times: a monotone clock that stays in the past
    const publisher = (async () => {
      for (let round = 0; publishing; round++) {
        const ts = t0 + round * ROUND_MS;
        for (let u = 0; u < UNITS; u++) {
          const unitId = `F${String(u).padStart(3, '0')}`;
          const fix = { ts, lat: 42.46 + u * 0.001 + round * 1e-5, lon: 1.5, speedKmh: 4 };
          attempted++;
          inflight.push(pubs[u % pubs.length]!.publishAsync(`ems/v1/units/${unitId}/position`, JSON.stringify(fix), { qos: 1 }).then(() => void acked.add(`${unitId}|${ts}`)));
        }
        await sleep(ROUND_MS);
      }
    })();

    const timeline: string[] = [];
    const mark = (what: string) => timeline.push(`${Math.round((Date.now() - started) / 1000)}s ${what}`);
    const started = Date.now();
    await sleep(8_000);
    pg.stop();
    mark('database stopped');
    await sleep(30_000);
    const spooledDuringOutage = first.worker.state.spooledBatches + (await first.metrics.spooled.get()).values[0]!.value;
    pg.start();
    mark('database started');
    await waitFor('spool replayed', async () => first.worker.state.spooledBatches === 0, 60_000);
    mark('spool replayed');
    await sleep(4_000);
    ingest.worker.kill();
    mark('ingest killed');
    ingest = workerFor();
    await ingest.worker.start();
    mark('ingest restarted');
    await sleep(8_000);
    publishing = false;
    await publisher;
    await Promise.race([Promise.allSettled(inflight), sleep(30_000)]);
    mark('publishing stopped');

    const stored = async () => {
      const rows: Array<{ k: string }> = await ds.query(`SELECT unit_id || '|' || (extract(epoch FROM ts) * 1000)::bigint AS k FROM unit_positions`);
      return rows.map((r) => r.k);
    };
    await waitFor('every acknowledged fix stored', async () => {
      const keys = new Set(await stored());
      return [...acked].every((k) => keys.has(k));
    }, 90_000).catch(async (e: Error) => {
      const keys = new Set(await stored());
      const missing = [...acked].filter((k) => !keys.has(k));
      const ts = missing.map((k) => Number(k.split('|')[1]));
      throw new Error(`${e.message}: ${missing.length} missing of ${acked.size}, fix times ${Math.min(...ts) - t0}..${Math.max(...ts) - t0} ms after t0; ${timeline.join(', ')}; e.g. ${missing.slice(0, 3).join(' ')}`);
    });
    await sleep(1000);
    const keys = await stored();
    const distinct = new Set(keys);
    const lost = [...acked].filter((k) => !distinct.has(k)).length;
    const duplicated = keys.length - distinct.size;
    process.stdout.write(
      `\n[fault] attempted ${attempted}, acknowledged by the broker ${acked.size}, stored ${distinct.size}, ` +
        `duplicated ${duplicated}, lost ${lost}; spool used: ${spooledDuringOutage} batches; ${timeline.join(', ')}\n`,
    );
    expect(spooledDuringOutage).toBeGreaterThan(0); // the outage really went through the spool
    expect(lost).toBe(0);
    expect(duplicated).toBe(0);
    expect(acked.size).toBeGreaterThan(UNITS * 100);
    await ingest.worker.stop();
    await Promise.all(pubs.map((p) => p.endAsync()));
  }, 300_000);
});
