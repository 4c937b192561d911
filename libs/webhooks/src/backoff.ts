/**
 * When to try a failed delivery again, and when to give up. Exponential backoff with "full jitter"
 * (AWS Architecture Blog, "Exponential Backoff And Jitter"): the n-th retry waits a uniform random time
 * in [0, min(cap, base · 2^(n-1))], floored at `minMs` so a refused connection is not hammered. Jitter
 * spreads the retries of many subscribers that failed together (the receiver comes back to a trickle,
 * not a stampede).
 */
export interface RetryPolicy {
  baseMs: number;
  capMs: number;
  minMs: number;
  /** An event is dead-lettered after this many failed attempts... */
  maxAttempts: number;
  /** ...or once a failed attempt finds it older than this (ms since it entered the outbox). */
  maxAgeMs: number;
}

export function retryDelayMs(failedAttempts: number, p: Pick<RetryPolicy, 'baseMs' | 'capMs' | 'minMs'>, random: () => number = Math.random): number {
  const n = Math.max(1, failedAttempts);
  const ceiling = Math.min(p.capMs, p.baseMs * 2 ** Math.min(n - 1, 40));
  return Math.max(p.minMs, Math.floor(random() * ceiling));
}

export type AfterFailure = { kind: 'retry'; at: number } | { kind: 'dead'; why: 'attempts' | 'age' };

/** After the `failedAttempts`-th failure of an event created at `createdAt`: retry when, or dead-letter. */
export function afterFailure(failedAttempts: number, createdAt: number, now: number, p: RetryPolicy, random: () => number = Math.random): AfterFailure {
  if (failedAttempts >= p.maxAttempts) return { kind: 'dead', why: 'attempts' };
  if (now - createdAt >= p.maxAgeMs) return { kind: 'dead', why: 'age' };
  return { kind: 'retry', at: now + retryDelayMs(failedAttempts, p, random) };
}
