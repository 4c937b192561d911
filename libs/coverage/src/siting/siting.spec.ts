import { seededRandom } from '@rescue/common';
import { uniformClassifier } from '../area-classes';
import type { DemandSet } from '../demand';
import { parseRule } from '../rules';
import { handMap, RESIDENTIAL_KMH, secs, D } from '../testing/line-map';
import { buildSitingProblem, type CoverageMatrix } from './coverage-matrix';
import { coveredWeight, maxCoverBruteForce, maxCoverGreedy, setCoverBruteForce, setCoverGreedy } from './greedy';
import { maxCover, setCover } from './ilp';


function randomMatrix(r: () => number, candidates: number, rows: number, density: number): CoverageMatrix {
  const cover: number[][] = [];
  const weights: number[] = [];
  for (let i = 0; i < rows; i++) {
    const c: number[] = [];
    for (let j = 0; j < candidates; j++) if (r() < density) c.push(j);
    if (c.length === 0) c.push(Math.floor(r() * candidates));
    cover.push(c);
    weights.push(1 + Math.floor(r() * 20));
  }
  return { candidates, weights, cover };
}

describe('siting on a hand-drawn street, optimum known by hand', () => {
  /*
   *   p0 -- p1 -- p2 -- p3 -- p4 -- p5 -- p6     a street, 0.01° between points; a candidate at each
   *   1     1     1     5     1     1     1      demand weight; a site covers its neighbours (1.2 steps)
   */
  const nodes: Record<string, [number, number]> = {};
  'abcdefg'.split('').forEach((l, i) => (nodes[l] = [0, i * 0.01]));
  const g = handMap(nodes, [{ nodes: 'abcdefg', tags: { highway: 'residential' } }]);
  const stepS = secs(10 * D, RESIDENTIAL_KMH);
  const rule = parseRule({ id: 'h', limits: { '*': { maxTimeS: 1.2 * stepS } } });
  const w = [1, 1, 1, 5, 1, 1, 1];
  const demand: DemandSet = { kind: 'weighted', unit: 'w', source: 'h', points: w.map((weight, i) => ({ id: `p${i}`, lat: 0, lon: i * 0.01, weight })) };
  const cands = w.map((_, i) => ({ id: `c${i}`, name: `c${i}`, lat: 0, lon: i * 0.01 }));
  const prob = buildSitingProblem(g, rule, [], cands, demand, uniformClassifier('urban'), { snapMaxM: 50 });

  it('coverage sets are the neighbours', () => {
    // Rows are grouped by identical cover sets; here every point has its own set.
    expect(prob.matrix.cover.map((c) => c.join(''))).toEqual(['01', '012', '123', '234', '345', '456', '56']);
  });

  it('set covering: 3 sites for 7 points in a row (each covers 3)', async () => {
    const s = await setCover(prob.matrix);
    expect(s.status).toBe('optimal');
    expect(s.objective).toBe(3);
    expect(coveredWeight(prob.matrix, s.chosen)).toBe(11);
  });

  it('maximal covering: k=1 covers 7 (any site next to or on the heavy p3); k=2 covers 10', async () => {
    const one = await maxCover(prob.matrix, 1);
    expect([2, 3, 4]).toContain(one.chosen[0]);
    expect(one.objective).toBe(7);
    const two = await maxCover(prob.matrix, 2);
    expect(two.objective).toBe(10);
    expect(two.gap).toBe(0);
  });

  it('an existing station takes its demand out of the problem', () => {
    const p = buildSitingProblem(g, rule, [{ id: 'S', name: 's', lat: 0, lon: 0.03 }], cands, demand, uniformClassifier('urban'), { snapMaxM: 50 });
    expect(p.alreadyCoveredWeight).toBe(7);
    expect(p.matrix.weights.reduce((a, b) => a + b, 0)).toBe(4);
  });
});

describe('ILP optimum equals brute force on small random instances', () => {
  const r = seededRandom(20261123);
  for (let t = 0; t < 25; t++) {
    const candidates = 4 + Math.floor(r() * 7);
    const m = randomMatrix(r, candidates, 6 + Math.floor(r() * 20), 0.15 + r() * 0.25);
    const k = 1 + Math.floor(r() * 3);
    it(`instance ${t}: ${candidates} candidates, ${m.weights.length} rows, k=${k}`, async () => {
      const bf = maxCoverBruteForce(m, k);
      const ilp = await maxCover(m, k);
      expect(ilp.status).toBe('optimal');
      expect(ilp.objective).toBeCloseTo(bf.weight, 9);
      expect(ilp.chosen.length).toBeLessThanOrEqual(k);
      expect(coveredWeight(m, ilp.chosen)).toBeCloseTo(ilp.objective, 9);
      // Greedy never beats the optimum and its gap is reported against it.
      const gw = coveredWeight(m, maxCoverGreedy(m, k));
      expect(gw).toBeLessThanOrEqual(bf.weight + 1e-9);
      expect(ilp.greedy.gap).toBeCloseTo((bf.weight - gw) / bf.weight, 9);
      const sc = await setCover(m);
      expect(sc.objective).toBe(setCoverBruteForce(m)!.length);
      expect(setCoverGreedy(m).length).toBeGreaterThanOrEqual(sc.objective);
    });
  }
});

describe('greedy fallback', () => {
  it('is reported as greedy with a gap against the trivial bound', async () => {
    const m: CoverageMatrix = { candidates: 3, weights: [2, 2, 3], cover: [[0], [1], [0, 1, 2]] };
    const s = await maxCover(m, 1, { greedyOnly: true });
    expect(s.status).toBe('greedy');
    expect(s.objective).toBe(5); // candidate 0 covers rows 0 and 2
    expect(s.gap).toBeCloseTo((7 - 5) / 7, 12);
  });

  it('greedy maximal covering can be beaten, and the ILP finds the better pair', async () => {
    // Candidate 0 covers the two heavy rows; 1 and 2 each cover one heavy and one light row.
    const trap: CoverageMatrix = { candidates: 3, weights: [3, 3, 2, 2], cover: [[0, 1], [0, 2], [1], [2]] };
    // greedy: 0 gives 6, 1 gives 5, 2 gives 5 → takes 0, then 1 (+2) = 8; optimum {1,2} = 10.
    expect(coveredWeight(trap, maxCoverGreedy(trap, 2))).toBe(8);
    const s = await maxCover(trap, 2);
    expect(s.objective).toBe(10);
    expect(s.greedy.gap).toBeCloseTo(0.2, 12);
  });
});
