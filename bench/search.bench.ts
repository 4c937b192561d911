// npm run bench:search
// Place search on the largest shipped extract (northern Anhui, OSM 2017, Chinese names): index build
// time and memory, then the latency of a query set drawn from the extract's own names (exact, half
// typed, one wrong character or letter, Latin names, single characters, with and without `near`),
// how often the place the query came from is in the top 5, and a plain linear substring scan over the
// same names as the in-run baseline. Run the reported figures under `flock /tmp/rc-bench.lock`.
import { loadavg } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { seededRandom } from '@rescue/common';
import { compact, Geocoder, type GeoFeature, isCjk } from '@rescue/geocode';

const EXTRACT = process.env['SEARCH_EXTRACT'] ?? 'data/osm/anhui-north-2017.osm.pbf';
const PER_KIND = Number(process.env['SEARCH_QUERIES'] ?? 250);
const WARM_UP = 200;

const out = (s: string): boolean => process.stdout.write(s + '\n');
const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};
const f2 = (x: number): string => x.toFixed(2);
const mb = (b: number): string => (b / 1048576).toFixed(1);
const gc = (): void => (globalThis as { gc?: () => void }).gc?.();

interface Query {
  kind: string;
  q: string;
  /** The feature it was made from (null: no single right answer). */
  from: GeoFeature | null;
  near?: { lat: number; lon: number };
}

function makeQueries(features: readonly GeoFeature[], rand: () => number): Query[] {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const cjk = features.filter((f) => isCjk(f.name) && [...f.name].length >= 3);
  const latin = features.filter((f) => f.names.some((n) => /^[A-Za-z][A-Za-z '-]{4,}$/.test(n)));
  const hanChars = [...new Set(cjk.flatMap((f) => [...f.name]))];
  const qs: Query[] = [];
  for (let i = 0; i < PER_KIND; i++) {
    const a = pick(cjk);
    const chars = [...a.name];
    qs.push({ kind: 'zh exact', q: a.name, from: a });
    const b = pick(cjk);
    const bc = [...b.name];
    qs.push({ kind: 'zh prefix', q: bc.slice(0, Math.max(2, Math.ceil(bc.length / 2))).join(''), from: b });
    // One character replaced by another character of the extract (a wrong homophone typed by pinyin IME).
    const c = pick(cjk.filter((f) => [...f.name].length >= 4));
    const cc = [...c.name];
    cc[1 + Math.floor(rand() * (cc.length - 1))] = pick(hanChars);
    qs.push({ kind: 'zh typo', q: cc.join(''), from: c });
    qs.push({ kind: 'zh exact+near', q: chars.join(''), from: a, near: { lat: a.lat + (rand() - 0.5) * 0.2, lon: a.lon + (rand() - 0.5) * 0.2 } });
    const l = pick(latin);
    const name = l.names.find((n) => /^[A-Za-z][A-Za-z '-]{4,}$/.test(n))!;
    qs.push({ kind: 'latin exact', q: name, from: l });
    // Latin with a typo: one letter of the longest word dropped, and the last word cut short.
    const words = name.split(' ');
    const w = words.reduce((x, y) => (y.length > x.length ? y : x));
    const k = 1 + Math.floor(rand() * (w.length - 2));
    qs.push({ kind: 'latin typo', q: words.map((x) => (x === w ? x.slice(0, k) + x.slice(k + 1) : x)).join(' '), from: l });
    qs.push({ kind: 'latin prefix', q: name.slice(0, Math.max(3, Math.ceil(name.length / 2))), from: l });
    // One character (院, 村): thousands of candidates, the worst case.
    qs.push({ kind: 'zh 1 char', q: pick(['院', '村', '路', '镇', '站', '医', '学', '庄']), from: null, near: { lat: a.lat, lon: a.lon } });
  }
  return qs;
}

async function main(): Promise<void> {
  const started = new Date().toISOString();
  out(`bench:search ${started}  load ${loadavg().map((x) => x.toFixed(2)).join(' ')}  node ${process.version}  extract ${EXTRACT}`);
  if (!(globalThis as { gc?: unknown }).gc) out('(run with NODE_OPTIONS=--expose-gc for heap figures after collection)');
  gc();
  const m0 = process.memoryUsage();
  const t0 = performance.now();
  const phases: string[] = [];
  let last = t0;
  const g = Geocoder.fromExtract(EXTRACT, (phase, done, total) => {
    if (done === total) {
      const now = performance.now();
      phases.push(`${phase} ${(now - last).toFixed(0)} ms`);
      last = now;
    }
  });
  const buildMs = performance.now() - t0;
  phases.push(`index ${(performance.now() - last).toFixed(0)} ms`);
  gc();
  const m1 = process.memoryUsage();
  out(`index: ${g.stats.features} places, ${g.stats.roads} named road ways (${g.stats.roadSegments} segments); kinds ${JSON.stringify(g.stats.byKind)}`);
  out(`build ${buildMs.toFixed(0)} ms (${phases.join(', ')}); heap +${mb(m1.heapUsed - m0.heapUsed)} MB (${mb(m1.heapUsed)} MB), RSS +${mb(m1.rss - m0.rss)} MB (${mb(m1.rss)} MB)`);

  const rand = seededRandom(14);
  const queries = makeQueries(g.places.features, rand);
  for (const q of queries.slice(0, WARM_UP)) g.places.search(q.q, { limit: 10, ...(q.near ? { near: q.near } : {}) });

  const times = new Map<string, number[]>();
  const found = new Map<string, { top1: number; top5: number; n: number }>();
  const all: number[] = [];
  for (const q of queries) {
    const t = performance.now();
    const hits = g.places.search(q.q, { limit: 10, ...(q.near ? { near: q.near } : {}) });
    const dt = performance.now() - t;
    all.push(dt);
    (times.get(q.kind) ?? times.set(q.kind, []).get(q.kind)!).push(dt);
    if (q.from) {
      const r = found.get(q.kind) ?? { top1: 0, top5: 0, n: 0 };
      // The same place may be a node and an area, or a name shared by several places: count a hit on its name at its place.
      const same = (h: GeoFeature): boolean => h === q.from || (compact(h.name) === compact(q.from!.name) && Math.abs(h.lat - q.from!.lat) < 0.01 && Math.abs(h.lon - q.from!.lon) < 0.01);
      const at = hits.findIndex((h) => same(h.feature));
      r.n++;
      if (at === 0) r.top1++;
      if (at >= 0 && at < 5) r.top5++;
      found.set(q.kind, r);
    }
  }

  // Baseline: every name compacted once, then a substring test per name per query (what a small
  // system would do without an index; no typos, no ranking).
  const names = g.places.features.map((f) => f.names.map(compact));
  const lin: number[] = [];
  for (const q of queries) {
    const c = compact(q.q);
    const t = performance.now();
    let n = 0;
    for (const ns of names) if (ns.some((x) => x.includes(c))) n++;
    lin.push(performance.now() - t);
    if (n < 0) out('');
  }

  out('');
  out('| queries | n | p50 ms | p95 ms | p99 ms | max ms | in top 1 | in top 5 |');
  out('|---|---|---|---|---|---|---|---|');
  for (const [kind, xs] of times) {
    const r = found.get(kind);
    const share = (k: 'top1' | 'top5'): string => (r ? `${((100 * r[k]) / r.n).toFixed(0)} %` : '–');
    out(`| ${kind} | ${xs.length} | ${f2(pct(xs, 50))} | ${f2(pct(xs, 95))} | ${f2(pct(xs, 99))} | ${f2(Math.max(...xs))} | ${share('top1')} | ${share('top5')} |`);
  }
  out(`| **all** | ${all.length} | **${f2(pct(all, 50))}** | ${f2(pct(all, 95))} | **${f2(pct(all, 99))}** | ${f2(Math.max(...all))} | | |`);
  out(`| baseline: linear substring scan | ${lin.length} | ${f2(pct(lin, 50))} | ${f2(pct(lin, 95))} | ${f2(pct(lin, 99))} | ${f2(Math.max(...lin))} | | |`);
  out('');
  out(`p99 ${f2(pct(all, 99))} ms against the 50 ms goal: ${pct(all, 99) < 50 ? 'met' : 'NOT met'}; index p50 / linear scan p50 = ${(pct(all, 50) / pct(lin, 50)).toFixed(2)}`);
  // The server builds with the async variant: how long does the event loop wait at most meanwhile?
  const h = monitorEventLoopDelay({ resolution: 10 });
  h.enable();
  const ta = performance.now();
  await Geocoder.fromExtractAsync(EXTRACT);
  const asyncMs = performance.now() - ta;
  h.disable();
  out(`async build (as the server does it): ${asyncMs.toFixed(0)} ms, event-loop delay p50 ${(h.percentile(50) / 1e6).toFixed(0)} ms, max ${(h.max / 1e6).toFixed(0)} ms (sync build: one ${buildMs.toFixed(0)} ms stall)`);
  const m2 = process.memoryUsage();
  out(`after the queries: heap ${mb(m2.heapUsed)} MB, RSS ${mb(m2.rss)} MB; finished ${new Date().toISOString()}, load ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
}

void main();
