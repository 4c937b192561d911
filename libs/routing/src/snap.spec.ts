import { route } from './queries';
import { snap } from './snap';
import { D, handGraph } from './testing/hand-map';

describe('snapping', () => {
  /*
   *   w <-------------- e     way 1 (north carriageway), oneway westbound, at lat +0.00005 (5.6 m)
   *   |                 |     ways 3, 4: two-way links at the ends, so the dual carriageway is one
   *   v --------------> f     way 2 (south carriageway), oneway eastbound, at lat -0.00005
   *                           strongly connected network (snap keeps to it by default).
   */
  const g = handGraph(
    { w: [0.00005, 0], e: [0.00005, 0.002], v: [-0.00005, 0], f: [-0.00005, 0.002] },
    [
      { id: 1, nodes: 'ew', tags: { highway: 'primary', oneway: 'yes' } },
      { id: 2, nodes: 'vf', tags: { highway: 'primary', oneway: 'yes' } },
      { id: 3, nodes: 'fe', tags: { highway: 'primary' } },
      { id: 4, nodes: 'wv', tags: { highway: 'primary' } },
    ],
  );
  const wayOf = (p: ReturnType<typeof snap>) => g.cWayId[p.chain];

  it('reports the perpendicular distance and the position along the road', () => {
    const p = snap(g, 0.00105, 0.001, { maxDistanceM: 500 });
    expect(wayOf(p)).toBe(1);
    expect(p.distanceM).toBeCloseTo(D, 3); // 0.001° north of the north carriageway
    expect(p.snappedLon).toBeCloseTo(0.001, 9);
    expect(p.alongM).toBeCloseTo(D, 3); // way 1 runs e→w: halfway is D from e
  });

  it('without a heading takes the nearest carriageway', () => {
    const p = snap(g, 0.00002, 0.001, { maxDistanceM: 500 });
    expect(wayOf(p)).toBe(1);
  });

  it('a unit heading east (90°) nearer the westbound side snaps to the eastbound one', () => {
    const p = snap(g, 0.00002, 0.001, { maxDistanceM: 500, headingDeg: 90 });
    expect(wayOf(p)).toBe(2);
    expect(p.allowForward).toBe(true);
    expect(p.allowBackward).toBe(false);
  });

  it('heading west keeps the westbound side', () => {
    expect(wayOf(snap(g, -0.00002, 0.001, { maxDistanceM: 500, headingDeg: 270 }))).toBe(1);
  });

  it('on a two-way road the heading picks the direction of travel', () => {
    const g2 = handGraph({ a: [0, 0], b: [0, 0.002] }, [{ id: 1, nodes: 'ab', tags: { highway: 'residential' } }]);
    const east = snap(g2, 0.0001, 0.001, { maxDistanceM: 100, headingDeg: 80 });
    expect([east.allowForward, east.allowBackward]).toEqual([true, false]);
    const west = snap(g2, 0.0001, 0.001, { maxDistanceM: 100, headingDeg: 260 });
    expect([west.allowForward, west.allowBackward]).toEqual([false, true]);
    const any = snap(g2, 0.0001, 0.001, { maxDistanceM: 100 });
    expect([any.allowForward, any.allowBackward]).toEqual([true, true]);
  });

  it('the carriageways and links form the main network', () => {
    expect(g.meta.components).toBe(1);
    expect(g.meta.verticesOutsideMain).toBe(0);
  });

  it('refuses bad coordinates', () => {
    expect(() => snap(g, 91, 0, { maxDistanceM: 100 })).toThrow(expect.objectContaining({ code: 'BAD_INPUT' }));
    expect(() => snap(g, Number.NaN, 0, { maxDistanceM: 100 })).toThrow(expect.objectContaining({ code: 'BAD_INPUT' }));
  });
});

describe('snapping keeps to the main network', () => {
  /*
   *          p ········> q                way 2: oneway residential p→q, 0.0003° (33 m) north of the
   *                 x (station)                  main road, touching nothing (a tiny cut-off piece)
   *   a ----------- b ----------- c       way 1: two-way primary along the equator (main network)
   *                 |
   *                 v  t                  way 3: oneway b→t, a dead end (enter, never leave: a trap)
   */
  const g = handGraph(
    { a: [0, 0], b: [0, 0.001], c: [0, 0.002], p: [0.0003, 0.0005], q: [0.0003, 0.0015], t: [-0.0005, 0.001] },
    [
      { id: 1, nodes: 'abc', tags: { highway: 'primary' } },
      { id: 2, nodes: 'pq', tags: { highway: 'residential', oneway: 'yes' } },
      { id: 3, nodes: 'bt', tags: { highway: 'residential', oneway: 'yes' } },
    ],
  );
  const X: [number, number] = [0.00025, 0.001]; // 5.6 m from p-q, 27.8 m from a-b-c
  const T: [number, number] = [-0.00025, 0.00105]; // 5.6 m from b-t, 27.8 m from a-b-c
  const ANY = { maxDistanceM: 500, network: 'any' } as const;
  const target = snap(g, 0, 0.002, { maxDistanceM: 50 }); // at c

  it('marks p, q and t outside the main network', () => {
    expect(g.meta.verticesOutsideMain).toBe(3);
    for (let v = 0; v < g.vertexCount; v++) expect([g.vOsmId[v], g.vComp[v] === 0]).toEqual([g.vOsmId[v], [97, 98, 99].includes(g.vOsmId[v]!)]);
  });

  it.each([
    ['the cut-off one-way piece', X, 2],
    ['the one-way dead end', T, 3],
  ])("next to %s: 'any' snaps onto it and is stranded; the default takes the main road 28 m away and routes", (_what, [lat, lon], trapWay) => {
    const trapped = snap(g, lat, lon, ANY);
    expect(g.cWayId[trapped.chain]).toBe(trapWay);
    expect(trapped.distanceM).toBeCloseTo(0.05 * D, 3);
    expect(() => route(g, trapped, target)).toThrow(expect.objectContaining({ code: 'UNREACHABLE' }));

    const p = snap(g, lat, lon, { maxDistanceM: 500 });
    expect(g.cWayId[p.chain]).toBe(1);
    expect(p.distanceM).toBeCloseTo(0.25 * D, 3);
    expect([p.allowForward, p.allowBackward]).toEqual([true, true]);
    const toC = (0.002 - lon) * 1000 * D; // along the equator from the foot of the perpendicular to c
    expect(route(g, p, target).distanceM).toBeCloseTo(toC, 6);
    expect(route(g, target, p).distanceM).toBeCloseTo(toC, 6);
  });

  it('a heading along the trap still lands on the main road, in the matching direction', () => {
    const p = snap(g, X[0], X[1], { maxDistanceM: 500, headingDeg: 90 });
    expect(g.cWayId[p.chain]).toBe(1);
    expect([p.allowForward, p.allowBackward]).toEqual([true, false]);
  });

  it('refuses with SNAP_TOO_FAR when only the cut-off piece is within the limit, and says so', () => {
    let err: unknown;
    try {
      snap(g, X[0], X[1], { maxDistanceM: 20 });
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ code: 'SNAP_TOO_FAR', details: { maxDistanceM: 20, nearestCutOffM: 6 } });
    expect(snap(g, X[0], X[1], { maxDistanceM: 20, network: 'any' }).distanceM).toBeCloseTo(0.05 * D, 3);
  });
});
