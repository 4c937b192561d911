import booleanPointInPolygon from '@turf/boolean-point-in-polygon';
import { haversineM } from '@rescue/common';
import { oneToMany } from '@rescue/routing';
import type { MultiLineString, MultiPolygon } from 'geojson';
import { placeSiteOrThrow } from './network';
import { checkMinutes, reachNetwork, stationIsochrones } from './isochrones';
import { D, handMap, RESIDENTIAL_KMH, secs } from './testing/line-map';

/*
 *   a ---- b ---- c ---- d       two-way residential street, 0.01° (10·D m) between letters
 *   S                            station at a; side street b-x goes north 0.01°
 *          |
 *          x
 */
const g = handMap({ a: [0, 0], b: [0, 0.01], c: [0, 0.02], d: [0, 0.03], x: [0.01, 0.01] }, [
  { nodes: 'abcd', tags: { highway: 'residential' } },
  { nodes: 'bx', tags: { highway: 'residential' } },
]);
const STEP_S = secs(10 * D, RESIDENTIAL_KMH);
const site = placeSiteOrThrow(g, { id: 'S', name: 'a', lat: 0, lon: 0 }, 50);
const lengthOf = (m: MultiLineString): number =>
  m.coordinates.reduce((s, line) => s + line.slice(1).reduce((t, p, i) => t + haversineM(line[i]![1], line[i]![0], p[1], p[0]), 0), 0);

describe('isochrones on a hand-drawn street', () => {
  const minutes = (1.5 * STEP_S) / 60;

  it('reachable network within 1.5 steps: a→b, half of b→c, half of b→x (2.5 steps of road)', () => {
    const reach = oneToMany(g, site.at, { maxTimeS: 3 * STEP_S });
    const net = reachNetwork(g, reach, 1.5 * STEP_S);
    expect(lengthOf(net)).toBeCloseTo(2.5 * 10 * D, 0);
  });

  it('the polygon holds the reached road and not the rest', () => {
    const iso = stationIsochrones(g, site, [minutes, 2.5 * (STEP_S / 60)], { cellM: 50, network: true });
    const poly = iso.features.find((f) => f.properties.kind === 'polygon' && f.properties.minutes === minutes)!.geometry as MultiPolygon;
    const inside = (lat: number, lon: number): boolean => booleanPointInPolygon([lon, lat], poly);
    expect(inside(0, 0.005)).toBe(true);
    expect(inside(0, 0.014)).toBe(true); // 1.4 steps along the street
    expect(inside(0.004, 0.01)).toBe(true); // 1.4 steps via the side street
    expect(inside(0, 0.017)).toBe(false); // 1.7 steps
    expect(inside(0.007, 0.01)).toBe(false);
    expect(inside(0.005, 0.005)).toBe(false); // off the roads, between them
    // Graph vertices are a, b, d, x (c, of degree 2, is folded into the b-d edge).
    // Within 1.5 steps: a, b; within 2.5: a, b, x (d is 3 steps away).
    expect(iso.reached).toEqual([2, 3]);
    expect(iso.features.filter((f) => f.properties.kind === 'network')).toHaveLength(2);
  });

  it('validates minutes', () => {
    expect(checkMinutes([15, 5, 15])).toEqual([5, 15]);
    expect(() => checkMinutes([])).toThrow(/1 to 12/);
    expect(() => checkMinutes([0])).toThrow(/not in/);
    expect(() => checkMinutes([500])).toThrow(/not in/);
  });
});
