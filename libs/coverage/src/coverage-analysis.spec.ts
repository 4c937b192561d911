import { classifierFromPolygons, uniformClassifier } from './area-classes';
import { analyseCoverage } from './coverage-analysis';
import type { DemandSet } from './demand';
import { parseRule, RULE_PRESETS } from './rules';
import { D, handMap, RESIDENTIAL_KMH, secs } from './testing/line-map';

const RES = { highway: 'residential' };
/** One step = 0.01° of longitude on the equator = 10·D metres, driven at 25 km/h. */
const STEP_M = 10 * D;
const STEP_S = secs(STEP_M, RESIDENTIAL_KMH);

/*
 *   a ---- b ---- c ---- d ---- e ---- f      one two-way residential street, 0.01° apart
 *   S1     1      2      3      4      S2     demand weights under b..e; stations at a and f
 */
const line = handMap(
  { a: [0, 0], b: [0, 0.01], c: [0, 0.02], d: [0, 0.03], e: [0, 0.04], f: [0, 0.05] },
  [{ nodes: 'abcdef', tags: RES }],
);
const demand: DemandSet = {
  kind: 'population',
  unit: 'people',
  source: 'hand',
  points: [
    { id: 'b', lat: 0, lon: 0.01, weight: 1, population: 1 },
    { id: 'c', lat: 0, lon: 0.02, weight: 2, population: 2 },
    { id: 'd', lat: 0, lon: 0.03, weight: 3, population: 3 },
    { id: 'e', lat: 0, lon: 0.04, weight: 4, population: 4 },
  ],
};
const S1 = { id: 'S1', name: 'a', lat: 0, lon: 0 };
const S2 = { id: 'S2', name: 'f', lat: 0, lon: 0.05 };
const opts = { snapMaxM: 100 };
const everywhere = (steps: number) => parseRule({ id: 't', limits: { '*': { maxTimeS: steps * STEP_S } } });

describe('coverage on a hand-drawn street', () => {
  it('one station, one limit: b and c within 2.5 steps, d and e not', () => {
    const a = analyseCoverage(line, everywhere(2.5), [S1], demand, uniformClassifier('urban'), opts);
    const by = Object.fromEntries(a.points.map((p) => [p.id, p]));
    expect(by['b']!.timeS).toBeCloseTo(STEP_S, 6);
    expect(by['e']!.timeS).toBeCloseTo(4 * STEP_S, 6);
    expect(by['e']!.roadM).toBeCloseTo(4 * STEP_M, 6);
    expect(a.points.map((p) => p.covered)).toEqual([true, true, false, false]);
    expect(a.compliance).toBeCloseTo(3 / 10, 12);
    // Worst served first: e (4 steps / 2.5) then d (3 / 2.5).
    expect(a.worstServed.map((p) => p.id)).toEqual(['e', 'd']);
    expect(a.worstServed[0]!.shortfall).toBeCloseTo(4 / 2.5, 9);
  });

  it('catchments go to the nearest station by road', () => {
    const a = analyseCoverage(line, everywhere(2.5), [S1, S2], demand, uniformClassifier('urban'), opts);
    expect(a.points.map((p) => p.station)).toEqual(['S1', 'S1', 'S2', 'S2']);
    const s1 = a.stations.find((s) => s.id === 'S1')!.catchment;
    const s2 = a.stations.find((s) => s.id === 'S2')!.catchment;
    expect([s1.weight, s2.weight]).toEqual([3, 7]);
    // S1 serves b (1 step, weight 1) and c (2 steps, weight 2): weighted mean 5/3 steps.
    expect(s1.meanTimeS!).toBeCloseTo((5 / 3) * STEP_S, 6);
    expect(s2.maxTimeS!).toBeCloseTo(2 * STEP_S, 6);
    expect(a.compliance).toBe(1);
  });

  it('urban/rural polygons: each point judged by its own class limit (1030-like)', () => {
    // Urban west of 0.025° (b, c): 1.5 steps; rural east (d, e): 3.5 steps.
    const areas = classifierFromPolygons({
      type: 'FeatureCollection',
      features: [{ type: 'Feature', properties: { areaClass: 'urban' }, geometry: { type: 'Polygon', coordinates: [[[-1, -1], [0.025, -1], [0.025, 1], [-1, 1], [-1, -1]]] } }],
    });
    const rule = parseRule({ id: 'h', limits: { urban: { maxTimeS: 1.5 * STEP_S }, rural: { maxTimeS: 3.5 * STEP_S } } });
    const a = analyseCoverage(line, rule, [S1], demand, areas, opts);
    expect(a.points.map((p) => [p.areaClass, p.covered])).toEqual([
      ['urban', true],
      ['urban', false],
      ['rural', true],
      ['rural', false],
    ]);
    const urban = a.byClass.find((c) => c.areaClass === 'urban')!;
    const rural = a.byClass.find((c) => c.areaClass === 'rural')!;
    expect([urban.weight, urban.coveredWeight, urban.share]).toEqual([3, 1, 1 / 3]);
    expect([rural.weight, rural.coveredWeight, rural.share]).toEqual([7, 3, 3 / 7]);
    expect(a.compliance).toBeCloseTo(4 / 10, 12);
  });

  it('ambulances against 1 per 30,000 when demand is population', () => {
    const big: DemandSet = { ...demand, points: demand.points.map((p) => ({ ...p, weight: p.weight * 10_000, population: p.population! * 10_000 })) };
    const a = analyseCoverage(line, everywhere(10), [{ ...S1, ambulances: 2 }, { ...S2, ambulances: 1 }], big, uniformClassifier('urban'), opts);
    // 100,000 people need ceil(100000 / 30000) = 4; 3 in service.
    expect(a.ambulances).toEqual({ population: 100_000, jurisdiction: 'city', required: 4, available: 3, meets: false });
    const county = analyseCoverage(line, everywhere(10), [S1], big, uniformClassifier('urban'), { ...opts, jurisdiction: 'county', ambulances: 10 });
    expect(county.ambulances!.required).toBe(10); // 100,000 × 3 / 30,000
    expect(county.ambulances!.meets).toBe(true);
  });

  it('no population, no ambulance check', () => {
    const inc: DemandSet = { ...demand, kind: 'incidents', points: demand.points.map(({ population: _p, ...p }) => p) };
    expect(analyseCoverage(line, everywhere(1), [S1], inc, uniformClassifier('urban'), opts).ambulances).toBeNull();
  });

  it('national radius: straight line vs road on a detour', () => {
    /*
     *   a          x        The street goes a → b → c → x round three sides of a square of side
     *   |          |        10·D, so x is 10·D from a in a straight line but 30·D by road.
     *   b -------- c
     */
    const g = handMap({ a: [0, 0], b: [-0.01, 0], c: [-0.01, 0.01], x: [0, 0.01] }, [{ nodes: 'abcx', tags: RES }]);
    const pt: DemandSet = { kind: 'incidents', unit: 'incidents', source: 'h', points: [{ id: 'x', lat: 0, lon: 0.01, weight: 1 }] };
    const urban = uniformClassifier('urban');
    const straight = analyseCoverage(g, RULE_PRESETS['national-2020-straight']!, [S1], pt, urban, opts);
    const road = analyseCoverage(g, RULE_PRESETS['national-2020']!, [S1], pt, urban, opts);
    expect(straight.points[0]!.straightM).toBeCloseTo(STEP_M, 3);
    expect(road.points[0]!.roadM).toBeCloseTo(3 * STEP_M, 3);
    // 1.1 km straight ≤ 5 km; 3.3 km by road ≤ 5 km too: both covered in urban.
    expect([straight.points[0]!.covered, road.points[0]!.covered]).toEqual([true, true]);
    const tight = parseRule({ id: 'r2', limits: { urban: { maxRoadM: 2 * STEP_M } } });
    const tightS = parseRule({ id: 's2', limits: { urban: { maxStraightM: 2 * STEP_M } } });
    expect(analyseCoverage(g, tight, [S1], pt, urban, opts).points[0]!.covered).toBe(false);
    expect(analyseCoverage(g, tightS, [S1], pt, urban, opts).points[0]!.covered).toBe(true);
  });

  it('one-way streets: coverage is measured from the station out to the demand', () => {
    /*
     *   a ---> b       a→b one-way; b-c-d-a two-way. From a, b is 1 side away; from b, a is 3.
     *   |      |
     *   d ---- c
     */
    const g = handMap(
      { a: [0, 0], b: [0, 0.01], c: [-0.01, 0.01], d: [-0.01, 0] },
      [
        { nodes: 'ab', tags: { ...RES, oneway: 'yes' } },
        { nodes: 'bcda', tags: RES },
      ],
    );
    const at = (id: string, lat: number, lon: number): DemandSet => ({ kind: 'incidents', unit: 'incidents', source: 'h', points: [{ id, lat, lon, weight: 1 }] });
    const r = everywhere(1.5);
    const fromA = analyseCoverage(g, r, [{ id: 'A', name: 'a', lat: 0, lon: 0 }], at('b', 0, 0.01), uniformClassifier('x'), opts);
    const fromB = analyseCoverage(g, r, [{ id: 'B', name: 'b', lat: 0, lon: 0.01 }], at('a', 0, 0), uniformClassifier('x'), opts);
    expect(fromA.points[0]!.timeS).toBeCloseTo(STEP_S, 6);
    // c-d runs along latitude -0.01°, a hair shorter than on the equator: 1e-3 s tolerance.
    expect(fromB.points[0]!.timeS).toBeCloseTo(3 * STEP_S, 3);
    expect([fromA.points[0]!.covered, fromB.points[0]!.covered]).toEqual([true, false]);
  });

  it('station and demand on the same stretch of road, between junctions', () => {
    const g = handMap({ a: [0, 0], b: [0, 0.01] }, [{ nodes: 'ab', tags: RES }]);
    const pt: DemandSet = { kind: 'incidents', unit: 'incidents', source: 'h', points: [{ id: 'p', lat: 0, lon: 0.007, weight: 1 }] };
    const a = analyseCoverage(g, everywhere(1), [{ id: 'S', name: 's', lat: 0, lon: 0.002 }], pt, uniformClassifier('x'), opts);
    expect(a.points[0]!.roadM).toBeCloseTo(5 * D, 6);
    expect(a.points[0]!.timeS).toBeCloseTo(secs(5 * D, RESIDENTIAL_KMH), 6);
  });

  it('demand far from any road counts as unreached, not dropped', () => {
    const far: DemandSet = { ...demand, points: [...demand.points, { id: 'far', lat: 0.05, lon: 0.02, weight: 5, population: 5 }] };
    const a = analyseCoverage(line, everywhere(10), [S1], far, uniformClassifier('urban'), opts);
    const p = a.points.find((x) => x.id === 'far')!;
    expect([p.offRoad, p.covered, p.timeS]).toEqual([true, false, Infinity]);
    expect(a.compliance).toBeCloseTo(10 / 15, 12);
  });

  it('refuses a rule without a limit for a class on the map', () => {
    const rule = parseRule({ id: 'u', limits: { urban: { maxTimeS: 60 } } });
    expect(() => analyseCoverage(line, rule, [S1], demand, uniformClassifier('rural'), opts)).toThrow(/no limit for area class "rural"/);
  });
});
