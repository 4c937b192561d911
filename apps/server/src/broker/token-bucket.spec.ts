import { TokenBucket } from './token-bucket';

describe('TokenBucket', () => {
  it('lets a burst through at once, then spaces takes at the rate', () => {
    const b = new TokenBucket(100, 5, 0);
    expect([0, 0, 0, 0, 0].map(() => b.take(0))).toEqual([0, 0, 0, 0, 0]);
    expect(b.take(0)).toBe(10); // 1 token short at 100/s
    expect(b.take(0)).toBe(20);
    expect(b.take(20)).toBe(10); // 2 tokens came back, 3 were owed
  });

  it('refills up to the burst only', () => {
    const b = new TokenBucket(10, 3, 0);
    for (let i = 0; i < 3; i++) b.take(0);
    expect(b.take(60_000)).toBe(0);
    expect(b.take(60_000)).toBe(0);
    expect(b.take(60_000)).toBe(0);
    expect(b.take(60_000)).toBe(100);
  });

  it('holds 1000 takes over 1 s to 200/s on average', () => {
    const b = new TokenBucket(200, 10, 0);
    let t = 0;
    for (let i = 0; i < 1000; i++) t += b.take(t);
    expect(t).toBeGreaterThanOrEqual(((1000 - 10) / 200) * 1000 - 10);
    expect(t).toBeLessThanOrEqual(((1000 - 10) / 200) * 1000 + 1000);
  });
});
