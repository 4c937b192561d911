import { RoutingError } from './errors';
import { haversineM } from '@rescue/common';
import { loadGraph } from './load-graph';
import { manyToOne, oneToMany, reachTime, route, routesToOne } from './queries';
import { snap } from './snap';
import { D, handGraph, secs } from './testing/hand-map';

const SNAP = { maxDistanceM: 200 };
const RES = { highway: 'residential' }; // 25 km/h
const PRI = { highway: 'primary' }; // 65 km/h

function at(g: ReturnType<typeof handGraph>, lat: number, lon: number) {
  return snap(g, lat, lon, SNAP);
}

describe('one-way streets', () => {
  /*
   *   a ---> b        a-b is oneway=yes (a to b only); the rest two-way residential.
   *   |      |        Each side is D metres (0.001° on the equator grid).
   *   d ---- c
   */
  const g = handGraph(
    { a: [0, 0], b: [0, 0.001], c: [-0.001, 0.001], d: [-0.001, 0] },
    [
      { id: 1, nodes: 'ab', tags: { ...RES, oneway: 'yes' } },
      { id: 2, nodes: 'bcda', tags: RES },
    ],
  );

  it('drives with the one-way in one edge', () => {
    const r = route(g, at(g, 0, 0), at(g, 0, 0.001));
    expect(r.distanceM).toBeCloseTo(D, 6);
    expect(r.durationS).toBeCloseTo(secs(D, 25), 6);
  });

  it('goes round the block against it', () => {
    const r = route(g, at(g, 0, 0.001), at(g, 0, 0));
    expect(r.distanceM).toBeCloseTo(3 * D, 6);
    // The geometry visits c and d: b → c → d → a.
    const lons = r.geometry.coordinates.map(([lon]) => lon);
    const lats = r.geometry.coordinates.map(([, lat]) => lat);
    expect(Math.min(...lats)).toBeCloseTo(-0.001, 9);
    expect(lons[0]).toBeCloseTo(0.001, 9);
    expect(lons[lons.length - 1]).toBeCloseTo(0, 9);
  });

  it('honours oneway=-1 (reversed) the same way', () => {
    const g2 = handGraph(
      { a: [0, 0], b: [0, 0.001], c: [-0.001, 0.001], d: [-0.001, 0] },
      [
        { id: 1, nodes: 'ba', tags: { ...RES, oneway: '-1' } },
        { id: 2, nodes: 'bcda', tags: RES },
      ],
    );
    expect(route(g2, at(g2, 0, 0), at(g2, 0, 0.001)).distanceM).toBeCloseTo(D, 6);
    expect(route(g2, at(g2, 0, 0.001), at(g2, 0, 0)).distanceM).toBeCloseTo(3 * D, 6);
  });

  it('many-to-one: every unit to incident a in one reversed search', () => {
    // Units at b, c, d and halfway down b-c; incident at a. Only d-a and b→c→d→a lead into a.
    const target = at(g, 0, 0);
    const units = [at(g, 0, 0.001), at(g, -0.001, 0.001), at(g, -0.001, 0), at(g, -0.0005, 0.001)];
    const r = manyToOne(g, units, target);
    const expectM = [3 * D, 2 * D, D, 2.5 * D];
    expectM.forEach((m, i) => {
      expect(r.distanceM[i]).toBeCloseTo(m, 6);
      expect(r.durationS[i]).toBeCloseTo(secs(m, 25), 6);
    });
  });

  it('many-to-one: a unit already on the target edge behind it drives the remainder only', () => {
    // Unit at 1/4 of a→b, incident at 3/4: D/2 along the one-way; the reverse (3/4 → 1/4) goes round.
    const r = manyToOne(g, [at(g, 0, 0.00025)], at(g, 0, 0.00075));
    expect(r.distanceM[0]).toBeCloseTo(D / 2, 6);
    const back = manyToOne(g, [at(g, 0, 0.00075)], at(g, 0, 0.00025));
    expect(back.distanceM[0]).toBeCloseTo(0.25 * D + 3 * D + 0.25 * D, 6);
  });

  it('many-to-one respects the time limit', () => {
    const r = manyToOne(g, [at(g, 0, 0.001), at(g, -0.001, 0)], at(g, 0, 0), { maxTimeS: secs(1.5 * D, 25) });
    expect(r.durationS[0]).toBe(Infinity);
    expect(r.durationS[1]).toBeCloseTo(secs(D, 25), 6);
  });

  it('roundabouts are one-way without a oneway tag', () => {
    const g3 = handGraph(
      { a: [0, 0], b: [0, 0.001], c: [-0.001, 0.001], d: [-0.001, 0] },
      [{ id: 1, nodes: 'abcda', tags: { ...RES, junction: 'roundabout' } }],
    );
    expect(route(g3, at(g3, 0, 0), at(g3, 0, 0.001)).distanceM).toBeCloseTo(D, 6);
    expect(route(g3, at(g3, 0, 0.001), at(g3, 0, 0)).distanceM).toBeCloseTo(3 * D, 6);
  });
});

describe('a slow short road against a fast long one', () => {
  /*
   *   s ---- residential 2D ---- t
   *   |                          |
   *   p ------ primary 2D ------ q      s-p, p-q, q-t primary (65 km/h): 4D in all.
   */
  const g = handGraph(
    { s: [0, 0], t: [0, 0.002], p: [-0.001, 0], q: [-0.001, 0.002] },
    [
      { id: 1, nodes: 'st', tags: RES },
      { id: 2, nodes: 'spqt', tags: PRI },
    ],
  );
  it('by time takes the long primary', () => {
    const r = route(g, at(g, 0, 0), at(g, 0, 0.002));
    expect(secs(4 * D, 65)).toBeLessThan(secs(2 * D, 25)); // the premise of the map
    expect(r.durationS).toBeCloseTo(secs(4 * D, 65), 6);
    expect(r.distanceM).toBeCloseTo(4 * D, 6);
  });
  it('by distance takes the short residential', () => {
    const r = route(g, at(g, 0, 0), at(g, 0, 0.002), { optimize: 'distance' });
    expect(r.distanceM).toBeCloseTo(2 * D, 6);
    expect(r.durationS).toBeCloseTo(secs(2 * D, 25), 6);
    const m = manyToOne(g, [at(g, 0, 0)], at(g, 0, 0.002), { optimize: 'distance' });
    expect(m.distanceM[0]).toBeCloseTo(2 * D, 6);
  });
  it('a tagged maxspeed overrides the class default (at 0.8 of the limit)', () => {
    // Residential signed 100 km/h → driven at 80 km/h, faster than primary's 65: short road wins.
    const g2 = handGraph(
      { s: [0, 0], t: [0, 0.002], p: [-0.001, 0], q: [-0.001, 0.002] },
      [
        { id: 1, nodes: 'st', tags: { ...RES, maxspeed: '100' } },
        { id: 2, nodes: 'spqt', tags: PRI },
      ],
    );
    expect(route(g2, at(g2, 0, 0), at(g2, 0, 0.002)).durationS).toBeCloseTo(secs(2 * D, 80), 6);
  });
});

describe('a bridge', () => {
  /*
   *             n
   *             |           w-e is a bridge (layer 1) over n-s: they cross with no shared node,
   *   w ========+======= e  so nothing turns at the crossing. The only link is e-k-s.
   *             |        |
   *             s ------ k
   */
  const g = handGraph(
    { n: [0.001, 0], s: [-0.001, 0], w: [0, -0.001], e: [0, 0.001], k: [-0.001, 0.001] },
    [
      { id: 1, nodes: 'ns', tags: RES },
      { id: 2, nodes: 'we', tags: { ...RES, bridge: 'yes', layer: '1' } },
      { id: 3, nodes: 'eks', tags: RES },
    ],
  );
  it('no turn at the crossing: w to s goes over the bridge and round', () => {
    const r = route(g, at(g, 0, -0.001), at(g, -0.001, 0));
    expect(r.distanceM).toBeCloseTo(4 * D, 6);
  });
});

describe('turn restrictions', () => {
  /*
   *   n ------ c
   *   |        |
   *   w -- x -- e       Ways: 1 w-x, 2 x-n, 3 x-e, 4 e-c-n, 5 x-s. All two-way residential.
   *        |
   *        s
   *   (x at the origin; n above x, c above e.)
   */
  const nodes: Record<string, [number, number]> = { w: [0, -0.001], x: [0, 0], e: [0, 0.001], n: [0.001, 0], c: [0.001, 0.001], s: [-0.001, 0] };
  const ways = [
    { id: 1, nodes: 'wx', tags: RES },
    { id: 2, nodes: 'xn', tags: RES },
    { id: 3, nodes: 'xe', tags: RES },
    { id: 4, nodes: 'ecn', tags: RES },
    { id: 5, nodes: 'xs', tags: RES },
  ];
  const W = [0, -0.001] as const, N = [0.001, 0] as const, S = [-0.001, 0] as const;

  it('unrestricted, w to n turns left at x (2D)', () => {
    const g = handGraph(nodes, ways);
    expect(route(g, at(g, ...W), at(g, ...N)).distanceM).toBeCloseTo(2 * D, 6);
  });

  it('no_left_turn from w-x to x-n forces the way round by e and c (4D)', () => {
    const g = handGraph(nodes, ways, [{ id: 9, restriction: 'no_left_turn', from: 1, via: 'x', to: 2 }]);
    expect(g.meta.restrictionsApplied).toBe(1);
    expect(route(g, at(g, ...W), at(g, ...N)).distanceM).toBeCloseTo(4 * D, 6);
    expect(manyToOne(g, [at(g, ...W)], at(g, ...N)).distanceM[0]).toBeCloseTo(4 * D, 6);
    // Other movements through x are untouched.
    expect(route(g, at(g, ...N), at(g, ...W)).distanceM).toBeCloseTo(2 * D, 6);
    expect(route(g, at(g, ...W), at(g, ...S)).distanceM).toBeCloseTo(2 * D, 6);
  });

  it('only_straight_on from w-x: to s goes on to e, turns back there and comes down through x (4D)', () => {
    // The model allows U-turns at junctions (node-based search, as pgRouting's): w-x-e, e-x, x-s.
    const g = handGraph(nodes, ways, [{ id: 9, restriction: 'only_straight_on', from: 1, via: 'x', to: 3 }]);
    expect(route(g, at(g, ...W), at(g, ...S)).distanceM).toBeCloseTo(4 * D, 6);
    const reach = oneToMany(g, at(g, ...W));
    expect(reachTime(g, reach, at(g, ...S))).toBeCloseTo(secs(4 * D, 25), 6);
    // Without the restriction it is the plain right turn.
    const free = handGraph(nodes, ways);
    expect(route(free, at(free, ...W), at(free, ...S)).distanceM).toBeCloseTo(2 * D, 6);
  });
});

describe('unreachable island and points far from roads', () => {
  /*
   *   a ---- b ---- c                f ---- h      (f is 0.008° = ~890 m east of c, no road between)
   *
   * a-b-c (three vertices: two ways meet at b) is the main network, the largest strongly connected
   * component; f-h (two vertices) is an island.
   */
  const g = handGraph(
    { a: [0, 0], b: [0, 0.001], c: [0, 0.002], f: [0, 0.01], h: [0, 0.011] },
    [
      { id: 1, nodes: 'ab', tags: RES },
      { id: 3, nodes: 'bc', tags: RES },
      { id: 2, nodes: 'fh', tags: RES },
    ],
  );
  const ANY = { ...SNAP, network: 'any' } as const;
  const onIsland = (): ReturnType<typeof snap> => snap(g, 0, 0.0105, ANY);

  it('marks the island outside the main network', () => {
    expect(g.meta.components).toBe(2);
    expect(g.meta.verticesOutsideMain).toBe(2);
  });
  it("with network 'any' a point snaps onto the island, and a route there is UNREACHABLE", () => {
    expect(g.cWayId[onIsland().chain]).toBe(2);
    expect(() => route(g, at(g, 0, 0), onIsland())).toThrow(expect.objectContaining({ code: 'UNREACHABLE' }));
  });
  it('many-to-one reports Infinity for an island unit and a time for the other', () => {
    const r = manyToOne(g, [onIsland(), at(g, 0, 0.001)], at(g, 0, 0));
    expect(r.durationS[0]).toBe(Infinity);
    expect(r.distanceM[1]).toBeCloseTo(D, 6);
  });
  it('by default the island point is refused (mainland ~945 m away, beyond the limit), saying a cut-off road is near', () => {
    let err: unknown;
    try {
      at(g, 0, 0.0105);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(RoutingError);
    expect((err as RoutingError).code).toBe('SNAP_TOO_FAR');
    expect((err as RoutingError).details).toMatchObject({ nearestCutOffM: 0 });
  });
  it('by default, with a limit that reaches the mainland, the island point snaps to its end c and routes', () => {
    const p = snap(g, 0, 0.0105, { maxDistanceM: 1000 });
    expect(g.cWayId[p.chain]).toBe(3);
    expect(p.distanceM).toBeCloseTo(8.5 * D, 3);
    expect(route(g, at(g, 0, 0), p).distanceM).toBeCloseTo(2 * D, 6);
  });
  it('a point 0.005° (556 m) from any road is refused with SNAP_TOO_FAR', () => {
    let err: unknown;
    try {
      snap(g, 0.005, 0.0005, { maxDistanceM: 500 });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(RoutingError);
    expect((err as RoutingError).code).toBe('SNAP_TOO_FAR');
    // The same point is accepted with a larger limit, and the distance is reported.
    expect(snap(g, 0.005, 0.0005, { maxDistanceM: 1000 }).distanceM).toBeCloseTo(5 * D, 3);
  });
  it('reach from a stops at the time limit', () => {
    const reach = oneToMany(g, at(g, 0, 0), { maxTimeS: 60 });
    expect(reach.vertices.length).toBe(3); // a, b (16 s) and c (32 s), nothing on the island
    expect(reachTime(g, reach, onIsland())).toBe(Infinity);
  });
});

describe('access rules', () => {
  /*
   *   a ---- b        a-b (D) tagged per case; the detour a-p-q-b (3D) is residential.
   *   |      |
   *   p ---- q
   */
  const withTags = (tags: Record<string, string>) =>
    handGraph(
      { a: [0, 0], b: [0, 0.001], p: [-0.001, 0], q: [-0.001, 0.001] },
      [
        { id: 1, nodes: 'ab', tags },
        { id: 2, nodes: 'apqb', tags: RES },
      ],
    );
  const dist = (tags: Record<string, string>) => {
    const g = withTags(tags);
    return route(g, at(g, -0.0002, 0), at(g, -0.0002, 0.001), { optimize: 'distance' }).distanceM;
  };
  // From 0.2D below a to 0.2D below b: across a-b is 1.4D, round by p-q 2.6D.
  it.each([
    [{ ...RES, access: 'no' }, 2.6],
    [{ ...RES, motor_vehicle: 'no' }, 2.6],
    [{ highway: 'footway' }, 2.6],
    [{ highway: 'construction' }, 2.6],
    [{ ...RES, emergency: 'no' }, 2.6],
    [{ highway: 'pedestrian', emergency: 'yes' }, 1.4],
    [{ ...RES, access: 'no', bus: 'yes' }, 1.4],
    [{ highway: 'busway' }, 1.4],
    [{ ...RES, access: 'no', emergency: 'yes' }, 1.4],
    [{ ...RES, access: 'private' }, 1.4],
  ])('%j: %sD', (tags, n) => {
    expect(dist(tags)).toBeCloseTo(n * D, 6);
  });
});

describe('routes from several units to one incident in one reversed search', () => {
  /*
   *   a ---> b      a-b one-way; b-c-d-a two-way residential; units at b, c and halfway b-c; incident at a.
   *   |      |
   *   d ---- c
   */
  const g = handGraph({ a: [0, 0], b: [0, 0.001], c: [-0.001, 0.001], d: [-0.001, 0] }, [
    { id: 1, nodes: 'ab', tags: { ...RES, oneway: 'yes' } },
    { id: 2, nodes: 'bcda', tags: RES },
  ]);

  it('gives each unit the route route() gives, geometry round the block', () => {
    const units = [at(g, 0, 0.001), at(g, -0.001, 0.001), at(g, -0.0005, 0.001)];
    const target = at(g, 0, 0);
    const rs = routesToOne(g, units, target);
    [3 * D, 2 * D, 2.5 * D].forEach((m, i) => {
      expect(rs[i]!.distanceM).toBeCloseTo(m, 6);
      expect(rs[i]!.durationS).toBeCloseTo(secs(m, 25), 6);
      expect(rs[i]!.geometry.coordinates).toEqual(route(g, units[i]!, target).geometry.coordinates);
    });
    // From b the way leads through c and d: the southern corners are on the line.
    expect(rs[0]!.geometry.coordinates).toEqual(expect.arrayContaining([[0.001, -0.001], [0, -0.001]]));
  });

  it('null beyond the bound', () => {
    expect(routesToOne(g, [at(g, 0, 0.001)], at(g, 0, 0), { maxTimeS: secs(2 * D, 25) })).toEqual([null]);
  });

  it('equals route() in cost on Andorra, with a line as long as the distance, for 40 incidents × 5 units', () => {
    const { graph } = loadGraph('data/osm/andorra.osm.pbf', { cacheDir: null });
    let seed = 77;
    const rand = (): number => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const pt = () => {
      const v = Math.floor(rand() * graph.vertexCount);
      return snap(graph, graph.vLat[v]! + (rand() - 0.5) * 4e-4, graph.vLon[v]! + (rand() - 0.5) * 4e-4, { maxDistanceM: 500, ...(rand() < 0.5 ? { headingDeg: rand() * 360 } : {}) });
    };
    const bad: string[] = [];
    for (let k = 0; k < 40; k++) {
      const target = pt();
      const units = Array.from({ length: 5 }, pt);
      routesToOne(graph, units, target).forEach((r, i) => {
        const want = route(graph, units[i]!, target);
        if (Math.abs(r!.durationS - want.durationS) > 1e-9 * Math.max(1, want.durationS)) bad.push(`${k}/${i}: ${r!.durationS} vs ${want.durationS}`);
        const c = r!.geometry.coordinates;
        let len = 0;
        for (let j = 1; j < c.length; j++) len += haversineM(c[j - 1]![1], c[j - 1]![0], c[j]![1], c[j]![0]);
        if (Math.abs(len - r!.distanceM) > 0.01 * r!.distanceM + 1) bad.push(`${k}/${i}: line ${len} m, distance ${r!.distanceM} m`);
        if (haversineM(c[0]![1], c[0]![0], units[i]!.snappedLat, units[i]!.snappedLon) > 0.5) bad.push(`${k}/${i}: starts elsewhere`);
        if (haversineM(c[c.length - 1]![1], c[c.length - 1]![0], target.snappedLat, target.snappedLon) > 0.5) bad.push(`${k}/${i}: ends elsewhere`);
      });
    }
    expect(bad.slice(0, 5)).toEqual([]);
  });
});
