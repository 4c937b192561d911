// npx tsx bench/routing-vs-osm2pgrouting.ts
// Report only (no pass mark): our shortest road distances against osm2pgrouting's own import of the
// same extract (its car mapconfig, length_m, its oneway handling), between the same OSM junctions
// as the pgRouting fixture. Needs osmium-tool (pbf → XML, which osm2pgrouting requires) and osm2pgrouting.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadGraph } from '@rescue/routing';
import { connectPgRouting } from './lib/pg-graph';

interface Fixture {
  extract: string;
  pairs: [number, number, number, number, number | null, number | null][];
}

const pct = (xs: number[], p: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;

async function main(): Promise<void> {
  const c = await connectPgRouting();
  if (!c) process.exit(1);
  for (const name of ['andorra', 'monaco']) {
    const fx = JSON.parse(readFileSync(`libs/routing/fixtures/pgrouting-${name}.json`, 'utf8')) as Fixture;
    const xml = join(tmpdir(), `${name}.osm`);
    execFileSync('osmium', ['cat', fx.extract, '-o', xml, '-f', 'osm', '--overwrite']);
    execFileSync('osm2pgrouting', ['-f', xml, '-c', '/usr/share/osm2pgrouting/mapconfig_for_cars.xml', '-d', 'routing_bench', '-U', 'postgres', '-h', '127.0.0.1', '--prefix', `o2p_${name}_`, '--clean'], { stdio: 'ignore' });
    const ways = `o2p_${name}_ways`;
    const verts = `o2p_${name}_ways_vertices_pgr`;
    // Junctions split by our turn restrictions appear twice under one OSM id: leave those out.
    const { graph: g } = loadGraph(fx.extract, { cacheDir: null });
    const counts = new Map<number, number>();
    for (let v = 0; v < g.vertexCount; v++) counts.set(g.vOsmId[v]!, (counts.get(g.vOsmId[v]!) ?? 0) + 1);
    const idRows = await c.query<{ osm_id: string; id: string }>(`SELECT osm_id, id FROM ${verts}`);
    const o2pId = new Map(idRows.rows.map((r) => [Number(r.osm_id), Number(r.id)]));
    const usable = fx.pairs.filter((p) => p[5] !== null && o2pId.has(p[2]) && o2pId.has(p[3]) && counts.get(p[2]) === 1 && counts.get(p[3]) === 1);
    await c.query(`DROP TABLE IF EXISTS o2p_pairs_${name}`);
    await c.query(`CREATE TABLE o2p_pairs_${name} (source bigint, target bigint)`);
    await c.query(`INSERT INTO o2p_pairs_${name} VALUES ${usable.map((p) => `(${o2pId.get(p[2])},${o2pId.get(p[3])})`).join(',')}`);
    const res = await c.query<{ start_vid: string; end_vid: string; agg_cost: number }>(
      `SELECT start_vid, end_vid, agg_cost FROM pgr_dijkstraCost(
         'SELECT gid AS id, source, target, CASE WHEN cost < 0 THEN -1 ELSE length_m END AS cost,
                 CASE WHEN reverse_cost < 0 THEN -1 ELSE length_m END AS reverse_cost FROM ${ways}',
         'SELECT source, target FROM o2p_pairs_${name}', directed => true)`,
    );
    const theirs = new Map(res.rows.map((r) => [`${r.start_vid}:${r.end_vid}`, r.agg_cost]));
    const diffs: { rel: number; p: (typeof usable)[number]; o2p: number | undefined }[] = [];
    for (const p of usable) {
      const o2p = theirs.get(`${o2pId.get(p[2])}:${o2pId.get(p[3])}`);
      const ours = p[5]!;
      diffs.push({ rel: o2p === undefined ? Infinity : Math.abs(ours - o2p) / ours, p, o2p });
    }
    const finite = diffs.filter((d) => Number.isFinite(d.rel)).map((d) => d.rel);
    process.stdout.write(
      `\n${name}: ${fx.pairs.length} fixture pairs, ${usable.length} with both junctions in osm2pgrouting's graph, not split by a turn restriction, and a path in ours; ` +
        `${diffs.length - finite.length} without a path in osm2pgrouting's\n` +
        `relative |ours − osm2pgrouting| / ours: median ${pct(finite, 50).toExponential(2)}, p90 ${pct(finite, 90).toExponential(2)}, worst ${Math.max(...finite).toExponential(2)}; ` +
        `exactly equal (< 1e-6): ${finite.filter((x) => x < 1e-6).length}\n`,
    );
    for (const d of diffs.sort((a, b) => b.rel - a.rel).slice(0, 8)) {
      process.stdout.write(`  node ${d.p[2]} → ${d.p[3]}: ours ${d.p[5]!.toFixed(1)} m, osm2pgrouting ${d.o2p === undefined ? 'no path' : d.o2p.toFixed(1) + ' m'}\n`);
    }
  }
  await c.end();
}

void main();
