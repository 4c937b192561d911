// npm run bench:routing
// Road engine figures on the shipped extracts and a generated 90k-vertex grid: build time and
// memory, cache load, many-to-one (500 units → 1,000 incidents), 15-minute reach, and pgRouting on
// the same queries in its fastest form (one-to-many over reversed edges), measured in this run.
import { seededRandom } from '@rescue/common';
import type { Client } from 'pg';
import { AMBULANCE_PROFILE, buildContractionHierarchy, buildGraph, fromVertex, loadGraph, manyToOne, OsmData, oneToMany, prepareManyToOne, type RoadGraph, snap, type SnappedPoint } from '@rescue/routing';
import { connectPgRouting, exportEdges } from './lib/pg-graph';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const UNITS = 500;
const INCIDENTS = 1000;
const STATIONS = 100;
const REACH_S = 15 * 60;
const SNAP = { maxDistanceM: 500 };

const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};
const ms = (x: number): string => (x < 10 ? x.toFixed(3) : x.toFixed(1));
const out = (s: string): boolean => process.stdout.write(s + '\n');

function graphBytes(g: RoadGraph): number {
  let b = 0;
  for (const v of Object.values(g)) if (ArrayBuffer.isView(v)) b += v.byteLength;
  return b + g.index.cellStart.byteLength + g.index.cellItems.byteLength;
}

/** A square grid city: 300×300 junctions 0.001° apart; every 5th street primary, every 7th one-way. */
function gridOsm(side: number): OsmData {
  const d = new OsmData();
  const id = (r: number, c: number): number => r * side + c + 1;
  for (let r = 0; r < side; r++) for (let c = 0; c < side; c++) d.addNode(id(r, c), 22.6 + r * 0.001, 114.0 + c * 0.001);
  let wid = 1;
  for (let r = 0; r < side; r++) {
    const tags: Record<string, string> = { highway: r % 5 === 0 ? 'primary' : 'residential', ...(r % 7 === 3 ? { oneway: r % 2 ? 'yes' : '-1' } : {}) };
    d.addWay(wid++, Array.from({ length: side }, (_, c) => id(r, c)), tags);
  }
  for (let c = 0; c < side; c++) {
    const tags: Record<string, string> = { highway: c % 5 === 0 ? 'secondary' : 'residential', ...(c % 7 === 3 ? { oneway: c % 2 ? 'yes' : '-1' } : {}) };
    d.addWay(wid++, Array.from({ length: side }, (_, r) => id(r, c)), tags);
  }
  return d;
}

/** Vertices in the strongly connected component of a central vertex (reachable both ways). */
function mainComponent(g: RoadGraph): number[] {
  let best = 0;
  let bestSize = -1;
  const rand = seededRandom(7);
  for (let k = 0; k < 5; k++) {
    const hub = Math.floor(rand() * g.vertexCount);
    const f = fromVertex(g, hub).cost;
    const b = fromVertex(g, hub, { backward: true }).cost;
    let size = 0;
    for (let v = 0; v < g.vertexCount; v++) if (f[v]! < Infinity && b[v]! < Infinity) size++;
    if (size > bestSize) [best, bestSize] = [hub, size];
  }
  const f = fromVertex(g, best).cost;
  const b = fromVertex(g, best, { backward: true }).cost;
  const out: number[] = [];
  for (let v = 0; v < g.vertexCount; v++) if (f[v]! < Infinity && b[v]! < Infinity) out.push(v);
  return out;
}

/** Random points near vertices of the main component (within ~20 m, so snaps land mid-edge). */
function points(g: RoadGraph, comp: number[], n: number, rand: () => number): { p: SnappedPoint; v: number }[] {
  const res: { p: SnappedPoint; v: number }[] = [];
  while (res.length < n) {
    const v = comp[Math.floor(rand() * comp.length)]!;
    const p = snap(g, g.vLat[v]! + (rand() - 0.5) * 0.0003, g.vLon[v]! + (rand() - 0.5) * 0.0003, SNAP);
    res.push({ p, v });
  }
  return res;
}

interface Figures {
  name: string;
  m2o: number[];
  m2oCh: number[];
  reach: number[];
  pgM2o: number[];
  pgReach: number[];
}

async function benchOne(name: string, g: RoadGraph, buildMs: number, memMb: number, c: Client | null, pgIncidents: number): Promise<Figures> {
  out(`\n## ${name}: ${g.vertexCount} vertices, ${g.edgeCount} edges`);
  out(`build ${buildMs.toFixed(0)} ms; graph arrays ${(graphBytes(g) / 1048576).toFixed(2)} MiB; heap+arrays growth during build ${memMb.toFixed(1)} MiB`);
  const comp = mainComponent(g);
  out(`main strongly connected component: ${comp.length} vertices (${((100 * comp.length) / g.vertexCount).toFixed(1)} %)`);
  const rand = seededRandom(42);
  const units = points(g, comp, UNITS, rand);
  const incidents = points(g, comp, INCIDENTS, rand);
  const stations = points(g, comp, STATIONS, rand);
  const unitPts = units.map((u) => u.p);

  const snapT: number[] = [];
  for (const inc of incidents.slice(0, 200)) {
    const t0 = performance.now();
    snap(g, inc.p.lat, inc.p.lon, SNAP);
    snapT.push(performance.now() - t0);
  }
  for (let i = 0; i < 20; i++) manyToOne(g, unitPts, incidents[i]!.p); // warm-up (JIT)
  const m2o: number[] = [];
  let settled = 0;
  for (const inc of incidents) {
    const t0 = performance.now();
    const r = manyToOne(g, unitPts, inc.p);
    m2o.push(performance.now() - t0);
    settled += r.settled;
  }
  const m2oCh: number[] = [];
  let prepMs = 0;
  if (g.ch) {
    const t0 = performance.now();
    const plan = prepareManyToOne(g, unitPts);
    prepMs = performance.now() - t0;
    for (let i = 0; i < 50; i++) plan.query(incidents[i]!.p);
    for (const inc of incidents) {
      const t1 = performance.now();
      plan.query(inc.p);
      m2oCh.push(performance.now() - t1);
    }
  }
  const reach: number[] = [];
  let reached = 0;
  for (const st of stations) {
    const t0 = performance.now();
    const r = oneToMany(g, st.p, { maxTimeS: REACH_S });
    reach.push(performance.now() - t0);
    reached += r.vertices.length;
  }
  out(`snap incident           p50 ${ms(pct(snapT, 50))} ms  p99 ${ms(pct(snapT, 99))} ms`);
  out(`many-to-one 500 units   p50 ${ms(pct(m2o, 50))} ms  p99 ${ms(pct(m2o, 99))} ms  (${INCIDENTS} incidents, mean ${(settled / INCIDENTS).toFixed(0)} vertices settled)`);
  if (g.ch) {
    out(`many-to-one 500 units, CH  p50 ${ms(pct(m2oCh, 50))} ms  p99 ${ms(pct(m2oCh, 99))} ms  (contraction ${g.ch.buildMs.toFixed(0)} ms once, ${g.ch.shortcuts} shortcuts; preparing the 500 units ${ms(prepMs)} ms)`);
  }
  out(`15-min reach            p50 ${ms(pct(reach, 50))} ms  p99 ${ms(pct(reach, 99))} ms  (${STATIONS} stations, mean ${(reached / STATIONS).toFixed(0)} vertices reached)`);
  const f: Figures = { name, m2o, m2oCh, reach, pgM2o: [], pgReach: [] };
  if (!c) return f;

  const table = `rc_bench_${name.replace(/\W/g, '_')}`;
  await exportEdges(c, table, g);
  // pgRouting works between vertices: each unit enters at the vertex its road leads to, the
  // incident is reached from the vertex before it. One call per incident over reversed edges.
  const unitVertices = `{${[...new Set(units.map((u) => u.v + 1))].join(',')}}`;
  const revSql = `SELECT id, target AS source, source AS target, cost, -1::float8 AS reverse_cost FROM ${table}`;
  for (const inc of incidents.slice(0, Math.min(pgIncidents, INCIDENTS))) {
    const t0 = performance.now();
    await c.query('SELECT end_vid, agg_cost FROM pgr_dijkstraCost($1, $2::bigint, $3::bigint[], directed => true)', [revSql, inc.v + 1, unitVertices]);
    f.pgM2o.push(performance.now() - t0);
  }
  const fwdSql = `SELECT id, source, target, cost, -1::float8 AS reverse_cost FROM ${table}`;
  for (const st of stations.slice(0, Math.min(pgIncidents, STATIONS))) {
    const t0 = performance.now();
    await c.query('SELECT node, agg_cost FROM pgr_drivingDistance($1, $2::bigint, $3::float8, directed => true)', [fwdSql, st.v + 1, REACH_S]);
    f.pgReach.push(performance.now() - t0);
  }
  const ratio = (a: number[], b: number[], p: number): string => (pct(a, p) / pct(b, p)).toFixed(0);
  out(`pgRouting many-to-one   p50 ${ms(pct(f.pgM2o, 50))} ms  p99 ${ms(pct(f.pgM2o, 99))} ms  (${f.pgM2o.length} incidents; pgr_dijkstraCost one-to-many on reversed edges)`);
  out(`pgRouting 15-min reach  p50 ${ms(pct(f.pgReach, 50))} ms  p99 ${ms(pct(f.pgReach, 99))} ms  (pgr_drivingDistance)`);
  out(`ratio pgRouting/ours    many-to-one plain Dijkstra p50 ${ratio(f.pgM2o, m2o, 50)}×, p99 ${ratio(f.pgM2o, m2o, 99)}×; reach p50 ${ratio(f.pgReach, reach, 50)}×, p99 ${ratio(f.pgReach, reach, 99)}×`);
  if (m2oCh.length) out(`ratio pgRouting/ours    many-to-one CH p50 ${ratio(f.pgM2o, m2oCh, 50)}×, p99 ${ratio(f.pgM2o, m2oCh, 99)}×`);
  await c.query(`DROP TABLE ${table}`);
  return f;
}

function memNow(): number {
  const m = process.memoryUsage();
  return (m.heapUsed + m.arrayBuffers) / 1048576;
}

async function main(): Promise<void> {
  out(`# bench:routing (${new Date().toISOString()}, node ${process.version})`);
  const c = await connectPgRouting();
  const cacheDir = mkdtempSync(join(tmpdir(), 'rc-bench-graph-'));
  const results: Figures[] = [];
  for (const [name, path] of [
    ['andorra', 'data/osm/andorra.osm.pbf'],
    ['monaco (largest shipped)', 'data/osm/monaco.osm.pbf'],
  ] as const) {
    const m0 = memNow();
    const built = loadGraph(path, { cacheDir });
    const m1 = memNow();
    const cached = loadGraph(path, { cacheDir });
    out(`\n${path}: cache load ${cached.loadMs.toFixed(1)} ms (includes hashing the extract)`);
    results.push(await benchOne(name, built.graph, built.loadMs, m1 - m0, c, 1000));
  }
  const m0 = memNow();
  const t0 = performance.now();
  const grid = buildGraph(gridOsm(300), AMBULANCE_PROFILE, { source: 'grid-300', sourceSha256: '' });
  const gridMs = performance.now() - t0;
  // Grids are the worst case for contraction (no hierarchy of roads to exploit): ~25 s here.
  if (process.argv.includes('--grid-ch')) grid.ch = buildContractionHierarchy(grid);
  results.push(await benchOne('grid 300×300 (generated)', grid, gridMs, memNow() - m0, c, 100));
  await c?.end();

  const monaco = results[1]!;
  for (const [label, xs] of [['plain Dijkstra', monaco.m2o], ['contraction hierarchy', monaco.m2oCh]] as const) {
    if (!xs.length) continue;
    const p99 = pct(xs, 99);
    out(`\n## goal on the largest shipped extract (monaco), ${label}: many-to-one p99 ${ms(p99)} ms (goal ≤ 2 ms: ${p99 <= 2 ? 'met' : 'MISSED'})` +
      (monaco.pgM2o.length ? `; ${(pct(monaco.pgM2o, 50) / pct(xs, 50)).toFixed(0)}× pgRouting at p50, ${(pct(monaco.pgM2o, 99) / p99).toFixed(0)}× at p99 (goal ≥ 100×)` : ''));
  }
}

void main();
