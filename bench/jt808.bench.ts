// npm run bench:jt808
// The JT/T 808 gateway in the embedded default's arrangement (aedes + PGlite/TimescaleDB, the ingest
// worker, the gateway with 0x8001 after the commit), terminals on loopback in a child process:
//   (1) connect: BENCH_JT808_TERMINALS (10,000) terminals authenticate; RSS per connection;
//   (2) paced: each sends one fix every 10 s plus a heartbeat every 30 s (1,000 fixes/s) for
//       BENCH_JT808_SECONDS (120); frame → 0x8001 (= committed) p50/p99, lost, duplicated;
//   (3) flat out: 200 more terminals, 100 fixes each, 16 in flight each; fixes/s, against the MQTT
//       pipeline of bench:ingest (the same 20,000 fixes through a QoS1 publisher into the same ingest)
//       measured in the same run.
// Figures are printed, never asserted. The host's open-file limit must allow the sockets: see below.
import { fork } from 'node:child_process';
import { resolve } from 'node:path';
import pino from 'pino';
import { Registry } from 'prom-client';
import { hashPassword } from '@rescue/security';
import { Jt808TerminalsRepository } from '@rescue/persistence';
import { DurableReceipts } from '../apps/server/src/jt808/durable-receipts';
import { Jt808Gateway } from '../apps/server/src/jt808/gateway';
import { Jt808Directory } from '../apps/server/src/jt808/terminal-directory';
import { connectMqttUplink } from '../apps/server/src/jt808/uplink';
import { embeddedStack, newWorker } from '../test/support/ingest-stack';
import { positiveEnv as env } from './support/env';
import { startPublisher } from './support/publisher';

const CFG = {
  terminals: env('BENCH_JT808_TERMINALS', 10_000),
  seconds: env('BENCH_JT808_SECONDS', 120),
  fixEveryMs: env('BENCH_JT808_FIX_EVERY_MS', 10_000),
  heartbeatEveryMs: env('BENCH_JT808_HEARTBEAT_EVERY_MS', 30_000),
  flatTerminals: env('BENCH_JT808_FLAT_TERMINALS', 200),
  flatPerTerminal: env('BENCH_JT808_FLAT_FIXES', 100),
  flatWindow: env('BENCH_JT808_FLAT_WINDOW', 16),
};
const AUTH_CODE = 'bench-jt808-auth-code';
const out = (s = ''): boolean => process.stdout.write(s + '\n');
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const mb = (b: number): string => `${(b / 1024 / 1024).toFixed(0)} MB`;
const ms = (v: number | null): string => (v === null ? '-' : `${v.toFixed(1)} ms`);

async function main(): Promise<void> {
  out(`bench:jt808 ${new Date().toISOString()}: ${CFG.terminals} terminals × 1 fix / ${CFG.fixEveryMs / 1000} s for ${CFG.seconds} s; flat out ${CFG.flatTerminals} × ${CFG.flatPerTerminal}`);
  const stack = await embeddedStack();
  const { worker } = newWorker(stack, { batchMaxWaitMs: 50 });
  await worker.start();
  const log = pino({ level: process.env.LOG_LEVEL ?? 'silent' });
  const receipts = new DurableReceipts('b.', 60_000);
  worker.onDurable((r) => receipts.settle(r));
  // All terminals provisioned and registered with one code (its hash is what the table holds).
  const total = CFG.terminals + CFG.flatTerminals;
  const hash = await hashPassword(AUTH_CODE);
  for (let i = 0; i < total; i += 1000) {
    const ids = Array.from({ length: Math.min(1000, total - i) }, (_, j) => i + j);
    await stack.ds.query(`INSERT INTO units (id) SELECT unnest($1::text[])`, [ids.map((k) => `J${k}`)]);
    await stack.ds.query(`INSERT INTO jt808_terminals (phone, unit_id, auth_code_hash) SELECT unnest($1::text[]), unnest($2::text[]), $3`, [ids.map((k) => String(13900000000 + k)), ids.map((k) => `J${k}`), hash]);
  }
  const directory = new Jt808Directory(new Jt808TerminalsRepository(stack.ds), log);
  await directory.start();
  const uplink = await connectMqttUplink({ url: stack.mqttUrl, clientId: `bench-jt808-${process.pid}`, receipts, log });
  const gateway = new Jt808Gateway(
    { port: 0, host: '127.0.0.1', maxConnections: total + 100, maxFrameBytes: 4096, maxBytesPerS: 16 * 1024, maxFramesPerS: 50, heartbeatS: 60, maxInFlight: 64 },
    directory, uplink, new Registry(), log,
  );
  const port = await gateway.start();

  const fleet = fork(resolve(__dirname, 'support/jt808-fleet.ts'), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const inbox: Array<Record<string, any>> = [];
  let wake: (() => void) | null = null;
  fleet.on('message', (m: Record<string, any>) => {
    if (m.type === 'error') throw new Error(`fleet: ${m.message}`);
    inbox.push(m);
    wake?.();
  });
  const next = async (type: string): Promise<Record<string, any>> => {
    for (;;) {
      const i = inbox.findIndex((m) => m.type === type);
      if (i >= 0) return inbox.splice(i, 1)[0]!;
      await new Promise<void>((r) => (wake = r));
    }
  };
  await next('ready');

  // (1) connect
  global.gc?.();
  const rssBefore = process.memoryUsage().rss;
  fleet.send({ type: 'connect', host: '127.0.0.1', port, first: 0, count: CFG.terminals, authCode: AUTH_CODE });
  const c = await next('connected');
  await sleep(2000);
  global.gc?.();
  const rssAfter = process.memoryUsage().rss;
  out(`connect: ${c.connected} authenticated (${c.failed} failed) in ${c.seconds.toFixed(1)} s; gateway-process RSS ${mb(rssBefore)} → ${mb(rssAfter)}: ${((rssAfter - rssBefore) / Math.max(1, c.connected) / 1024).toFixed(1)} KB per connection (aedes, PGlite and ingest share the process)`);

  // (2) paced
  const rowsBefore = await count(stack, 'J%');
  fleet.send({ type: 'paced', seconds: CFG.seconds, fixEveryMs: CFG.fixEveryMs, heartbeatEveryMs: CFG.heartbeatEveryMs });
  const p = await next('paced-done');
  await sleep(1000);
  const stored = (await count(stack, 'J%')) - rowsBefore;
  const [dup] = await stack.ds.query(`SELECT count(*)::int - count(DISTINCT (unit_id, ts))::int AS d FROM unit_positions WHERE unit_id LIKE 'J%'`);
  // Lost = acknowledged (0x8001) but not stored: the promise broken. Sent but not yet stored when the
  // phase ends is a backlog (its terminals got no 0x8001 and would resend), reported apart.
  out(`paced: ${p.sent} fixes sent in ${p.seconds.toFixed(0)} s (${(p.sent / CFG.seconds).toFixed(0)} fixes/s), ${p.acked} acknowledged (0x8001), ${stored} stored; lost (acknowledged, not stored) ${Math.max(0, p.acked - stored)}; not yet stored at the end (no 0x8001, backlog) ${p.sent - stored}; duplicated rows ${dup.d}; ${p.disconnected} terminals disconnected`);
  out(`paced: frame → committed (0x8001) p50 ${ms(p.latency.p50)}, p99 ${ms(p.latency.p99)}, max ${ms(p.latency.max)}`);
  // The flat-out phase must not run on the paced phase's backlog (its figure would be the backlog's).
  const drainFrom = Date.now();
  let drained = stored;
  while (drained < p.sent && Date.now() - drainFrom < 180_000) {
    await sleep(500);
    drained = (await count(stack, 'J%')) - rowsBefore;
  }
  out(`paced: backlog ${drained >= p.sent ? 'drained' : 'NOT drained'} ${((Date.now() - drainFrom) / 1000).toFixed(1)} s after the phase: ${drained}/${p.sent} stored`);

  // (3) flat out: JT/T 808, then the MQTT pipeline with the same number of fixes
  fleet.send({ type: 'exit' });
  await sleep(500);
  const flatFleet = fork(resolve(__dirname, 'support/jt808-fleet.ts'), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  flatFleet.on('message', (m: Record<string, any>) => {
    inbox.push(m);
    wake?.();
  });
  await next('ready');
  flatFleet.send({ type: 'connect', host: '127.0.0.1', port, first: CFG.terminals, count: CFG.flatTerminals, authCode: AUTH_CODE });
  await next('connected');
  const baseTs = Math.floor(Date.now() / 1000) * 1000 - 3600_000;
  flatFleet.send({ type: 'flat', perTerminal: CFG.flatPerTerminal, window: CFG.flatWindow, baseTs });
  const f = await next('flat-done');
  const jtRate = f.acked / f.seconds;
  out(`flat out JT/T 808: ${f.acked}/${f.sent} (of ${CFG.flatTerminals * CFG.flatPerTerminal} planned) fixes committed and acknowledged in ${f.seconds.toFixed(1)} s = ${jtRate.toFixed(0)} fixes/s (p50 ${ms(f.latency.p50)}, p99 ${ms(f.latency.p99)})`);
  flatFleet.send({ type: 'exit' });

  const mqttFixes = CFG.flatTerminals * CFG.flatPerTerminal;
  const before = await count(stack, 'U%');
  const pub = await startPublisher({ url: stack.mqttUrl, units: CFG.flatTerminals, perUnit: CFG.flatPerTerminal, datasetNow: Date.now(), clients: 8, window: 500, rate: 0 });
  const report = await pub.run();
  let n = 0;
  const until = Date.now() + 60_000;
  while ((n = (await count(stack, 'U%')) - before) < mqttFixes && Date.now() < until) await sleep(20);
  const mqttSeconds = (Date.now() - report.startedAt) / 1000;
  const mqttRate = n / mqttSeconds;
  out(`flat out MQTT (bench:ingest's publisher, same ingest): ${n}/${mqttFixes} fixes committed in ${mqttSeconds.toFixed(1)} s = ${mqttRate.toFixed(0)} fixes/s`);
  out(`ratio JT/T 808 / MQTT pipeline: ${(jtRate / mqttRate).toFixed(2)}`);
  out(`host: load ${(await import('node:os')).loadavg().map((l) => l.toFixed(1)).join(' ')}, ${new Date().toISOString()}`);

  await gateway.close();
  receipts.failAll('bench over');
  await uplink.close();
  directory.stop();
  await worker.stop();
  await stack.close();
  process.exit(0);
}

async function count(stack: { ds: { query(q: string, p?: unknown[]): Promise<any> } }, like: string): Promise<number> {
  const [r] = await stack.ds.query(`SELECT count(*)::int AS n FROM unit_positions WHERE unit_id LIKE $1`, [like]);
  return r.n;
}

main().catch((e: Error) => {
  process.stderr.write(`bench:jt808 failed: ${e.stack ?? e.message}\n`);
  process.exit(1);
});
