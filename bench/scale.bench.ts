// npm run bench:scale [-- anhui|province]
// Province scale, from file to answer, on the generated ≥ 2M-junction network (npm run province:
// copies of the real Anhui tile and others joined by trunk roads) and on the real Anhui tile alone:
//   import (streaming read + graph + contraction hierarchy) time and peak RSS, in a child process;
//   cache load and the RSS of a process holding the loaded graph, in another child;
//   in this process: nearest unit for 1,000 incidents among 5,000 units (the plain many-to-one
//   search, the hierarchy plan, and the buckets the server keeps as fixes arrive), 300 stations × 5/10/15/30-min isochrones, a 1030
//   analysis with progress, maximal covering with 3,000 candidates and k = 30;
//   pgRouting (pgr_dijkstraCost over the same directed edges) on a sample of the same incidents,
//   when it is installed.
// Figures and goals are printed, never asserted. Run one at a time: the province run needs ~3 GB.
import { bearingDeg, haversineM, seededRandom } from '@rescue/common';
import { DEFAULT_RANK_POLICY, type RecommendContext, recommend } from '@rescue/dispatch';
import { FleetPositions, LiveFleet } from '@rescue/fleet';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { loadConfig } from '@rescue/config';
import {
  analyseCoverageAsync,
  buildSitingProblem,
  densityFallbackClassifier,
  demandFromExtract,
  type ExtractFeatures,
  maxCover,
  placeSites,
  resolveRule,
  stationIsochrones,
} from '@rescue/coverage';
import { BucketManyToOne, loadGraph, manyToOne, prepareManyToOne, type RoadGraph, snap, type SnappedPoint } from '@rescue/routing';
import { defaultProvinceSources, provinceFileLabel, provinceNetwork } from '@rescue/routing/testing';
import { connectPgRouting, exportEdges } from './lib/pg-graph';

const UNITS = 5000;
const INCIDENTS = 1000;
const STATIONS = 300;
const MINUTES = [5, 10, 15, 30];
const CANDIDATES = 3000;
const K = 30;
const SNAP_M = 500;
const MAX_ETA_S = 2 * 3600; // the server's MAX_ETA_S
/** The server's plain search is timed on this many incidents (all 1,000 on the small network). */
const PLAIN_SAMPLE = Number(process.env['BENCH_PLAIN_SAMPLE'] ?? 100);
const PG_SAMPLE = Number(process.env['BENCH_PG_SAMPLE'] ?? 5);
/** BENCH_SKIP_IMPORT=1: take the graph from the cache a previous `npm run graph -- build` left (its figures are printed there). */
const SKIP_IMPORT = (process.env['BENCH_SKIP_IMPORT'] ?? '') !== '';
/** BENCH_PG=0: no pgRouting baseline (exporting 5M edges takes minutes on a loaded host). */
const WITH_PG = process.env['BENCH_PG'] !== '0';
/** BENCH_NEAREST_ONLY=1: stop after the nearest-unit phase (no pgRouting, isochrones, analysis or covering). */
const NEAREST_ONLY = (process.env['BENCH_NEAREST_ONLY'] ?? '') !== '';
/** Per process, so two runs never share (and drop) one table. */
const EDGE_TABLE = `scale_edges_${process.pid}`;

const out = (s = ''): boolean => process.stdout.write(s + '\n');
const pct = (xs: readonly number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};
const f1 = (x: number): string => x.toFixed(1);
const f3 = (x: number): string => (x < 10 ? x.toFixed(3) : x.toFixed(1));
const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(0)} MB`;
const clock = (): string => new Date().toISOString().slice(11, 19);

/** Run a CLI in a child process and return its stdout, wall time and peak RSS (from GNU time when present). */
function child(args: string[], env: Record<string, string>): { stdout: string; wallS: number } {
  const t = performance.now();
  const r = spawnSync('npx', ['tsx', ...args], { env: { ...process.env, ...env }, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`${args.join(' ')} failed (${r.status}): ${r.stderr.slice(-2000)}`);
  return { stdout: r.stdout, wallS: (performance.now() - t) / 1000 };
}

/** Road pieces as 'residential roads' for the fallback demand and density: the generated file has no buildings. */
function roadFeatures(g: RoadGraph): ExtractFeatures {
  const residentialRoads: ExtractFeatures['residentialRoads'] = [];
  for (let c = 0; c < g.chainCount; c++) {
    const a = g.cShapeStart[c]!, b = g.cShapeStart[c + 1]! - 1;
    residentialRoads.push({ lat: (g.sLat[a]! + g.sLat[b]!) / 2, lon: (g.sLon[a]! + g.sLon[b]!) / 2, lengthM: g.cLength[c]! });
  }
  return { pois: [], buildings: [], residentialRoads, places: [] };
}

/** Seeded vertices of the main network with at least `minDeg` in+out edges. */
function mainVertices(g: RoadGraph, n: number, seed: number, minDeg = 2): number[] {
  const deg = new Int32Array(g.vertexCount);
  for (let e = 0; e < g.edgeCount; e++) {
    deg[g.eSrc[e]!]!++;
    deg[g.eDst[e]!]!++;
  }
  const r = seededRandom(seed);
  const outV = new Set<number>();
  while (outV.size < n) {
    const v = Math.floor(r() * g.vertexCount);
    if (g.vComp[v] === 0 && deg[v]! >= minDeg) outV.add(v);
  }
  return [...outV];
}

/** Points ~20 m off seeded main-network vertices, snapped as the server snaps a fix. */
function points(g: RoadGraph, n: number, seed: number): SnappedPoint[] {
  const r = seededRandom(seed + 1);
  return mainVertices(g, n, seed).map((v) => snap(g, g.vLat[v]! + (r() - 0.5) * 0.0003, g.vLon[v]! + (r() - 0.5) * 0.0003, { maxDistanceM: SNAP_M }));
}

async function benchNetwork(label: string, extract: string, cacheDir: string): Promise<void> {
  out(`\n=== ${label}: ${extract} (© OpenStreetMap contributors, ODbL) ===`);
  if (SKIP_IMPORT) out(`[${clock()}] import skipped (BENCH_SKIP_IMPORT): graph from the cache in ${cacheDir}/graph-cache`);
  else {
    out(`[${clock()}] import: streaming read + graph + contraction hierarchy, child process (npm run graph -- build)`);
    const imp = child(['apps/cli/graph.ts', 'build', extract], { DATA_DIR: cacheDir });
    const line = (name: string): string => imp.stdout.split('\n').find((l) => l.startsWith(name)) ?? `${name} ?`;
    out(`  ${line('graph')}\n  ${line('hierarchy')}\n  ${line('peak RSS')}`);
    out(`  import wall time ${f1(imp.wallS)} s (goal ≤ 240 s on the province; includes tsx start-up ~1 s)`);
  }

  const load = child(['-e', `
    const { loadGraph } = require('./libs/routing/src');
    const t = performance.now();
    const r = loadGraph(${JSON.stringify(extract)}, { cacheDir: ${JSON.stringify(join(cacheDir, 'graph-cache'))} });
    const ms = performance.now() - t;
    global.gc?.();
    console.log(JSON.stringify({ from: r.from, ms, rss: process.memoryUsage().rss, peak: process.resourceUsage().maxRSS * 1024, v: r.graph.vertexCount }));
  `], {});
  const l = JSON.parse(load.stdout.trim().split('\n').pop()!) as { from: string; ms: number; rss: number; peak: number; v: number };
  out(`[${clock()}] cache load in a fresh process: ${l.from}, ${f1(l.ms)} ms (goal ≤ 3 s); RSS with the graph loaded ${mb(l.rss)}, peak ${mb(l.peak)} (goal for the server ≤ 2 GB)`);

  const t0 = performance.now();
  const { graph: g } = loadGraph(extract, { cacheDir: join(cacheDir, 'graph-cache') });
  out(`  this process: ${g.vertexCount} vertices (${g.vertexCount - g.meta.verticesOutsideMain} on the main network), ${g.edgeCount} edges, loaded in ${f1(performance.now() - t0)} ms`);

  // Nearest unit: 5,000 units, 1,000 incidents, all on the main network.
  const units = points(g, UNITS, 11);
  const incidents = points(g, INCIDENTS, 12);
  const tp = performance.now();
  const plan = prepareManyToOne(g, units);
  const prepMs = performance.now() - tp;
  const chTimes: number[] = [];
  const bestCh: number[] = [];
  for (const inc of incidents.slice(0, 50)) plan.query(inc, { maxTimeS: MAX_ETA_S }); // warm-up
  for (const inc of incidents) {
    const t = performance.now();
    const r = plan.query(inc, { maxTimeS: MAX_ETA_S });
    chTimes.push(performance.now() - t);
    bestCh.push(argmin(r.durationS));
  }
  out(`[${clock()}] nearest unit, ${UNITS} units → ${INCIDENTS} incidents, in-process:`);
  out(`  hierarchy plan (prepareManyToOne): prepare ${f1(prepMs)} ms once per fleet snapshot; query p50 ${f3(pct(chTimes, 50))} ms, p99 ${f3(pct(chTimes, 99))} ms, max ${f3(Math.max(...chTimes))} ms (goal p99 ≤ 5 ms)`);
  // Issue 19: units kept in buckets as their fixes arrive (BucketManyToOne, what FleetPositions keeps
  // in the fleet update); a call then runs only the incident's backward upward search and scans buckets.
  const buckets = new BucketManyToOne(g, g.ch!);
  const ids = units.map((_, i) => `U${i}`);
  const tb = performance.now();
  units.forEach((u, i) => buckets.set(ids[i]!, u));
  const placeMs = performance.now() - tb;
  const bTimes: number[] = [];
  let bSame = 0;
  for (const inc of incidents.slice(0, 50)) buckets.query(inc, ids, { maxTimeS: MAX_ETA_S }); // warm-up
  incidents.forEach((inc, i) => {
    const t = performance.now();
    const r = buckets.query(inc, ids, { maxTimeS: MAX_ETA_S });
    bTimes.push(performance.now() - t);
    const b = argmin(r.durationS);
    if (b === bestCh[i] || Math.abs(r.durationS[b]! - r.durationS[bestCh[i]!]!) < 1e-6) bSame++;
  });
  const moves = points(g, 2000, 13);
  const tm0 = performance.now();
  moves.forEach((p, i) => buckets.set(ids[(i * 7) % UNITS]!, p));
  const moveUs = ((performance.now() - tm0) * 1000) / moves.length;
  const st = buckets.stats;
  out(`  buckets (units kept as fixes arrive): placing ${UNITS} units ${f1(placeMs)} ms (${f1((placeMs * 1000) / UNITS)} µs each; ${st.sourceVertices} source vertices, ${st.bucketEntries} entries);` +
    ` a unit moved to a new road piece elsewhere ${f1(moveUs)} µs; query p50 ${f3(pct(bTimes, 50))} ms, p99 ${f3(pct(bTimes, 99))} ms, max ${f3(Math.max(...bTimes))} ms (goal p99 ≤ 5 ms);` +
    ` fastest unit equal to the plan's: ${bSame}/${incidents.length}`);
  for (const speedup of [1, 10]) movingFleetCalls(g, units, incidents, speedup);
  const sample = incidents.slice(0, Math.min(PLAIN_SAMPLE, INCIDENTS));
  const plainTimes: number[] = [];
  let settled = 0, agree = 0;
  for (let i = 0; i < sample.length; i++) {
    const t = performance.now();
    const r = manyToOne(g, units, sample[i]!, { maxTimeS: MAX_ETA_S });
    plainTimes.push(performance.now() - t);
    settled += r.settled;
    const b = argmin(r.durationS);
    if (b === bestCh[i] || Math.abs(r.durationS[b]! - r.durationS[bestCh[i]!]!) < 1e-6) agree++;
  }
  out(`  plain many-to-one (what POST /dispatch/recommendations runs today), ${sample.length} incidents: p50 ${f3(pct(plainTimes, 50))} ms, p99 ${f3(pct(plainTimes, 99))} ms, ${Math.round(settled / sample.length)} vertices settled per query; fastest unit equal to the plan's: ${agree}/${sample.length}`);

  if (NEAREST_ONLY) return;
  const pg = WITH_PG ? await connectPgRouting() : null;
  if (pg) {
    try {
      const tx = performance.now();
      await exportEdges(pg, EDGE_TABLE, g);
      out(`[${clock()}] pgRouting: ${g.edgeCount} edges exported in ${f1((performance.now() - tx) / 1000)} s`);
      // pgRouting's fastest form of many-to-one: one-to-many over the reversed edges (one Dijkstra
      // from the incident's vertex to every unit's), as bench:routing does.
      const uv = units.map((u) => nearestVertex(g, u) + 1);
      const pgTimes: number[] = [];
      let same = 0;
      for (let i = 0; i < Math.min(PG_SAMPLE, incidents.length); i++) {
        const t = performance.now();
        const r = await pg.query<{ end_vid: string; agg_cost: number }>(
          `SELECT end_vid, agg_cost FROM pgr_dijkstraCost('SELECT id, target AS source, source AS target, cost FROM ${EDGE_TABLE}', $1::bigint, $2::bigint[], true) ORDER BY agg_cost LIMIT 1`,
          [nearestVertex(g, incidents[i]!) + 1, uv],
        );
        pgTimes.push(performance.now() - t);
        const best = r.rows[0];
        if (best && uv.indexOf(Number(best.end_vid)) >= 0) same++;
      }
      out(`  pgr_dijkstraCost (reversed edges, 1 incident → ${UNITS} units), ${pgTimes.length} incidents: p50 ${f1(pct(pgTimes, 50))} ms, max ${f1(Math.max(...pgTimes))} ms; ratio to the hierarchy plan's p50 ${f1(pct(pgTimes, 50) / pct(chTimes, 50))}×, to the plain search's p50 ${f1(pct(pgTimes, 50) / pct(plainTimes, 50))}× (answers found: ${same}/${pgTimes.length})`);
    } finally {
      await pg.query(`DROP TABLE IF EXISTS ${EDGE_TABLE}`).catch(() => undefined);
      await pg.end();
    }
  }

  // Isochrones: 300 stations × 5/10/15/30 min, one search per station to 30 min (as the API does).
  const stationV = mainVertices(g, STATIONS, 21, 5);
  const sites = placeSites(g, stationV.map((v, i) => ({ id: `S${i + 1}`, name: `v${v}`, lat: g.vLat[v]!, lon: g.vLon[v]! })), SNAP_M).placed;
  const ti = performance.now();
  for (const s of sites) stationIsochrones(g, s, MINUTES, { polygons: false });
  const isoMs = performance.now() - ti;
  const tpoly = performance.now();
  for (const s of sites.slice(0, 30)) stationIsochrones(g, s, MINUTES);
  const polyMs = ((performance.now() - tpoly) / 30) * sites.length;
  out(`[${clock()}] isochrones ${sites.length} stations × ${MINUTES.join('/')} min: searches ${f1(isoMs / 1000)} s (goal ≤ 30 s); with display polygons ~${f1(polyMs / 1000)} s (extrapolated from 30 stations)`);

  // A 1030 analysis over the whole network: demand and urban/rural from road length per cell.
  const features = roadFeatures(g);
  const areaKm2 = ((g.meta.bbox[2] - g.meta.bbox[0]) * 111 * Math.cos(((g.meta.bbox[1] + g.meta.bbox[3]) / 2) * (Math.PI / 180))) * ((g.meta.bbox[3] - g.meta.bbox[1]) * 111);
  const cellM = Math.max(500, Math.ceil(Math.sqrt((areaKm2 * 1e6) / 150_000) / 100) * 100); // ≤ ~150k demand cells
  const demand = demandFromExtract(features, g.meta.bbox, cellM);
  const areas = densityFallbackClassifier(features, g.meta.bbox, { cellM: Math.max(1000, cellM) });
  const stations = sites.map((s) => ({ id: s.id, name: s.name, lat: s.lat, lon: s.lon }));
  const ta = performance.now();
  let lastPrint = 0;
  const a = await analyseCoverageAsync(g, resolveRule('1030'), stations, demand, areas, {
    snapMaxM: SNAP_M,
    onProgress: (phase, done, total) => {
      const now = performance.now();
      if (now - lastPrint < 10_000 && done !== total) return;
      lastPrint = now;
      out(`    [${f1((now - ta) / 1000)} s] ${phase} ${done}/${total}`);
    },
  });
  out(`[${clock()}] 1030 analysis, ${stations.length} stations, ${demand.points.length} demand points (${cellM} m cells): ${f1((performance.now() - ta) / 1000)} s (goal ≤ 120 s), searches ${f1(a.timing.reachMs / 1000)} s, compliance ${f1(a.compliance * 100)} %`);

  // Maximal covering: 3,000 candidates (seeded junctions), k = 30, greenfield, same demand.
  const candV = mainVertices(g, CANDIDATES, 31, 5);
  const cands = candV.map((v, i) => ({ id: `C${i + 1}`, name: `v${v}`, lat: g.vLat[v]!, lon: g.vLon[v]! }));
  const tm = performance.now();
  const p = buildSitingProblem(g, resolveRule('1030'), [], cands, demand, areas, { snapMaxM: SNAP_M });
  const matrixS = (performance.now() - tm) / 1000;
  const mc = await maxCover(p.matrix, K, { timeLimitS: 120 });
  out(`[${clock()}] maximal covering, ${p.candidates.length} candidates, k = ${K}: matrix ${f1(matrixS)} s (${p.matrix.weights.length} distinct rows), solve ${f1(mc.solveMs / 1000)} s: ${mc.status}, gap ${(mc.gap * 100).toFixed(3)} % (goal optimal or ≤ 1 % within 120 s), covers ${f1((mc.objective / p.totalWeight) * 100)} %; greedy gap ${(mc.greedy.gap * 100).toFixed(2)} %`);
  out(`  process peak RSS so far ${mb(process.resourceUsage().maxRSS * 1024)}`);
}

/**
 * Issue 19, in-process: calls the way a dispatch system makes them. Between two calls one second
 * passes: every unit sends a fix (half of them drive along their roads at 50 km/h × speedup, turning
 * at random at junctions; the others wait, sending the same fix), applied to a LiveFleet whose changes
 * FleetPositions follows, as ingest's commit does; then one recommend() (limit 5, routes included).
 */
function movingFleetCalls(g: RoadGraph, units: readonly SnappedPoint[], incidents: readonly SnappedPoint[], speedup: number): void {
  const CALLS = Number(process.env['BENCH_MOVING_CALLS'] ?? 200);
  const r = seededRandom(40 + speedup);
  const ids = units.map((_, i) => `U${i}`);
  const fleet = new LiveFleet();
  const positions = new FleetPositions(g, { snapMaxM: SNAP_M });
  fleet.changes.subscribe((u) => positions.update(u));
  let now = Date.now();
  fleet.register(ids.map((id) => ({ id, name: id, stationId: null, capabilities: [] })));
  // Driving state: road piece, metres along it, +1 with its shape / -1 against.
  const drive = units.map((u) => ({ chain: u.chain, along: u.alongM, dir: u.allowForward ? 1 : -1, moving: r() < 0.5 }));
  const fixOf = (k: number) => {
    const d = drive[k]!;
    const [lat, lon, bearing] = alongChain(g, d.chain, d.along);
    return { unitId: ids[k]!, ts: now, lat, lon, speedKmh: d.moving ? 50 : 0, headingDeg: d.moving ? (d.dir > 0 ? bearing : (bearing + 180) % 360) : null };
  };
  fleet.apply({
    fixes: ids.map((_, k) => fixOf(k)),
    statuses: ids.map((id, k) => ({ unitId: id, ts: now, status: drive[k]!.moving ? 'available_returning' : 'available_at_station', taskId: null })),
    presences: ids.map((id) => ({ unitId: id, ts: now, online: true })),
  });
  const ctx: RecommendContext = { fleet, positions, snapIncident: (lat, lon) => snap(g, lat, lon, { maxDistanceM: SNAP_M }), staleAfterS: 120, policy: DEFAULT_RANK_POLICY };
  const step = ((50 / 3.6) * speedup);
  const before = { ...positions.upkeep };
  const callMs: number[] = [];
  /** CPU time of the call (this process runs nothing else meanwhile): what the host's load cannot inflate. */
  const cpuMs: number[] = [];
  for (let c = 0; c < CALLS + 20; c++) {
    now += 1000;
    for (const d of drive) {
      if (!d.moving) continue;
      d.along += d.dir * step;
      for (let hops = 0; hops < 8 && (d.along < 0 || d.along > g.cLength[d.chain]!); hops++) {
        // Past the end of the road piece: on into a random road leaving the junction.
        const over = d.along < 0 ? -d.along : d.along - g.cLength[d.chain]!;
        const e0 = g.cEdges[g.cEdgeStart[d.chain]!]!;
        const v = (g.eDir[e0] === 0) === d.dir > 0 ? g.eDst[e0]! : g.eSrc[e0]!;
        const n = g.fwdStart[v + 1]! - g.fwdStart[v]!;
        if (n === 0) break;
        const e = g.fwdStart[v]! + Math.floor(r() * n);
        d.chain = g.eChain[e]!;
        d.dir = g.eDir[e] === 0 ? 1 : -1;
        d.along = d.dir > 0 ? over : g.cLength[d.chain]! - over;
      }
      d.along = Math.min(Math.max(d.along, 0), g.cLength[d.chain]!);
    }
    fleet.apply({ fixes: ids.map((_, k) => fixOf(k)), statuses: [], presences: [] });
    const inc = incidents[c % incidents.length]!;
    const t = performance.now();
    const cpu0 = process.cpuUsage();
    recommend(ctx, { lat: inc.lat, lon: inc.lon, priority: 2, requiredCapabilities: [], limit: 5 }, now);
    const cpu = process.cpuUsage(cpu0);
    if (c >= 20) (callMs.push(performance.now() - t), cpuMs.push((cpu.user + cpu.system) / 1000));
  }
  const u = positions.upkeep;
  const fixes = u.fixes - before.fixes;
  const snapUs = ((u.snapS - before.snapS) * 1e6) / fixes;
  const bucketUs = ((u.bucketS - before.bucketS) * 1e6) / fixes;
  out(`  calls 1 s apart with the fleet moving (${speedup}× real time, half the units driving at 50 km/h), recommend() in-process, limit 5 with routes, ${CALLS} calls:` +
    ` p50 ${f3(pct(callMs, 50))} ms, p99 ${f3(pct(callMs, 99))} ms, max ${f3(Math.max(...callMs))} ms (CPU per call p50 ${f3(pct(cpuMs, 50))}, p99 ${f3(pct(cpuMs, 99))} ms);` +
    ` fleet update per fix: snap ${f1(snapUs)} µs + bucket upkeep ${f1(bucketUs)} µs (goal ≤ 20 µs added)`);
}

/** Latitude, longitude and bearing (degrees, with the shape) `m` metres along road piece c. */
function alongChain(g: RoadGraph, c: number, m: number): [number, number, number] {
  const s0 = g.cShapeStart[c]!, s1 = g.cShapeStart[c + 1]! - 1;
  let p = s0;
  while (p < s1 - 1 && g.sCum[p + 1]! < m) p++;
  const seg = g.sCum[p + 1]! - g.sCum[p]!;
  const f = seg > 0 ? Math.min(1, Math.max(0, (m - g.sCum[p]!) / seg)) : 0;
  const lat = g.sLat[p]! + f * (g.sLat[p + 1]! - g.sLat[p]!);
  const lon = g.sLon[p]! + f * (g.sLon[p + 1]! - g.sLon[p]!);
  return [lat, lon, bearingDeg(g.sLat[p]!, g.sLon[p]!, g.sLat[p + 1]!, g.sLon[p + 1]!)];
}

function argmin(xs: Float64Array): number {
  let b = 0;
  for (let i = 1; i < xs.length; i++) if (xs[i]! < xs[b]!) b = i;
  return b;
}

/** The vertex a snapped point leaves by (pgRouting works vertex to vertex). */
function nearestVertex(g: RoadGraph, p: SnappedPoint): number {
  const e = g.cEdges[g.cEdgeStart[p.chain]!]!;
  const [u, v] = [g.eSrc[e]!, g.eDst[e]!];
  return haversineM(p.snappedLat, p.snappedLon, g.vLat[u]!, g.vLon[u]!) <= haversineM(p.snappedLat, p.snappedLon, g.vLat[v]!, g.vLon[v]!) ? u : v;
}

async function main(): Promise<void> {
  const which = process.argv[2] ?? 'all';
  const dataDir = loadConfig().dataDir;
  const cacheDir = join(dataDir, 'scale');
  out(`bench:scale started ${new Date().toISOString()} (host shared with other work: figures taken under load)`);
  if (which === 'all' || which === 'anhui') await benchNetwork('Anhui tile (real)', 'data/osm/anhui-north-2017.osm.pbf', cacheDir);
  if (which === 'all' || which === 'province') {
    const t = performance.now();
    const p = provinceNetwork(cacheDir, { sources: defaultProvinceSources('data/osm') });
    out(`\n[${clock()}] province network ${p.fromCache ? 'from cache' : 'generated'} in ${f1((performance.now() - t) / 1000)} s: ${provinceFileLabel(p)}`);
    await benchNetwork('generated province', p.path, cacheDir);
  }
  out(`\nbench:scale done ${new Date().toISOString()}`);
}

main().catch((e: unknown) => {
  process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
