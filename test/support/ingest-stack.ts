import pino from 'pino';
import { Registry } from 'prom-client';
import { DataSource } from 'typeorm';
import { connectAsync, MqttClient } from 'mqtt';
import { TelemetryPipeline } from '@rescue/telemetry';
import { closeDatabase, IngestRepository, openDatabase } from '@rescue/persistence';
import { startEmbeddedBroker } from '../../apps/server/src/broker/embedded-broker';
import { IngestMetrics } from '../../apps/server/src/ingest/ingest-metrics';
import { CommittedListener, IngestWorker, IngestWorkerOptions } from '../../apps/server/src/ingest/ingest-worker';
import { scratchPglite, scratchPostgres } from './databases';
import { startMosquitto } from './mosquitto';
import { newTestUser, TestBrokerAuth, urlWithCredentials } from './test-broker-auth';

/**
 * A broker and a database, both real: embedded (aedes + PGlite/TimescaleDB) or Mosquitto + PostgreSQL.
 * Both brokers require credentials; `mqttUrl` carries those of a test service user that may read the
 * ingest filters and publish any unit's topics.
 */
export interface Stack {
  name: string;
  mqttUrl: string;
  ds: DataSource;
  close(): Promise<void>;
}

export async function embeddedStack(): Promise<Stack> {
  const user = await newTestUser();
  // No flood limit for the test user: services are not throttled anyway; the default packet bound stays.
  const broker = await startEmbeddedBroker({ port: 0, auth: new TestBrokerAuth().addService(user) });
  const db = scratchPglite();
  const { dataSource } = await openDatabase(db.target);
  return {
    name: 'aedes + PGlite/TimescaleDB',
    mqttUrl: urlWithCredentials(broker.url, user),
    ds: dataSource,
    close: async () => {
      await broker.close();
      await closeDatabase(dataSource);
      db.remove();
    },
  };
}

export async function realStack(mosquittoBinary: string): Promise<Stack> {
  const broker = await startMosquitto(mosquittoBinary);
  const db = await scratchPostgres('rc_ingest');
  const { dataSource } = await openDatabase(db.target);
  return {
    name: 'Mosquitto + PostgreSQL',
    mqttUrl: broker.url,
    ds: dataSource,
    close: async () => {
      await broker.stop();
      await closeDatabase(dataSource);
      await db.drop();
    },
  };
}

export const TEST_TELEMETRY = { maxPayloadBytes: 64 * 1024, maxFutureS: 300, maxAgeS: 7 * 86400, maxSpeedKmh: 250, maxAccuracyM: 200 };

export function newWorker(
  stack: Stack,
  opts: Partial<IngestWorkerOptions> = {},
  onCommitted?: CommittedListener,
): { worker: IngestWorker; metrics: IngestMetrics } {
  const metrics = new IngestMetrics(new Registry());
  const worker = new IngestWorker(
    { mqttUrl: stack.mqttUrl, clientId: 'ingest-test', shareGroup: null, batchMaxRows: 1000, batchMaxWaitMs: 20, maxPending: 20000, ...opts },
    new TelemetryPipeline(TEST_TELEMETRY),
    new IngestRepository(stack.ds),
    metrics,
    pino({ level: process.env.LOG_LEVEL ?? 'silent' }),
    onCommitted,
  );
  return { worker, metrics };
}

export interface Outgoing {
  topic: string;
  payload: string;
}

/**
 * Publishes at QoS1 from `clients` real MQTT connections; one unit's messages always go through the
 * same connection in order, as one terminal would send them. Resolves when every PUBACK is in.
 */
export async function publishAll(url: string, messages: Outgoing[], clients = 8, unitOf = (m: Outgoing) => m.topic.split('/')[3] ?? m.topic): Promise<void> {
  const conns: MqttClient[] = await Promise.all(
    Array.from({ length: clients }, (_, i) => connectAsync(url, { clientId: `pub-${i}-${process.pid}-${Date.now()}`, clean: true })),
  );
  const lanes: Outgoing[][] = conns.map(() => []);
  for (const m of messages) lanes[hash(unitOf(m)) % conns.length].push(m);
  await Promise.all(
    conns.map(async (c, i) => {
      const acks = lanes[i].map((m) => c.publishAsync(m.topic, m.payload, { qos: 1 }));
      await Promise.all(acks);
      await c.endAsync();
    }),
  );
}

function hash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (h * 31 + s.charCodeAt(i)) >>> 0;
  return h;
}

export async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function countRows(ds: DataSource, table: 'unit_positions' | 'ingest_dead_letters'): Promise<number> {
  const [{ n }] = await ds.query(`SELECT count(*)::int AS n FROM ${table}`);
  return n;
}
