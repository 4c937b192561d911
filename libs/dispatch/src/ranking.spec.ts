import { rankCandidates, RankInput, staleAllowed, topRanked } from './ranking';

const c = (unitId: string, etaS: number, over: Partial<RankInput> = {}): RankInput => ({ unitId, etaS, fixAgeS: 5, stale: false, atStation: true, ...over });
const order = (xs: RankInput[], tol = 10) => rankCandidates(xs, { tieToleranceS: tol, staleUnits: 'exclude' }).map((x) => x.unitId);

describe('ranking policy', () => {
  it('nearest by road first', () => {
    expect(order([c('A', 300), c('B', 120), c('C', 600)])).toEqual(['B', 'A', 'C']);
  });

  it('within one tie band: fresh before stale, fresher fix, at station before returning, then id', () => {
    expect(order([c('A', 101, { stale: true, fixAgeS: 1 }), c('B', 105, { fixAgeS: 50 })])).toEqual(['B', 'A']);
    expect(order([c('A', 101, { fixAgeS: 30 }), c('B', 105, { fixAgeS: 2 })])).toEqual(['B', 'A']);
    expect(order([c('A', 101, { atStation: false }), c('B', 105)])).toEqual(['B', 'A']);
    expect(order([c('B', 100), c('A', 100)])).toEqual(['A', 'B']);
  });

  it('a clearly faster unit wins whatever its other qualities', () => {
    expect(order([c('A', 200, { fixAgeS: 1 }), c('B', 100, { fixAgeS: 90, atStation: false })])).toEqual(['B', 'A']);
  });

  it('stale units are ranked only for the most urgent calls unless configured', () => {
    expect(staleAllowed(1, { tieToleranceS: 10, staleUnits: 'exclude' })).toBe(true);
    expect(staleAllowed(2, { tieToleranceS: 10, staleUnits: 'exclude' })).toBe(false);
    expect(staleAllowed(3, { tieToleranceS: 10, staleUnits: 'rank' })).toBe(true);
  });
});

describe('topRanked: the first k without sorting the rest', () => {
  it('equals rankCandidates(…).slice(0, k) for every k on random candidates with ties', () => {
    let seed = 9;
    const rand = (): number => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    for (let round = 0; round < 50; round++) {
      const cs = Array.from({ length: 60 + Math.floor(rand() * 200) }, (_, i) => ({
        unitId: `U${Math.floor(rand() * 1000)}-${i}`, etaS: Math.floor(rand() * 40) * 7.5, fixAgeS: Math.floor(rand() * 3) * 5, stale: rand() < 0.2, atStation: rand() < 0.5,
      }));
      const all = rankCandidates(cs);
      for (const k of [1, 2, 5, 7, 20]) expect(topRanked(cs, k).map((c) => c.unitId)).toEqual(all.slice(0, k).map((c) => c.unitId));
    }
  });
});
