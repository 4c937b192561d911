import { snap } from './snap';
import { D, handGraph } from './testing/hand-map';

describe('snapping', () => {
  /*
   *   w <-------------- e     way 1 (north carriageway), oneway westbound, at lat +0.00005 (5.6 m)
   *   w' -------------> e'    way 2 (south carriageway), oneway eastbound, at lat -0.00005
   */
  const g = handGraph(
    { w: [0.00005, 0], e: [0.00005, 0.002], v: [-0.00005, 0], f: [-0.00005, 0.002] },
    [
      { id: 1, nodes: 'ew', tags: { highway: 'primary', oneway: 'yes' } },
      { id: 2, nodes: 'vf', tags: { highway: 'primary', oneway: 'yes' } },
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

  it('refuses bad coordinates', () => {
    expect(() => snap(g, 91, 0, { maxDistanceM: 100 })).toThrow(expect.objectContaining({ code: 'BAD_INPUT' }));
    expect(() => snap(g, Number.NaN, 0, { maxDistanceM: 100 })).toThrow(expect.objectContaining({ code: 'BAD_INPUT' }));
  });
});
