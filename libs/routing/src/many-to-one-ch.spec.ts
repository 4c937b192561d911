import { buildContractionHierarchy } from './contraction';
import type { RoadGraph } from './graph';
import { loadGraph } from './load-graph';
import { prepareManyToOne } from './many-to-one-ch';
import { manyToOne } from './queries';
import { snap, type SnappedPoint } from './snap';
import { D, handGraph, secs } from './testing/hand-map';

const withCh = (g: RoadGraph): RoadGraph => Object.assign(g, { ch: buildContractionHierarchy(g) });
const at = (g: RoadGraph, lat: number, lon: number): SnappedPoint => snap(g, lat, lon, { maxDistanceM: 200 });

describe('many-to-one on the contraction hierarchy', () => {
  it('gives the hand-computed answers on the one-way block', () => {
    /*
     *   a ---> b      a-b one-way; b-c-d-a two-way residential (25 km/h), sides D.
     *   |      |
     *   d ---- c
     */
    const g = withCh(
      handGraph({ a: [0, 0], b: [0, 0.001], c: [-0.001, 0.001], d: [-0.001, 0] }, [
        { id: 1, nodes: 'ab', tags: { highway: 'residential', oneway: 'yes' } },
        { id: 2, nodes: 'bcda', tags: { highway: 'residential' } },
      ]),
    );
    const units = [at(g, 0, 0.001), at(g, -0.001, 0.001), at(g, -0.001, 0), at(g, -0.0005, 0.001)];
    const r = prepareManyToOne(g, units).query(at(g, 0, 0));
    [3 * D, 2 * D, D, 2.5 * D].forEach((m, i) => {
      expect(r.durationS[i]).toBeCloseTo(secs(m, 25), 6);
      expect(r.distanceM[i]).toBeCloseTo(m, 6);
    });
  });

  it('honours a turn restriction (node splitting happens before contraction)', () => {
    /*
     *   n ------ c
     *   |        |
     *   w -- x -- e     no_left_turn from w-x onto x-n: w to n is 4D, not 2D.
     */
    const g = withCh(
      handGraph(
        { w: [0, -0.001], x: [0, 0], e: [0, 0.001], n: [0.001, 0], c: [0.001, 0.001] },
        [
          { id: 1, nodes: 'wx', tags: { highway: 'residential' } },
          { id: 2, nodes: 'xn', tags: { highway: 'residential' } },
          { id: 3, nodes: 'xe', tags: { highway: 'residential' } },
          { id: 4, nodes: 'ecn', tags: { highway: 'residential' } },
        ],
        [{ id: 9, restriction: 'no_left_turn', from: 1, via: 'x', to: 2 }],
      ),
    );
    const r = prepareManyToOne(g, [at(g, 0, -0.001)]).query(at(g, 0.001, 0));
    expect(r.distanceM[0]).toBeCloseTo(4 * D, 6);
  });

  it('reports Infinity beyond the time limit, like the plain search', () => {
    const g = withCh(handGraph({ a: [0, 0], b: [0, 0.002] }, [{ id: 1, nodes: 'ab', tags: { highway: 'residential' } }]));
    const r = prepareManyToOne(g, [at(g, 0, 0.002), at(g, 0, 0.0005)]).query(at(g, 0, 0), { maxTimeS: secs(D, 25) });
    expect(r.durationS[0]).toBe(Infinity);
    expect(r.durationS[1]).toBeCloseTo(secs(0.5 * D, 25), 6);
  });

  describe.each(['data/osm/andorra.osm.pbf', 'data/osm/monaco.osm.pbf'])('%s', (path) => {
    const { graph: g } = loadGraph(path, { cacheDir: null });
    // Seeded points near random vertices (mid-edge snaps), 300 units, 100 incidents. Snapped with
    // network 'any' so some land on cut-off pieces: the CH must agree on the unreachable (Infinity) pairs too.
    let seed = 12345;
    const rand = (): number => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const pts = (k: number): SnappedPoint[] =>
      Array.from({ length: k }, () => {
        const v = Math.floor(rand() * g.vertexCount);
        return snap(g, g.vLat[v]! + (rand() - 0.5) * 3e-4, g.vLon[v]! + (rand() - 0.5) * 3e-4, { maxDistanceM: 500, network: 'any' });
      });
    const units = pts(300);
    const incidents = pts(100);

    it('equals plain Dijkstra many-to-one for every unit and incident', () => {
      expect(g.ch).toBeDefined();
      const plan = prepareManyToOne(g, units);
      const bad: string[] = [];
      for (const inc of incidents) {
        const a = manyToOne(g, units, inc);
        const b = plan.query(inc);
        for (let i = 0; i < units.length; i++) {
          for (const [x, y] of [[a.durationS[i]!, b.durationS[i]!], [a.distanceM[i]!, b.distanceM[i]!]] as const) {
            const ok = x === Infinity ? y === Infinity : Math.abs(x - y) <= 1e-9 * Math.max(1, x);
            if (!ok) bad.push(`unit ${i}: plain ${x}, CH ${y}`);
          }
        }
      }
      expect(bad.slice(0, 5)).toEqual([]);
    });
  });
});
