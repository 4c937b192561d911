import { D, handGraph, secs } from '@rescue/routing/testing';
import { GraphTripPlanner } from './trip-planner';

// A street along the equator: residential a–b, primary b–c, residential c–d, each D metres.
const g = handGraph(
  { a: [0, 0], b: [0, 0.001], c: [0, 0.002], d: [0, 0.003] },
  [
    { id: 1, nodes: 'ab', tags: { highway: 'residential' } },
    { id: 2, nodes: 'bc', tags: { highway: 'primary' } },
    { id: 3, nodes: 'cd', tags: { highway: 'residential' } },
  ],
);
const planner = new GraphTripPlanner(g, 500);

describe('GraphTripPlanner', () => {
  it('paces a route at the speed of each road it drives, arriving at the route ETA', () => {
    const leg = planner.plan({ lat: 0, lon: 0.0005 }, { lat: 0, lon: 0.0025 });
    const eta = secs(D / 2, 25) + secs(D, 65) + secs(D / 2, 25);
    expect(leg.lengthM).toBeCloseTo(2 * D, 3);
    expect(leg.durationS).toBeCloseTo(eta, 3);
    expect(leg.at(secs(D / 4, 25)).speedKmh).toBeCloseTo(25, 6); // still on the residential street
    const onPrimary = leg.at(secs(D / 2, 25) + secs(D / 2, 65));
    expect(onPrimary.speedKmh).toBeCloseTo(65, 6);
    expect(onPrimary.lon).toBeCloseTo(0.0015, 6);
    expect(onPrimary.headingDeg).toBeCloseTo(90, 6);
    const end = leg.at(eta + 1);
    expect(end).toMatchObject({ done: true, speedKmh: 0 });
    expect(end.lon).toBeCloseTo(0.0025, 7);
  });

  it('joins the road from a point beside it and drives into a yard near the road', () => {
    // start 11 m north of the street; the target (a station) 22 m south of it
    const leg = planner.plan({ lat: 0.0001, lon: 0.0005 }, { lat: -0.0002, lon: 0.0015 });
    expect(leg.at(0).lat).toBeCloseTo(0.0001, 9);
    expect(leg.at(0).headingDeg).toBeCloseTo(180, 3); // down onto the road
    expect(leg.at(0).speedKmh).toBeCloseTo(10, 6);
    const end = leg.at(leg.durationS);
    expect(end.lat).toBeCloseTo(-0.0002, 9);
    expect(end.lon).toBeCloseTo(0.0015, 9);
  });

  it('stops on the road for a target far from it, and drives straight off the network', () => {
    const leg = planner.plan({ lat: 0, lon: 0.0005 }, { lat: 0.002, lon: 0.0025 }); // 222 m off the street
    const end = leg.at(leg.durationS);
    expect(end.lat).toBeCloseTo(0, 9);
    expect(end.lon).toBeCloseTo(0.0025, 6);
    const away = planner.plan({ lat: 0, lon: 0.0005 }, { lat: 0.1, lon: 0.0005 }); // 11 km from any road
    expect(away.lengthM).toBeGreaterThan(11_000);
    expect(away.at(1).speedKmh).toBeCloseTo(40, 6);
    expect(away.at(away.durationS)).toMatchObject({ lat: 0.1, lon: 0.0005, done: true });
  });

  it('finds patrol targets on the road near a place, or none in the wilderness', () => {
    let i = 0;
    const seq = [0.5, 0.25, 0.1, 0.9];
    const p = planner.roadPointNear({ lat: 0, lon: 0.0015 }, 200, () => seq[i++ % seq.length]!);
    expect(p).not.toBeNull();
    expect(p!.lat).toBeCloseTo(0, 9);
    expect(planner.roadPointNear({ lat: 1, lon: 1 }, 200, Math.random)).toBeNull();
  });

  it('parks a station whose nearest road is cut off on the nearest connected road instead', () => {
    // the main street plus a lone piece e–f 22 m north of it, joined to nothing
    const g2 = handGraph(
      { a: [0, 0], b: [0, 0.001], c: [0, 0.002], d: [0, 0.003], e: [0.0002, 0.0009], f: [0.0002, 0.0011] },
      [
        { id: 1, nodes: 'abc', tags: { highway: 'residential' } },
        { id: 3, nodes: 'cd', tags: { highway: 'residential' } },
        { id: 2, nodes: 'ef', tags: { highway: 'residential' } },
      ],
    );
    const p2 = new GraphTripPlanner(g2, 500);
    const station = { lat: 0.00025, lon: 0.001 }; // 5.6 m from e–f, 28 m from the street
    const park = p2.parkingFor(station);
    expect(park.lat).toBeCloseTo(0, 9);
    expect(park.lon).toBeCloseTo(0.001, 4);
    // a station by the street stays where it is
    expect(p2.parkingFor({ lat: -0.0001, lon: 0.0005 })).toEqual({ lat: -0.0001, lon: 0.0005 });
    // a drive to a point by the lone piece goes along the street to the nearest connected point, then through the yard
    const leg = p2.plan({ lat: 0, lon: 0.002 }, station);
    expect(leg.at(1).speedKmh).toBeCloseTo(25, 6); // on the street, not the 40 km/h straight line of the fallback
    expect(leg.at(1).lat).toBeCloseTo(0, 9);
    const end = leg.at(leg.durationS);
    expect(end.lat).toBeCloseTo(station.lat, 9);
    expect(end.lon).toBeCloseTo(station.lon, 9);
  });
});
