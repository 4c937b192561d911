// npx tsx bench/routing-vs-pgrouting.ts
// Agreement with an independent engine: our graph's directed edges go to pgRouting (PostgreSQL 15,
// postgresql-15-pgrouting); for 1,000 seeded random vertex pairs per shipped extract, pgRouting's
// pgr_dijkstraCost by time and by distance is written to libs/routing/fixtures/pgrouting-<name>.json,
// which libs/routing/src/pgrouting-agreement.spec.ts checks against our engine (CI needs no pgRouting).
import { seededRandom } from '@rescue/common';
import { writeFileSync } from 'node:fs';
import { fromVertex, loadGraph } from '@rescue/routing';
import { connectPgRouting, exportEdges } from './lib/pg-graph';

const PAIRS = 1000;
const EXTRACTS: [string, string][] = [
  ['andorra', 'data/osm/andorra.osm.pbf'],
  ['monaco', 'data/osm/monaco.osm.pbf'],
];

async function main(): Promise<void> {
  const c = await connectPgRouting();
  if (!c) process.exit(1);
  for (const [name, path] of EXTRACTS) {
    const { graph: g } = loadGraph(path, { cacheDir: null });
    await exportEdges(c, `rc_edges_${name}`, g);
    const rand = seededRandom(20261123);
    const pairs: [number, number][] = [];
    while (pairs.length < PAIRS) {
      const s = Math.floor(rand() * g.vertexCount);
      const t = Math.floor(rand() * g.vertexCount);
      if (s !== t) pairs.push([s, t]);
    }
    await c.query(`DROP TABLE IF EXISTS rc_pairs_${name}`);
    await c.query(`CREATE TABLE rc_pairs_${name} (source bigint, target bigint)`);
    await c.query(`INSERT INTO rc_pairs_${name} VALUES ${pairs.map(([s, t]) => `(${s + 1},${t + 1})`).join(',')}`);
    const pg = async (col: 'cost' | 'dist'): Promise<Map<string, number>> => {
      const r = await c.query<{ start_vid: string; end_vid: string; agg_cost: number }>(
        `SELECT start_vid, end_vid, agg_cost FROM pgr_dijkstraCost(
           'SELECT id, source, target, ${col} AS cost, -1::float8 AS reverse_cost FROM rc_edges_${name}',
           'SELECT source, target FROM rc_pairs_${name}', directed => true)`,
      );
      return new Map(r.rows.map((row) => [`${Number(row.start_vid) - 1}:${Number(row.end_vid) - 1}`, row.agg_cost]));
    };
    const t0 = performance.now();
    const byTime = await pg('cost');
    const byDist = await pg('dist');
    const pgMs = performance.now() - t0;
    let worst = 0;
    let unreachable = 0;
    const rows = pairs.map(([s, t]) => {
      const time = byTime.get(`${s}:${t}`) ?? null;
      const dist = byDist.get(`${s}:${t}`) ?? null;
      const ours = [fromVertex(g, s, { optimize: 'time' }).cost[t]!, fromVertex(g, s, { optimize: 'distance' }).cost[t]!];
      [time, dist].forEach((ref, i) => {
        if (ref === null) {
          if (i === 0) unreachable++;
          if (Number.isFinite(ours[i]!)) worst = Infinity;
        } else worst = Math.max(worst, Math.abs(ours[i]! - ref) / Math.max(ref, 1e-9));
      });
      return [s, t, g.vOsmId[s]!, g.vOsmId[t]!, time, dist];
    });
    const fixture = {
      about: 'pgRouting 3.4 pgr_dijkstraCost on the directed edges of our graph (cost = eTime s, or eDist m); pairs are our vertex indices. Regenerate: npx tsx bench/routing-vs-pgrouting.ts',
      extract: path,
      sha256: g.meta.sourceSha256,
      profile: g.meta.profileName,
      vertices: g.vertexCount,
      edges: g.edgeCount,
      columns: ['source', 'target', 'sourceOsmId', 'targetOsmId', 'timeS', 'distanceM'],
      pairs: rows,
    };
    writeFileSync(`libs/routing/fixtures/pgrouting-${name}.json`, JSON.stringify(fixture));
    process.stdout.write(
      `${name}: ${g.vertexCount} vertices, ${g.edgeCount} edges; ${PAIRS} pairs (${unreachable} unreachable in both), ` +
        `worst relative difference ours vs pgRouting ${worst.toExponential(2)}; pgRouting answered both metrics in ${pgMs.toFixed(0)} ms\n`,
    );
  }
  await c.end();
}

void main();
