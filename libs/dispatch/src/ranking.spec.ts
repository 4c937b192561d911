import { rankCandidates, RankInput, staleAllowed } from './ranking';

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
