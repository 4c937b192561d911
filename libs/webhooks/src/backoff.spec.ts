import { afterFailure, retryDelayMs, type RetryPolicy } from './backoff';

const P: RetryPolicy = { baseMs: 1000, capMs: 60_000, minMs: 200, maxAttempts: 5, maxAgeMs: 3_600_000 };

describe('retryDelayMs: exponential backoff with full jitter', () => {
  it('draws up to base·2^(n-1), so the ceiling doubles per failure', () => {
    const top = (n: number) => retryDelayMs(n, P, () => 0.999999);
    expect([1, 2, 3, 4].map(top)).toEqual([999, 1999, 3999, 7999]);
  });

  it('is capped', () => expect(retryDelayMs(30, P, () => 0.999999)).toBe(59_999));

  it('never goes below the floor, even when the draw is 0', () => expect(retryDelayMs(3, P, () => 0)).toBe(200));

  it('spreads retries of the same attempt (jitter), within [floor, ceiling]', () => {
    let seed = 7;
    const rnd = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    const draws = Array.from({ length: 500 }, () => retryDelayMs(4, P, rnd));
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(200);
    expect(Math.max(...draws)).toBeLessThan(8000);
    expect(new Set(draws).size).toBeGreaterThan(400);
  });
});

describe('afterFailure: retry or dead-letter', () => {
  it('retries while under both bounds, later than now', () => {
    const r = afterFailure(2, 0, 10_000, P, () => 0.5);
    expect(r).toEqual({ kind: 'retry', at: 11_000 });
  });

  it('dead-letters after maxAttempts failures', () => expect(afterFailure(5, 0, 10_000, P)).toEqual({ kind: 'dead', why: 'attempts' }));

  it('dead-letters once the event is older than maxAgeMs, whatever the attempts', () => {
    expect(afterFailure(1, 0, 3_600_000, P)).toEqual({ kind: 'dead', why: 'age' });
    expect(afterFailure(1, 1, 3_600_000, P).kind).toBe('retry');
  });
});
