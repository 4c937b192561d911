import { BucketManyToOne } from './bucket-many-to-one';
import { buildContractionHierarchy } from './contraction';
import type { RoadGraph } from './graph';
import { loadGraph } from './load-graph';
import { manyToOne } from './queries';
import { snap, type SnappedPoint } from './snap';
import { D, handGraph, secs } from './testing/hand-map';

const withCh = (g: RoadGraph): RoadGraph => Object.assign(g, { ch: buildContractionHierarchy(g) });
const at = (g: RoadGraph, lat: number, lon: number, headingDeg?: number): SnappedPoint =>
  snap(g, lat, lon, { maxDistanceM: 200, ...(headingDeg === undefined ? {} : { headingDeg }) });
const buckets = (g: RoadGraph): BucketManyToOne => new BucketManyToOne(g, g.ch!);

describe('bucket many-to-one: units kept on the graph as they move', () => {
  /*
   *   a ---> b      a-b one-way; b-c-d-a two-way residential (25 km/h), sides D.
   *   |      |      Way b-c-d-a has no junction inside: one road piece from b to a.
   *   d ---- c
   */
  const block = () =>
    withCh(
      handGraph({ a: [0, 0], b: [0, 0.001], c: [-0.001, 0.001], d: [-0.001, 0] }, [
        { id: 1, nodes: 'ab', tags: { highway: 'residential', oneway: 'yes' } },
        { id: 2, nodes: 'bcda', tags: { highway: 'residential' } },
      ]),
    );

  it('gives the hand-computed answers on the one-way block', () => {
    const g = block();
    const b = buckets(g);
    const ids = ['at-b', 'at-c', 'at-d', 'mid-bc'];
    [at(g, 0, 0.001), at(g, -0.001, 0.001), at(g, -0.001, 0), at(g, -0.0005, 0.001)].forEach((p, i) => b.set(ids[i]!, p));
    const r = b.query(at(g, 0, 0), ids);
    [3 * D, 2 * D, D, 2.5 * D].forEach((m, i) => {
      expect(r.durationS[i]).toBeCloseTo(secs(m, 25), 6);
      expect(r.distanceM[i]).toBeCloseTo(m, 6);
    });
  });

  it('a unit driving along its road piece keeps its searches: only its offset changes', () => {
    const g = block();
    const b = buckets(g);
    b.set('u', at(g, -0.0002, 0.001)); // on b-c-d-a, 0.2 D below b
    const before = b.stats;
    expect(before.sourceVertices).toBe(2); // it may leave through b or through a
    for (const [lat, lon, m] of [[-0.0006, 0.001, 2.4 * D], [-0.001, 0.0005, 1.5 * D], [-0.0007, 0, 0.7 * D]] as const) {
      b.set('u', at(g, lat, lon));
      expect(b.stats).toEqual(before);
      expect(b.query(at(g, 0, 0), ['u']).distanceM[0]).toBeCloseTo(m, 6);
    }
  });

  it('a heading that rules out one way round leaves one source vertex and the long way', () => {
    const g = block();
    const b = buckets(g);
    // At c, driving north (towards b): it must go b → (one-way) no, b-a is a→b only, so b → c → d → a.
    b.set('north', at(g, -0.0005, 0.001, 0));
    b.set('south', at(g, -0.0005, 0.001, 180));
    expect(b.stats.sourceVertices).toBe(2);
    const r = b.query(at(g, 0, 0), ['north', 'south']);
    expect(r.distanceM[0]).toBeCloseTo(0.5 * D + 3 * D, 6); // up to b, then all the way round
    expect(r.distanceM[1]).toBeCloseTo(2.5 * D, 6);
  });

  it('counts units sharing a source vertex and removes the entries of the last one to leave', () => {
    const g = block();
    const b = buckets(g);
    b.set('x', at(g, -0.0003, 0.001));
    const one = b.stats;
    b.set('y', at(g, -0.0008, 0.001)); // same road piece: same exits
    expect(b.stats).toEqual(one);
    b.set('x', null);
    expect(b.stats).toEqual(one);
    expect(b.query(at(g, 0, 0), ['x', 'y']).distanceM[0]).toBe(Infinity);
    expect(b.query(at(g, 0, 0), ['x', 'y']).distanceM[1]).toBeCloseTo(2.2 * D, 6);
    b.set('y', null);
    expect(b.stats).toEqual({ sourceVertices: 0, bucketEntries: 0 });
    expect(b.size).toBe(0);
  });

  it('moving to another road piece gives up the old searches', () => {
    /*
     *   a ---- b ---- c      three two-way residential pieces meeting at b, b-e going south
     *          |
     *          e
     */
    const g = withCh(
      handGraph({ a: [0, 0], b: [0, 0.001], c: [0, 0.002], e: [-0.001, 0.001] }, [
        { id: 1, nodes: 'ab', tags: { highway: 'residential' } },
        { id: 2, nodes: 'bc', tags: { highway: 'residential' } },
        { id: 3, nodes: 'be', tags: { highway: 'residential' } },
      ]),
    );
    const b = buckets(g);
    b.set('u', at(g, 0, 0.0005)); // on a-b: exits a and b
    const onAb = b.stats;
    b.set('u', at(g, 0, 0.0015)); // on b-c: exits b and c; a's search is gone
    expect(b.stats.sourceVertices).toBe(2);
    expect(b.query(at(g, -0.001, 0.001), ['u']).distanceM[0]).toBeCloseTo(1.5 * D, 6);
    b.set('u', at(g, 0, 0.0005));
    expect(b.stats).toEqual(onAb);
    expect(b.query(at(g, -0.001, 0.001), ['u']).distanceM[0]).toBeCloseTo(1.5 * D, 6);
  });

  it('drives straight along the incident’s own road piece, and honours the time limit', () => {
    const g = withCh(handGraph({ a: [0, 0], b: [0, 0.002] }, [{ id: 1, nodes: 'ab', tags: { highway: 'residential' } }]));
    const b = buckets(g);
    b.set('far', at(g, 0, 0.002));
    b.set('near', at(g, 0, 0.0005));
    const r = b.query(at(g, 0, 0), ['far', 'near', 'never-placed'], { maxTimeS: secs(D, 25) });
    expect(r.durationS[0]).toBe(Infinity);
    expect(r.durationS[1]).toBeCloseTo(secs(0.5 * D, 25), 6);
    expect(r.durationS[2]).toBe(Infinity);
  });

  describe.each(['data/osm/andorra.osm.pbf', 'data/osm/monaco.osm.pbf'])('%s', (path) => {
    const { graph: g } = loadGraph(path, { cacheDir: null });
    let seed = 4242;
    const rand = (): number => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const near = (p: SnappedPoint | null): SnappedPoint => {
      // Units drive: mostly a few tens of metres from where they were, sometimes anywhere.
      const base = p && rand() < 0.8 ? [p.snappedLat, p.snappedLon] : (() => {
        const v = Math.floor(rand() * g.vertexCount);
        return [g.vLat[v]!, g.vLon[v]!];
      })();
      const heading = rand() < 0.5 ? rand() * 360 : undefined;
      return snap(g, base[0]! + (rand() - 0.5) * 6e-4, base[1]! + (rand() - 0.5) * 6e-4, { maxDistanceM: 500, network: 'any', ...(heading === undefined ? {} : { headingDeg: heading }) });
    };

    it('equals plain Dijkstra from the latest points through 40 rounds of moves and removals', () => {
      const b = buckets(g);
      const ids = Array.from({ length: 200 }, (_, i) => `u${i}`);
      const where = new Map<string, SnappedPoint | null>();
      const bad: string[] = [];
      for (let round = 0; round < 40; round++) {
        for (const id of ids) {
          const r = rand();
          if (round > 0 && r < 0.5) continue; // half the fleet sent no fix this round
          const p = r < 0.55 ? null : near(where.get(id) ?? null);
          where.set(id, p);
          b.set(id, p);
        }
        const placed = ids.filter((id) => where.get(id));
        const points = placed.map((id) => where.get(id)!);
        for (let k = 0; k < 3; k++) {
          const inc = near(null);
          const want = manyToOne(g, points, inc, { maxTimeS: 1800 });
          const got = b.query(inc, placed, { maxTimeS: 1800 });
          for (let i = 0; i < placed.length; i++) {
            const [x, y] = [want.durationS[i]!, got.durationS[i]!];
            const ok = x === Infinity ? y === Infinity : Math.abs(x - y) <= 1e-9 * Math.max(1, x);
            if (!ok) bad.push(`round ${round}, ${placed[i]}: plain ${x}, buckets ${y}`);
          }
        }
      }
      expect(bad.slice(0, 5)).toEqual([]);
      for (const id of ids) b.set(id, null);
      expect(b.stats).toEqual({ sourceVertices: 0, bucketEntries: 0 });
    });
  });
});
