import { readdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';

export interface ProbeResult {
  /** Peak resident memory of this Node process (publisher thread included), sampled every 100 ms. */
  rssPeakMb: number;
  /** CPU time over the phase in % of one core (200 % = both cores of a 2-core host). */
  nodeCpuPct: number;
  /** CPU of the broker and database processes, when they are processes (Mosquitto, PostgreSQL backends). */
  servicesCpuPct: number | null;
  /** Busy CPU of the whole host in % of all cores: anything above node + services is someone else. */
  hostCpuPct: number;
  /** CPU seconds of this process plus the services: the work done, whoever else shares the host. */
  ownCpuS: number;
}

const TICK_S = 0.01; // USER_HZ is 100 on Linux

/** /proc/stat totals; null off Linux (the column then reads 0). */
function hostTicks(): { busy: number; total: number } | null {
  try {
    const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    const idle = cpu[3]! + (cpu[4] ?? 0);
    return { busy: cpu.reduce((a, b) => a + b, 0) - idle, total: cpu.reduce((a, b) => a + b, 0) };
  } catch {
    return null;
  }
}

/** utime + stime of a process in seconds; 0 once it is gone. */
function procCpuS(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) * TICK_S; // fields 14 and 15 of proc(5)
  } catch {
    return 0;
  }
}

/** Direct child processes of this one whose command is `comm` (the Mosquitto that realStack spawned). */
export function childPids(comm: string): number[] {
  const pids: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === process.pid && name === comm) pids.push(Number(d));
    } catch {
      // the process ended while we listed
    }
  }
  return pids;
}

/** Waits (up to maxMs) for a second in which the host is mostly idle: other work on a shared box skews every figure. */
export async function quietHost(maxBusyPct = 25, maxMs = 30_000): Promise<{ busyPct: number; waitedMs: number }> {
  const t0 = Date.now();
  for (;;) {
    const a = hostTicks();
    await new Promise((r) => setTimeout(r, 1000));
    const b = hostTicks();
    const busy = a && b ? ((b.busy - a.busy) / Math.max(1, b.total - a.total)) * 100 : 0;
    if (busy <= maxBusyPct || Date.now() - t0 > maxMs) return { busyPct: busy, waitedMs: Date.now() - t0 };
  }
}

export const load1 = (): number => loadavg()[0]!;

/** Cheap resource figures of one phase: a 100 ms RSS sampler and CPU counters read at both ends. */
export class PhaseProbe {
  private readonly t0 = performance.now();
  private readonly cpu0 = process.cpuUsage();
  private readonly host0 = hostTicks();
  private readonly svc0 = new Map<number, number>();
  private rssPeak = process.memoryUsage.rss();
  private readonly timer = setInterval(() => (this.rssPeak = Math.max(this.rssPeak, process.memoryUsage.rss())), 100);

  /** `servicePids` lists the broker and database processes, or is null when they live in this process. */
  constructor(private readonly servicePids: (() => Promise<number[]>) | null = null) {}

  async begin(): Promise<this> {
    if (this.servicePids) for (const p of await this.servicePids()) this.svc0.set(p, procCpuS(p));
    return this;
  }

  async stop(): Promise<ProbeResult> {
    clearInterval(this.timer);
    const wallS = (performance.now() - this.t0) / 1000;
    const cpu = process.cpuUsage(this.cpu0);
    const host1 = hostTicks();
    let servicesCpuPct: number | null = null;
    let s = 0;
    if (this.servicePids) {
      // A process that started during the phase spent all its CPU in it (baseline 0).
      for (const p of new Set([...this.svc0.keys(), ...(await this.servicePids())])) s += procCpuS(p) - (this.svc0.get(p) ?? 0);
      servicesCpuPct = (s / wallS) * 100;
    }
    const host = this.host0 && host1 ? (host1.busy - this.host0.busy) / Math.max(1, host1.total - this.host0.total) : 0;
    return {
      rssPeakMb: Math.max(this.rssPeak, process.memoryUsage.rss()) / 2 ** 20,
      nodeCpuPct: ((cpu.user + cpu.system) / 1e6 / wallS) * 100,
      servicesCpuPct,
      hostCpuPct: host * 100,
      ownCpuS: (cpu.user + cpu.system) / 1e6 + s,
    };
  }
}
