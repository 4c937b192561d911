// Where a server's CPU time went, from a V8 .cpuprofile (node --cpu-prof), for bench:dispatch.
// The profile covers the measured pass only (dispatch-cpu-profiler.cjs starts and stops it on SIGWINCH).
// Each sample goes to one bucket, by the first rule that matches its stack.
import { readFileSync } from 'node:fs';

interface CallFrame { functionName: string; url: string; lineNumber: number }
interface ProfileNode { id: number; callFrame: CallFrame; children?: number[] }
interface CpuProfile { nodes: ProfileNode[]; startTime: number; endTime: number; samples: number[]; timeDeltas: number[] }

export interface ProfileSummary {
  windowS: number;
  /** Bucket → milliseconds of CPU in the window. */
  buckets: Array<{ name: string; ms: number; pct: number }>;
  /** Self time by function inside recommend(), top 12. */
  insideRecommend: Array<{ fn: string; ms: number }>;
  /** Self time outside recommend(), top 12 (what else kept the event loop busy). */
  outside: Array<{ fn: string; ms: number }>;
  /**
   * Busy spans (runs of samples without an idle one) of at least 10 ms: what blocks the event loop
   * long enough to show in the p99. Per bucket: ms inside such spans; plus the longest spans.
   */
  longSpans: { count10: number; count20: number; ms: number; byBucket: Array<{ name: string; ms: number }>; longest: Array<{ ms: number; top: string }> };
}

const has = (stack: CallFrame[], re: RegExp, field: 'url' | 'functionName' = 'url'): boolean => stack.some((c) => re.test(c[field]));

function bucket(stack: CallFrame[]): string {
  const leaf = stack[0]!;
  if (leaf.functionName === '(garbage collector)') return 'garbage collector';
  if (leaf.functionName === '(idle)') return 'idle';
  if (leaf.functionName === '(program)') return 'V8/native (program)';
  const inRec = stack.findIndex((c) => c.functionName === 'recommend' && /recommendation\.service/.test(c.url));
  if (inRec >= 0) {
    const inner = stack.slice(0, inRec);
    if (has(inner, /^route$/, 'functionName')) return 'recommend: route() ×limit';
    if (has(inner, /^snapUnit$/, 'functionName')) return 'recommend: snap units (per new fix)';
    if (has(inner, /^manyToOne$/, 'functionName')) return 'recommend: manyToOne (all units)';
    if (has(inner, /^snap$/, 'functionName')) return 'recommend: snap incident';
    if (has(inner, /live-fleet/)) return 'recommend: fleet.list';
    if (has(inner, /^rankCandidates$/, 'functionName')) return 'recommend: rankCandidates';
    return 'recommend: other';
  }
  if (has(stack, /^stringify$/, 'functionName')) return 'JSON response (stringify)';
  if (has(stack, /pglite|typeorm|persistence|ingest|telemetry|aedes|mqtt|mqemitter|live-fleet|fleet/i)) return 'ingest: MQTT → PGlite → live fleet';
  if (has(stack, /simulator/)) return 'simulator (demo units)';
  if (has(stack, /class-validator|class-transformer|validation/i)) return 'HTTP: body validation';
  if (has(stack, /express|router|@nestjs|body-parser|raw-body|node:_http|node:net|node:stream|finalhandler|on-finished/)) return 'HTTP: Node/Express/Nest';
  if (has(stack, /prom-client|metrics/)) return 'metrics';
  return 'other';
}

export function summarizeProfile(path: string): ProfileSummary {
  const p = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const stackOf = new Map<number, CallFrame[]>();
  const stack = (id: number): CallFrame[] => {
    let s = stackOf.get(id);
    if (!s) {
      s = [];
      for (let x: number | undefined = id; x !== undefined; x = parent.get(x)) s.push(byId.get(x)!.callFrame);
      stackOf.set(id, s);
    }
    return s;
  };
  const buckets = new Map<string, number>();
  const inside = new Map<string, number>();
  const outside = new Map<string, number>();
  let total = 0;
  const name = (c: CallFrame) => `${c.functionName || '(anonymous)'} ${c.url.replace(/^.*\/(node_modules\/)?/, '')}:${c.lineNumber + 1}`;
  for (let i = 0; i < p.samples.length; i++) {
    const dt = (p.timeDeltas[i + 1] ?? p.timeDeltas[i] ?? 0) / 1000; // µs → ms; a sample covers the time to the next one
    const s = stack(p.samples[i]!);
    const b = bucket(s);
    buckets.set(b, (buckets.get(b) ?? 0) + dt);
    total += dt;
    const m = b.startsWith('recommend') ? inside : b === 'idle' ? null : outside;
    if (m) m.set(name(s[0]!), (m.get(name(s[0]!)) ?? 0) + dt);
  }
  // Busy spans between idle samples.
  const spans: Array<{ ms: number; by: Map<string, number> }> = [];
  let cur: { ms: number; by: Map<string, number> } | null = null;
  for (let i = 0; i < p.samples.length; i++) {
    const dt = (p.timeDeltas[i + 1] ?? p.timeDeltas[i] ?? 0) / 1000;
    const b = bucket(stack(p.samples[i]!));
    if (b === 'idle') {
      if (cur) spans.push(cur);
      cur = null;
      continue;
    }
    cur ??= { ms: 0, by: new Map() };
    cur.ms += dt;
    cur.by.set(b, (cur.by.get(b) ?? 0) + dt);
  }
  if (cur) spans.push(cur);
  const long = spans.filter((x) => x.ms >= 10).sort((a, b) => b.ms - a.ms);
  const longBy = new Map<string, number>();
  for (const x of long) for (const [k, v] of x.by) longBy.set(k, (longBy.get(k) ?? 0) + v);
  const mix = (m: Map<string, number>, total: number) =>
    [...m].sort((a, b) => b[1] - a[1]).slice(0, 3).map(([k, v]) => `${k} ${((100 * v) / total).toFixed(0)} %`).join(', ');
  const top = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]).slice(0, 12).map(([fn, ms]) => ({ fn, ms }));
  return {
    windowS: total / 1000,
    buckets: [...buckets].sort((a, b) => b[1] - a[1]).map(([n, ms]) => ({ name: n, ms, pct: (100 * ms) / total })),
    insideRecommend: top(inside),
    outside: top(outside),
    longSpans: {
      count10: long.length, count20: long.filter((x) => x.ms >= 20).length, ms: long.reduce((a, x) => a + x.ms, 0),
      byBucket: [...longBy].sort((a, b) => b[1] - a[1]).map(([name, ms]) => ({ name, ms })),
      longest: long.slice(0, 8).map((x) => ({ ms: x.ms, top: mix(x.by, x.ms) })),
    },
  };
}

if (require.main === module) {
  const s = summarizeProfile(process.argv[2]!);
  console.log(JSON.stringify(s, null, 2));
}
