// The terminal side of bench:jt808, in its own process (its own file-descriptor table: 10,000 client
// sockets here, 10,000 server sockets in the bench). Driven over IPC: connect, run a paced or flat-out
// phase, report. Latency = from writing a location frame to reading its 0x8001 (sent only once durable).
import { JT808_MSG, locationBody } from '@rescue/telemetry';
import { Jt808TerminalClient } from '../../apps/server/src/simulator/jt808-terminal-client';

interface ConnectMsg { type: 'connect'; host: string; port: number; first: number; count: number; authCode: string }
interface PacedMsg { type: 'paced'; seconds: number; fixEveryMs: number; heartbeatEveryMs: number }
interface FlatMsg { type: 'flat'; perTerminal: number; window: number; baseTs: number }
type Msg = ConnectMsg | PacedMsg | FlatMsg | { type: 'exit' };

const send = (m: unknown): void => void process.send!(m);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
let terminals: Jt808TerminalClient[] = [];
const phoneOf = (i: number): string => `0${13900000000 + i}`;

function percentiles(lat: number[]): { p50: number | null; p99: number | null; max: number | null } {
  if (lat.length === 0) return { p50: null, p99: null, max: null };
  const s = Float64Array.from(lat).sort();
  return { p50: s[Math.floor(0.5 * s.length)]!, p99: s[Math.min(s.length - 1, Math.floor(0.99 * s.length))]!, max: s[s.length - 1]! };
}

async function connectAll(m: ConnectMsg): Promise<void> {
  terminals = [];
  const started = Date.now();
  let failed = 0;
  for (let i = 0; i < m.count; i += 250) {
    await Promise.all(Array.from({ length: Math.min(250, m.count - i) }, async (_, j) => {
      const t = new Jt808TerminalClient(phoneOf(m.first + i + j));
      t.keep = 0;
      try {
        await t.connect(m.host, m.port);
        if ((await t.authenticate(m.authCode)) !== 0) throw new Error('refused');
        terminals.push(t);
      } catch {
        failed++;
        t.destroy();
      }
    }));
  }
  send({ type: 'connected', connected: terminals.length, failed, seconds: (Date.now() - started) / 1000 });
}

async function paced(m: PacedMsg): Promise<void> {
  const lat: number[] = [];
  const pending = new Map<Jt808TerminalClient, Map<number, number>>();
  let sent = 0;
  let acked = 0;
  const keys: string[] = [];
  for (const t of terminals) {
    const p = new Map<number, number>();
    pending.set(t, p);
    t.onGeneralResponse = (serial, msgId, result) => {
      if (msgId !== JT808_MSG.location) return;
      const at = p.get(serial);
      if (at === undefined) return;
      p.delete(serial);
      if (result === 0) {
        acked++;
        lat.push(performance.now() - at);
      }
    };
  }
  const start = performance.now();
  const end = start + m.seconds * 1000;
  const n = terminals.length;
  // each terminal at its own offset in the interval: a smooth 1 fix/s per 10 terminals overall
  const timers: NodeJS.Timeout[] = [];
  terminals.forEach((t, i) => {
    let k = 0;
    const fix = (): void => {
      if (performance.now() > end || !t.connected) return;
      const ts = Math.floor(Date.now() / 1000) * 1000;
      const serial = t.send(JT808_MSG.location, locationBody({ ts, lat: 22.5 + (i % 100) * 0.01 + k * 0.0001, lon: 114 + Math.floor(i / 100) * 0.01, speedKmh: 40, satellites: 10 }));
      pending.get(t)!.set(serial, performance.now());
      keys.push(`${i}:${ts}`);
      sent++;
      k++;
    };
    const hb = (): void => void (t.connected && performance.now() < end && t.heartbeat());
    timers.push(setTimeout(() => (fix(), timers.push(setInterval(fix, m.fixEveryMs))), (m.fixEveryMs * i) / n));
    timers.push(setTimeout(() => timers.push(setInterval(hb, m.heartbeatEveryMs)), (m.heartbeatEveryMs * i) / n + m.fixEveryMs / 2));
  });
  await sleep(m.seconds * 1000);
  for (const t of timers) clearInterval(t);
  // wait for the last acknowledgements
  const until = performance.now() + 30_000;
  while (acked < sent && performance.now() < until) await sleep(200);
  send({ type: 'paced-done', sent, acked, seconds: (performance.now() - start) / 1000, latency: percentiles(lat), distinctKeys: new Set(keys).size, disconnected: terminals.filter((t) => !t.connected).length });
}

async function flat(m: FlatMsg): Promise<void> {
  const lat: number[] = [];
  let sent = 0;
  let acked = 0;
  const start = performance.now();
  await Promise.all(terminals.map(async (t, i) => {
    const inflight = new Map<number, number>();
    let wake: (() => void) | null = null;
    t.onGeneralResponse = (serial, msgId, result) => {
      const at = inflight.get(serial);
      if (msgId !== JT808_MSG.location || at === undefined) return;
      inflight.delete(serial);
      if (result === 0) {
        acked++;
        lat.push(performance.now() - at);
      }
      wake?.();
    };
    for (let k = 0; k < m.perTerminal; k++) {
      while (inflight.size >= m.window) await new Promise<void>((r) => (wake = r));
      const serial = t.send(JT808_MSG.location, locationBody({ ts: m.baseTs + k * 1000, lat: 23 + i * 0.001 + k * 0.0001, lon: 113, speedKmh: 30 }));
      inflight.set(serial, performance.now());
      sent++;
    }
    const until = performance.now() + 30_000;
    while (inflight.size > 0 && performance.now() < until) await new Promise<void>((r) => { wake = r; setTimeout(r, 500); });
  }));
  send({ type: 'flat-done', sent, acked, seconds: (performance.now() - start) / 1000, latency: percentiles(lat) });
}

process.on('message', (m: Msg) => {
  const run = m.type === 'connect' ? connectAll(m) : m.type === 'paced' ? paced(m) : m.type === 'flat' ? flat(m) : Promise.resolve(process.exit(0));
  run.catch((e: Error) => send({ type: 'error', message: e.stack ?? e.message }));
});
send({ type: 'ready' });
