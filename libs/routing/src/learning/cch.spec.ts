import { loadGraph } from '../load-graph';
import { prepareManyToOne } from '../many-to-one-ch';
import { manyToOne } from '../queries';
import { snap, type SnappedPoint } from '../snap';
import { rng } from '../testing/track-sim';
import { buildCchTopology, customizeCch, withTravelTimes } from './cch';

describe('customizable contraction hierarchy', () => {
  it.each(['andorra', 'monaco'])('%s: re-weighted hierarchy answers many-to-one exactly like Dijkstra on the new weights', (name) => {
    const { graph: g } = loadGraph(`data/osm/${name}.osm.pbf`, { cacheDir: '.data/graph-cache' });
    const topo = buildCchTopology(g);
    const r = rng(42);
    const pick = (): SnappedPoint => {
      for (;;) {
        const v = Math.floor(r() * g.vertexCount);
        if (g.vComp[v] === 0) return snap(g, g.vLat[v]! + (r() - 0.5) * 1e-3, g.vLon[v]! + (r() - 0.5) * 1e-3, { maxDistanceM: 500 });
      }
    };
    const units = Array.from({ length: 60 }, pick);
    for (const seed of [1, 2]) {
      // Learned-like weights: each edge 0.5–3 × its static time (rush hour on some, faster on others).
      const wr = rng(seed);
      const w = g.eTime.map((t) => t * (0.5 + 2.5 * wr()));
      const view = withTravelTimes(g, w, customizeCch(topo, g, w));
      const plan = prepareManyToOne(view, units);
      for (let q = 0; q < 20; q++) {
        const target = pick();
        const fast = plan.query(target);
        const ref = manyToOne(withTravelTimes(g, w), units, target);
        for (let i = 0; i < units.length; i++) {
          if (ref.durationS[i] === Infinity) expect(fast.durationS[i]).toBe(Infinity);
          else expect(fast.durationS[i]).toBeCloseTo(ref.durationS[i]!, 6);
        }
      }
      // And they differ from the static times: the test would notice weights being ignored.
      const stat = manyToOne(g, units, units[0]!).durationS;
      const learned = manyToOne(withTravelTimes(g, w), units, units[0]!).durationS;
      expect([...stat].some((t, i) => Math.abs(t - learned[i]!) > 1)).toBe(true);
    }
  });
});
