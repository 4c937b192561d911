import { uniformClassifier } from './area-classes';
import type { DemandSet } from './demand';
import { liveCoverage } from './live-coverage';
import { parseRule } from './rules';
import { D, handMap, RESIDENTIAL_KMH, secs } from './testing/line-map';
import { snap } from '@rescue/routing';

/*
 *   p0 --- p1 --- p2 --- p3 --- p4      street, 0.01° apart; demand weight 1,2,3,4,5
 *   U1            U2            U3      units; each covers its neighbours (1.2 steps)
 */
const g = handMap({ a: [0, 0], b: [0, 0.01], c: [0, 0.02], d: [0, 0.03], e: [0, 0.04] }, [{ nodes: 'abcde', tags: { highway: 'residential' } }]);
const rule = parseRule({ id: 'h', limits: { '*': { maxTimeS: 1.2 * secs(10 * D, RESIDENTIAL_KMH) } } });
const demand: DemandSet = { kind: 'weighted', unit: 'w', source: 'h', points: [1, 2, 3, 4, 5].map((w, i) => ({ id: `p${i}`, lat: 0, lon: i * 0.01, weight: w })) };
const unit = (id: string, lon: number, available = true) => ({ id, name: id, lat: 0, lon, available });

it('share covered by available units, and what sending each one would uncover', () => {
  const live = liveCoverage(g, rule, [unit('U1', 0), unit('U2', 0.02), unit('U3', 0.04), unit('U4', 0.03, false)], demand, uniformClassifier('x'), 50);
  // U1 covers p0 p1; U2 p1 p2 p3; U3 p3 p4: everything (15). Unique: U1 p0 (1); U2 p2 (3); U3 p4 (5).
  expect(live.share).toBe(1);
  expect(live.units.map((u) => [u.id, u.uniqueWeight, u.coveredWeight])).toEqual([
    ['U1', 1, 3],
    ['U2', 3, 9],
    ['U3', 5, 9],
  ]);
  expect(live.units[2]!.lossIfSent).toBeCloseTo(5 / 15, 12);
  expect(live.excluded).toEqual([{ id: 'U4', reason: 'not available' }]);
});

it('a unit far from any road is excluded with the reason', () => {
  const live = liveCoverage(g, rule, [unit('U1', 0), { id: 'X', name: 'X', lat: 1, lon: 1, available: true }], demand, uniformClassifier('x'), 50);
  expect(live.share).toBeCloseTo(3 / 15, 12);
  expect(live.excluded[0]!.id).toBe('X');
  expect(live.excluded[0]!.reason).toMatch(/SNAP_TOO_FAR/);
});

it('counts a unit where the caller has placed it on the road (the fleet keeps units placed), not where its lat/lon would snap', () => {
  const placedAtE = snap(g, 0, 0.04, { maxDistanceM: 50 });
  const live = liveCoverage(g, rule, [{ ...unit('U1', 0), at: placedAtE }, { ...unit('X', 0.02), at: null }], demand, uniformClassifier('x'), 50);
  // Placed at e, U1 covers p3 p4 (9 of 15), not p0 p1 as its lat/lon would; X has no road position.
  expect(live.units.map((u) => [u.id, u.coveredWeight])).toEqual([['U1', 9]]);
  expect(live.share).toBeCloseTo(9 / 15, 12);
  expect(live.excluded).toEqual([{ id: 'X', reason: expect.stringMatching(/SNAP_TOO_FAR/) }]);
});
