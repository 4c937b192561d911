import { slicesFor, StaggeredRounds } from './staggered-rounds';

describe('StaggeredRounds', () => {
  it('hands out every item once per round of `slices` calls, in order, at most ceil(n / slices) at a time', () => {
    const items = Array.from({ length: 503 }, (_, i) => i);
    const r = new StaggeredRounds(items, 50);
    for (let round = 0; round < 3; round++) {
      const seen: number[] = [];
      for (let s = 0; s < 50; s++) {
        const part = r.next();
        expect(part.length).toBeLessThanOrEqual(11);
        seen.push(...part);
      }
      expect(seen).toEqual(items);
    }
  });

  it('with fewer items than slices a round still takes `slices` calls: an item never comes up twice in one interval', () => {
    const r = new StaggeredRounds(['a', 'b', 'c'], 10);
    const calls = Array.from({ length: 20 }, () => r.next());
    expect(calls.flat()).toEqual(['a', 'b', 'c', 'a', 'b', 'c']);
    expect(calls.slice(10)).toEqual(calls.slice(0, 10)); // the same slot in every round
    expect(calls.filter((c) => c.length > 1)).toEqual([]);
  });

  it('one slice is the old behaviour: the whole fleet at once', () => {
    const r = new StaggeredRounds([1, 2, 3], 1);
    expect(r.next()).toEqual([1, 2, 3]);
    expect(r.next()).toEqual([1, 2, 3]);
  });

  it('no items, no work; a bad slice count is refused', () => {
    expect(new StaggeredRounds([], 5).next()).toEqual([]);
    expect(() => new StaggeredRounds([1], 0)).toThrow(RangeError);
  });

  it('a 1 s interval is cut into 50 slices of 20 ms; short intervals into fewer, never none', () => {
    expect(slicesFor(1000)).toBe(50);
    expect(slicesFor(100)).toBe(5);
    expect(slicesFor(5)).toBe(1);
    expect(slicesFor(60_000)).toBe(50);
  });
});
