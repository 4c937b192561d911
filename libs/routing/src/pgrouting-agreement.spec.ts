import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadGraph } from './load-graph';
import { fromVertex } from './queries';

/**
 * Our travel times and distances against pgRouting's pgr_dijkstraCost on the same directed edges
 * (values recorded by bench/routing-vs-pgrouting.ts; pgRouting is not needed here). pgRouting is an
 * independent Dijkstra; any bug in our heap, CSR or search shows up as a mismatch.
 */
interface Fixture {
  extract: string;
  sha256: string;
  vertices: number;
  edges: number;
  pairs: [number, number, number, number, number | null, number | null][];
}

const REL = 1e-6;

describe.each(['andorra', 'monaco'])('agreement with pgRouting on %s', (name) => {
  const fx = JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', `pgrouting-${name}.json`), 'utf8')) as Fixture;
  const { graph: g } = loadGraph(fx.extract, { cacheDir: null });

  it('is the same graph the fixture was made from', () => {
    expect(g.meta.sourceSha256).toBe(fx.sha256);
    expect([g.vertexCount, g.edgeCount]).toEqual([fx.vertices, fx.edges]);
    for (const [s, t, so, to] of fx.pairs.slice(0, 50)) expect([g.vOsmId[s], g.vOsmId[t]]).toEqual([so, to]);
  });

  it(`matches ${fx.pairs.length} pairs by time and by distance within ${REL} relative`, () => {
    expect(fx.pairs.length).toBeGreaterThanOrEqual(1000);
    const bad: string[] = [];
    const bySource = new Map<number, typeof fx.pairs>();
    for (const p of fx.pairs) bySource.set(p[0], [...(bySource.get(p[0]) ?? []), p]);
    for (const [s, ps] of bySource) {
      const time = fromVertex(g, s, { optimize: 'time' }).cost;
      const dist = fromVertex(g, s, { optimize: 'distance' }).cost;
      for (const [, t, , , refT, refD] of ps) {
        for (const [ours, ref, what] of [[time[t]!, refT, 'time'], [dist[t]!, refD, 'dist']] as const) {
          const ok = ref === null ? ours === Infinity : Math.abs(ours - ref) <= REL * Math.max(ref, 1e-9);
          if (!ok) bad.push(`${s}→${t} ${what}: ours ${ours}, pgRouting ${ref}`);
        }
      }
    }
    expect(bad.slice(0, 10)).toEqual([]);
  });
});
