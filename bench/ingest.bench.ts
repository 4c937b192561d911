// npm run bench:ingest
// Ingest throughput against its own ceiling, measured in one run on each stack (real Mosquitto +
// PostgreSQL when reachable, embedded aedes + PGlite/TimescaleDB):
//   (a) ceiling:  the fleet publisher into a QoS1 subscriber that only counts (acks at once);
//   (b) pipeline: the same publisher into an IngestWorker, until every fix is committed.
// Prints msgs/s of each, the ratio b/a, lost and duplicate messages, publish→committed p50/p99.
// Figures and goals are printed, never asserted: the exit code is non-zero only on an error.
// See bench/README.md for the method and the figures measured.
import { TOPIC_FILTERS } from '@rescue/contracts';
import { existsSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { cpus } from 'node:os';
import { Client } from 'pg';
import pino from 'pino';
import { Registry } from 'prom-client';
import { connectAsync } from 'mqtt';
import { Fix, TelemetryPipeline } from '@rescue/telemetry';
import { IngestRepository } from '@rescue/persistence';
import { IngestMetrics } from '../apps/server/src/ingest/ingest-metrics';
import { CommittedListener, IngestWorker, IngestWorkerOptions } from '../apps/server/src/ingest/ingest-worker';
import { embeddedStack, realStack, Stack, TEST_TELEMETRY } from '../test/support/ingest-stack';
import { startPublisher } from './support/publisher';
import { childPids, load1, PhaseProbe, ProbeResult, quietHost } from './support/probe';
import { positiveEnv } from './support/env';

const env = positiveEnv;

const CFG = {
  units: env('BENCH_UNITS', 500),
  perUnit: env('BENCH_FIXES_PER_UNIT', 400),
  clients: env('BENCH_CLIENTS', 8),
  window: env('BENCH_WINDOW', 500),
  batchMaxRows: env('BENCH_BATCH_MAX_ROWS', 1000),
  batchMaxWaitMs: env('BENCH_BATCH_MAX_WAIT_MS', 50),
  maxPending: env('BENCH_MAX_PENDING', 20000),
  /** After the publisher is done, how long without a new commit before the rest counts as lost. */
  stallMs: env('BENCH_STALL_MS', 15000),
  /**
   * Rate of the paced latency phase; default: the goal rate (0.8 × the ceiling just measured), but never
   * more than PACED_SHARE of what this stack's pipeline sustained flat out: asked for more than it can
   * carry, the broker's queue grows and p99 measures the queue, not the pipeline.
   */
  pacedRate: process.env.BENCH_PACED_RATE ? env('BENCH_PACED_RATE', 1) : null,
  /** Ceiling/pipeline pairs per stack: on a shared host, the median ratio of several pairs is steadier. */
  rounds: env('BENCH_ROUNDS', 1),
  /** Before each phase, wait up to this long for a second of idle host (shared machines). */
  quietWaitMs: env('BENCH_QUIET_WAIT_MS', 15000),
  stacks: (process.env.BENCH_STACKS ?? 'real,embedded').split(',').map((s) => s.trim()),
  /** A directory: V8 CPU profile of the main thread (the consumer) during each flat-out pipeline phase. */
  cpuProfDir: process.env.BENCH_CPU_PROF ?? null,
  /** Event-loop phase: the steady ingest rate (the simulator's 500 units at 1 fix/s) and its length. */
  loopRate: env('BENCH_LOOP_RATE', 500),
  loopSeconds: env('BENCH_LOOP_SECONDS', 30),
};
const GOAL = { ratio: 0.8, lost: 0, p99Ms: 500, loopP99Ms: 10 };
/** The paced phase runs at most at this share of the stack's flat-out pipeline rate. */
const PACED_SHARE = 0.9;

const out = (s = ''): boolean => process.stdout.write(s + '\n');
const now = (): number => performance.timeOrigin + performance.now();
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface Row {
  stack: string;
  round: number;
  phase: 'ceiling' | 'pipeline' | 'paced' | 'loop';
  messages: number;
  seconds: number;
  rate: number;
  lost: number;
  duplicates: number;
  p50: number | null;
  p99: number | null;
  probe: ProbeResult;
  /** Pipeline phases: batch commits, mean rows per commit and mean commit time. */
  commits?: { n: number; meanRows: number; meanMs: number };
  /** Loop phase: event-loop delay of this thread (where the API runs in the server), ms. */
  loopDelay?: { p50: number; p99: number; max: number };
  note?: string;
}

/** The fleet's fixes: index u * perUnit + k is unit u's k-th fix, at t0 + k s (fleetDataset). */
class FleetIndex {
  readonly total: number;
  readonly datasetNow = Date.now();
  readonly t0: number;
  constructor(readonly perUnit = CFG.perUnit) {
    this.total = CFG.units * perUnit;
    this.t0 = this.datasetNow - (perUnit + 60) * 1000;
  }
  of(unitId: string, ts: number): number {
    const u = Number(unitId.slice(1));
    const k = (ts - this.t0) / 1000;
    if (!(u >= 0 && u < CFG.units && Number.isInteger(k) && k >= 0 && k < this.perUnit)) throw new Error(`fix not in the fleet: ${unitId} ${ts}`);
    return u * this.perUnit + k;
  }
}

const fleetFilter = (shareGroup: string | null): string =>
  shareGroup ? `$share/${shareGroup}/${TOPIC_FILTERS.position}` : TOPIC_FILTERS.position;

/** (a) The ceiling: the same fleet into a QoS1 persistent-session subscriber that only counts. */
async function ceiling(stack: Stack, fleet: FleetIndex, shareGroup: string | null, services: Services): Promise<Row> {
  const clientId = `bench-count-${process.pid}`;
  const sub = await connectAsync(stack.mqttUrl, { clientId, clean: false, protocolVersion: 4, reconnectPeriod: 0 });
  await sub.subscribeAsync(fleetFilter(shareGroup), { qos: 1 });
  let received = 0;
  let lastAt = 0;
  let allIn: () => void = () => undefined;
  const complete = new Promise<void>((r) => (allIn = r));
  sub.on('message', () => {
    lastAt = now();
    if (++received === fleet.total) allIn();
  });
  const pub = await startPublisher({ url: stack.mqttUrl, units: CFG.units, perUnit: fleet.perUnit, datasetNow: fleet.datasetNow, clients: CFG.clients, window: CFG.window, rate: 0 });
  const probe = await new PhaseProbe(services).begin();
  const report = await pub.run();
  const done = await Promise.race([complete.then(() => true), stalled(() => received, CFG.stallMs)]);
  await sleep(300); // a redelivered copy would arrive now
  const probed = await probe.stop();
  await sub.endAsync();
  // Drop the persistent session, or the broker would queue the pipeline phase's messages for it.
  await (await connectAsync(stack.mqttUrl, { clientId, clean: true, reconnectPeriod: 0 })).endAsync();
  const seconds = (lastAt - report.startedAt) / 1000;
  return {
    stack: stack.name, round: 0, phase: 'ceiling', messages: report.acked, seconds, rate: Math.min(received, fleet.total) / seconds,
    lost: Math.max(0, fleet.total - received), duplicates: Math.max(0, received - fleet.total), p50: null, p99: null, probe: probed,
    note: done ? undefined : 'incomplete',
  };
}

/** (b) The pipeline: an IngestWorker (acks after commit) until every fix is committed, then the DB is counted. */
async function pipeline(stack: Stack, fleet: FleetIndex, shareGroup: string | null, services: Services, rate: number, phase: Row['phase'] = rate ? 'paced' : 'pipeline'): Promise<Row> {
  const committed = new Uint8Array(fleet.total);
  const latencies = new Float64Array(fleet.total);
  let distinct = 0;
  let lastCommitAt = 0;
  let allIn: () => void = () => undefined;
  const complete = new Promise<void>((r) => (allIn = r));
  let publishedAt: Float64Array = new Float64Array(0);
  // In-process: the listener runs in the worker's event loop right after each commit, and reads the
  // publish time the publisher thread stored in shared memory (same process, same clock).
  const onCommitted: CommittedListener = ({ fixes }: { fixes: Fix[] }) => {
    const at = now();
    lastCommitAt = at;
    for (const f of fixes) {
      const i = fleet.of(f.unitId, f.ts);
      if (committed[i]) continue;
      committed[i] = 1;
      latencies[distinct++] = at - publishedAt[i]!;
    }
    if (distinct === fleet.total) allIn();
  };
  const metrics = new IngestMetrics(new Registry());
  const opts: IngestWorkerOptions = {
    mqttUrl: stack.mqttUrl, clientId: `bench-ingest-${process.pid}`, shareGroup,
    batchMaxRows: CFG.batchMaxRows, batchMaxWaitMs: CFG.batchMaxWaitMs, maxPending: CFG.maxPending,
  };
  const worker = new IngestWorker(opts, new TelemetryPipeline(TEST_TELEMETRY), new IngestRepository(stack.ds), metrics,
    pino({ level: process.env.LOG_LEVEL ?? 'silent' }), onCommitted);
  await worker.start();
  const pub = await startPublisher({ url: stack.mqttUrl, units: CFG.units, perUnit: fleet.perUnit, datasetNow: fleet.datasetNow, clients: CFG.clients, window: CFG.window, rate });
  publishedAt = pub.publishedAt;
  const profiler = !rate && CFG.cpuProfDir ? await startProfile() : null;
  const probe = await new PhaseProbe(services).begin();
  // Delay of this thread's event loop: in the server, the one that also answers HTTP.
  const loop = monitorEventLoopDelay({ resolution: 1 });
  loop.enable();
  const report = await pub.run();
  const done = await Promise.race([complete.then(() => true), stalled(() => distinct, CFG.stallMs)]);
  loop.disable();
  await sleep(300);
  const probed = await probe.stop();
  if (profiler) await profiler(`${CFG.cpuProfDir}/pipeline-${stack.name.split(' ')[0]}-${Date.now()}.cpuprofile`);
  await worker.stop();
  // Clean session: drop the worker's persistent session (and anything still queued for it).
  await (await connectAsync(stack.mqttUrl, { clientId: opts.clientId, clean: true, reconnectPeriod: 0 })).endAsync();

  // The database is the judge: distinct stored fixes, and rows beyond one per (unit, ts).
  const [db] = await stack.ds.query(
    `SELECT count(*)::int AS rows, count(DISTINCT (unit_id, ts))::int AS keys FROM unit_positions WHERE unit_id LIKE 'U%'`,
  );
  const received = (await metrics.received.get()).values[0]?.value ?? 0;
  const hist = (await metrics.commitSeconds.get()).values;
  const nCommits = hist.find((v) => v.metricName?.endsWith('_count'))?.value ?? 0;
  const sumS = hist.find((v) => v.metricName?.endsWith('_sum'))?.value ?? 0;
  const sorted = latencies.subarray(0, distinct).sort();
  const pct = (p: number): number | null => (distinct ? sorted[Math.min(distinct - 1, Math.floor(p * distinct))]! : null);
  const seconds = (lastCommitAt - report.startedAt) / 1000;
  return {
    stack: stack.name, round: 0, phase, messages: report.acked, seconds, rate: db.keys / seconds,
    lost: fleet.total - db.keys,
    // Copies beyond one: redeliveries the worker saw (the pipeline dead-letters them as 'duplicate')
    // plus rows stored twice (impossible with the primary key; counted to prove it).
    duplicates: Math.max(0, received - fleet.total) + (db.rows - db.keys),
    p50: pct(0.5), p99: pct(0.99), probe: probed,
    commits: { n: nCommits, meanRows: nCommits ? received / nCommits : 0, meanMs: nCommits ? (sumS * 1000) / nCommits : 0 },
    loopDelay: { p50: loop.percentile(50) / 1e6, p99: loop.percentile(99) / 1e6, max: loop.max / 1e6 },
    note: done ? undefined : `incomplete after ${CFG.stallMs} ms without progress`,
  };
}

/** Starts V8's CPU profiler on this thread; the returned function stops it and writes the profile. */
async function startProfile(): Promise<(file: string) => Promise<void>> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  return async (file) => {
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(file, JSON.stringify(profile));
    out(`[cpu profile] ${file}`);
    session.disconnect();
  };
}

/** Resolves false once `progress()` has not moved for `ms`. */
async function stalled(progress: () => number, ms: number): Promise<false> {
  let last = progress();
  let since = Date.now();
  for (;;) {
    await sleep(200);
    const p = progress();
    if (p !== last) {
      last = p;
      since = Date.now();
    } else if (Date.now() - since > ms) return false;
  }
}

async function pgReachable(): Promise<string | null> {
  const url = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const c = new Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await c.connect();
    await c.query('SELECT 1');
    return url;
  } catch (e) {
    out(`[skip] real stack: PostgreSQL at ${url} not reachable (${(e as Error).message})`);
    return null;
  } finally {
    await c.end().catch(() => undefined);
  }
}

/** Lists the broker and database processes of a stack (for their CPU), or null when they run in this process. */
type Services = (() => Promise<number[]>) | null;

interface StackPlan {
  open: () => Promise<Stack>;
  shareGroup: string | null;
  services: (stack: Stack) => Services;
}

async function plannedStacks(): Promise<StackPlan[]> {
  const list: StackPlan[] = [];
  if (CFG.stacks.includes('real')) {
    const mosquitto = process.env.RC_TEST_MOSQUITTO ?? ['/usr/sbin/mosquitto', '/usr/bin/mosquitto'].find((p) => existsSync(p));
    const pg = await pgReachable();
    if (!mosquitto) out('[skip] real stack: no mosquitto binary (set RC_TEST_MOSQUITTO)');
    if (mosquitto && pg) {
      process.env.RC_TEST_PG_URL = pg; // what scratchPostgres reads
      list.push({
        open: () => realStack(mosquitto),
        // Through a $share group, as several workers would (config INGEST_SHARE_GROUP; the shipped
        // single-worker Mosquitto deployment subscribes plainly, see README Production).
        shareGroup: 'ingest',
        // Mosquitto is our child; the PostgreSQL backends are those serving the scratch database.
        services: (stack) => async () => {
          const rows: Array<{ pid: number }> = await stack.ds.query(`SELECT pid FROM pg_stat_activity WHERE datname = current_database()`);
          return [...childPids('mosquitto'), ...rows.map((r) => r.pid)];
        },
      });
    }
  }
  if (CFG.stacks.includes('embedded')) list.push({ open: embeddedStack, shareGroup: null, services: () => null });
  return list;
}

/** Before each phase: wait for the shared host to calm down, and say how busy it was. */
async function settle(label: string): Promise<void> {
  const q = await quietHost(25, CFG.quietWaitMs);
  out(`[${label}] host ${q.busyPct.toFixed(0)} % busy before start (waited ${(q.waitedMs / 1000).toFixed(0)} s, load1 ${load1().toFixed(1)})`);
}

async function runStack(plan: StackPlan, rows: Row[]): Promise<void> {
  const stack = await plan.open();
  const services = plan.services(stack);
  const reset = (): Promise<unknown> => stack.ds.query(`TRUNCATE unit_positions, ingest_dead_letters`);
  try {
    const ceilings: number[] = [];
    const flatOut: number[] = [];
    for (let round = 1; round <= CFG.rounds; round++) {
      await settle(`${stack.name}: ceiling, round ${round}`);
      const ceil = await ceiling(stack, new FleetIndex(), plan.shareGroup, services);
      rows.push({ ...ceil, round });
      ceilings.push(ceil.rate);
      await settle(`${stack.name}: pipeline, flat out, round ${round}`);
      const flat = await pipeline(stack, new FleetIndex(), plan.shareGroup, services, 0);
      rows.push({ ...flat, round });
      flatOut.push(flat.rate);
      await reset();
    }
    const goalRate = GOAL.ratio * median(ceilings);
    const capped = PACED_SHARE * median(flatOut);
    const rate = Math.round(CFG.pacedRate ?? Math.min(goalRate, capped));
    const why = CFG.pacedRate ? 'BENCH_PACED_RATE' : goalRate <= capped ? `goal rate ${GOAL.ratio} × ceiling` : `${PACED_SHARE} × flat-out pipeline ${f0(median(flatOut))} msg/s, below the goal rate ${f0(goalRate)}`;
    await settle(`${stack.name}: pipeline, paced at ${f0(rate)} msg/s (${why})`);
    rows.push({ ...(await pipeline(stack, new FleetIndex(), plan.shareGroup, services, rate)), round: 0 });
    await reset();
    // The dispatch API's load: a steady fleet, not a flood. What the event loop that serves HTTP sees.
    const perUnit = Math.max(1, Math.round((CFG.loopRate * CFG.loopSeconds) / CFG.units));
    await settle(`${stack.name}: pipeline at ${f0(CFG.loopRate)} msg/s, event-loop delay`);
    rows.push({ ...(await pipeline(stack, new FleetIndex(perUnit), plan.shareGroup, services, CFG.loopRate, 'loop')), round: 0 });
  } finally {
    await stack.close();
  }
}

const f0 = (x: number): string => Math.round(x).toLocaleString('en-US');
const fms = (x: number | null): string => (x === null ? '-' : x < 10 ? x.toFixed(1) : f0(x));

function printTable(rows: Row[]): void {
  const head = ['stack', 'phase', 'messages', 's', 'msgs/s', 'b/a', 'lost', 'dup', 'p50 ms', 'p99 ms', 'CPU µs/msg', 'RSS peak', 'node CPU', 'svc CPU', 'host CPU'];
  const body = rows.map((r) => {
    const ratio = r.phase === 'ceiling' || r.phase === 'loop' ? '' : ratioOf(rows, r).toFixed(2);
    const pct = (x: number | null): string => (x === null ? '-' : `${f0(x)} %`);
    return [
      r.stack, r.phase + (r.round ? ` ${r.round}` : '') + (r.note ? ` (${r.note})` : ''), f0(r.messages), r.seconds.toFixed(2), f0(r.rate), ratio, f0(r.lost), f0(r.duplicates),
      fms(r.p50), fms(r.p99), f0((r.probe.ownCpuS / r.messages) * 1e6), `${f0(r.probe.rssPeakMb)} MB`, pct(r.probe.nodeCpuPct), pct(r.probe.servicesCpuPct), pct(r.probe.hostCpuPct),
    ];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  out(line(head));
  out(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const b of body) out(line(b));
  for (const r of rows.filter((x) => x.commits)) {
    const c = r.commits!;
    const d = r.loopDelay!;
    out(
      `${r.stack} ${r.phase}: ${f0(c.n)} commits, ${f0(c.meanRows)} messages and ${c.meanMs.toFixed(1)} ms each on average; ` +
        `event-loop delay p50 ${fms(d.p50)} / p99 ${fms(d.p99)} / max ${fms(d.max)} ms`,
    );
  }
  out('CPU in % of one core (host: % of all cores, anyone\'s); svc = Mosquitto + PostgreSQL backends; RSS = this Node process;');
  out('CPU µs/msg = CPU time of this process + svc per message: the cost, independent of whoever else loads the host');
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

/** A pipeline row against the ceiling of its round; the paced row against the median ceiling. */
function ratioOf(rows: Row[], r: Row): number {
  const ceilings = rows.filter((c) => c.stack === r.stack && c.phase === 'ceiling' && (r.round === 0 || c.round === r.round));
  return ceilings.length ? r.rate / median(ceilings.map((c) => c.rate)) : NaN;
}

/** CPU cost of the ceiling over the pipeline's: what the ratio would be on a host where only this runs and CPU is the limit. */
function costRatioOf(rows: Row[], r: Row): number {
  const c = rows.find((x) => x.stack === r.stack && x.phase === 'ceiling' && x.round === r.round);
  const us = (x: Row): number => x.probe.ownCpuS / x.messages;
  return c ? us(c) / us(r) : NaN;
}

function printGoals(rows: Row[]): void {
  const mark = (ok: boolean): string => (ok ? 'met' : 'MISSED');
  for (const stack of [...new Set(rows.map((r) => r.stack))]) {
    const flat = rows.filter((r) => r.stack === stack && r.phase === 'pipeline');
    const paced = rows.find((r) => r.stack === stack && r.phase === 'paced');
    const ratio = median(flat.map((p) => ratioOf(rows, p)));
    const cost = median(flat.map((p) => costRatioOf(rows, p)));
    const loop = rows.find((r) => r.stack === stack && r.phase === 'loop');
    const lost = [...flat, ...(paced ? [paced] : []), ...(loop ? [loop] : [])].reduce((a, r) => a + r.lost, 0);
    const p99 = paced?.p99 ?? null;
    const loopP99 = loop?.loopDelay?.p99 ?? null;
    out(
      `${stack}: ratio ${ratio.toFixed(2)}${flat.length > 1 ? ` (median of ${flat.length})` : ''} ≥ ${GOAL.ratio} ${mark(ratio >= GOAL.ratio)} ` +
        `[CPU-cost ratio ${cost.toFixed(2)}]; lost ${lost} = ${GOAL.lost} ${mark(lost === GOAL.lost)}; ` +
        `p99 at ${f0(paced?.rate ?? 0)} msg/s ${fms(p99)} ms < ${GOAL.p99Ms} ms ${mark(p99 !== null && p99 < GOAL.p99Ms)}; ` +
        `event-loop delay p99 at ${f0(loop?.rate ?? 0)} msg/s ${fms(loopP99)} ms < ${GOAL.loopP99Ms} ms ${mark(loopP99 !== null && loopP99 < GOAL.loopP99Ms)}`,
    );
  }
}

async function main(): Promise<void> {
  out(`bench:ingest  ${new Date().toISOString()}  node ${process.version}  ${cpus().length} cores`);
  out(
    `fleet: ${CFG.units} units × ${CFG.perUnit} fixes = ${f0(CFG.units * CFG.perUnit)} QoS1 messages per phase, from ` +
      `${CFG.clients} MQTT connections in a worker thread of this process, ≤ ${CFG.window} unacknowledged each`,
  );
  out(`worker: batchMaxRows ${CFG.batchMaxRows}, batchMaxWaitMs ${CFG.batchMaxWaitMs}, maxPending ${CFG.maxPending}; PUBACK after commit`);
  out('phases: ceiling = flat out into a counting subscriber; pipeline = flat out into IngestWorker until committed;');
  out('        paced = IngestWorker at a steady rate (latency goal); latency = publish → commit, one clock (same process);');
  out(`        loop = IngestWorker at ${CFG.loopRate} msg/s for ~${CFG.loopSeconds} s: event-loop delay of the consumer's thread (the server's HTTP thread)`);
  out();
  const rows: Row[] = [];
  for (const plan of await plannedStacks()) await runStack(plan, rows);
  out();
  printTable(rows);
  out();
  out(`goals (QoS1, ${CFG.units} units): ratio ≥ ${GOAL.ratio} (flat out), 0 lost, p99 < ${GOAL.p99Ms} ms (paced), event-loop delay p99 < ${GOAL.loopP99Ms} ms at ${CFG.loopRate} msg/s`);
  printGoals(rows);
}

main().then(
  () => process.exit(0),
  (e: Error) => {
    process.stderr.write(`bench:ingest failed: ${e.stack ?? e.message}\n`);
    process.exit(1);
  },
);
