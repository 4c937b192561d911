import { join } from 'node:path';
import { haversineM } from '@rescue/common';
import { loadGraph, route, snap } from '@rescue/routing';
import { DEMO_HOSPITALS, DEMO_STATIONS, demoUnits } from './demo-fleet';
import { GraphTripPlanner } from './trip-planner';

const graph = loadGraph(join(__dirname, '../../../../data/osm/andorra.osm.pbf'), { cacheDir: null }).graph;

describe('demo fleet on the shipped Andorra extract', () => {
  it('every station and hospital lies within a yard (50 m) of a drivable road, so drives end at the door', () => {
    for (const p of [...DEMO_STATIONS, ...DEMO_HOSPITALS]) {
      expect(snap(graph, p.lat, p.lon, { maxDistanceM: 500 }).distanceM).toBeLessThan(50);
    }
  });

  it('units park where the hospital is reachable by road and back; only Sant Julià needs a spot off its cut-off street', () => {
    const planner = new GraphTripPlanner(graph, 500);
    const moved: string[] = [];
    for (const h of DEMO_HOSPITALS) {
      const hp = snap(graph, h.lat, h.lon, { maxDistanceM: 500 });
      for (const s of DEMO_STATIONS) {
        const park = planner.parkingFor(s);
        if (park.lat !== s.lat || park.lon !== s.lon) moved.push(s.id);
        expect(haversineM(s.lat, s.lon, park.lat, park.lon)).toBeLessThan(50);
        const sp = snap(graph, park.lat, park.lon, { maxDistanceM: 500 });
        const there = route(graph, sp, hp, { optimize: 'time' });
        const back = route(graph, hp, sp, { optimize: 'time' });
        expect(there.durationS).toBeGreaterThan(0);
        expect(there.durationS).toBeLessThan(45 * 60); // Canillo is the farthest, well under this
        expect(back.durationS).toBeGreaterThan(0);
      }
    }
    // The station's nearest road is a street piece from which no route leads anywhere (network 'any');
    // the library's default snap skips it for the main road, from which the hospital is reachable.
    const sjl = DEMO_STATIONS.find((s) => s.id === 'ST-SJL')!;
    const hospital = snap(graph, DEMO_HOSPITALS[0]!.lat, DEMO_HOSPITALS[0]!.lon, { maxDistanceM: 500 });
    expect(() => route(graph, snap(graph, sjl.lat, sjl.lon, { maxDistanceM: 500, network: 'any' }), hospital)).toThrow(/no road path/);
    expect(route(graph, snap(graph, sjl.lat, sjl.lon, { maxDistanceM: 500 }), hospital).durationS).toBeGreaterThan(0);
    expect(moved).toEqual(['ST-SJL']);
  });

  it('spreads units over the stations, every third with ALS', () => {
    const u = demoUnits(9);
    expect(u.map((x) => x.stationId).slice(0, 7)).toEqual(DEMO_STATIONS.map((s) => s.id));
    expect(u.filter((x) => x.capabilities.includes('als')).map((x) => x.id)).toEqual(['AMB-01', 'AMB-04', 'AMB-07']);
  });
});
