/**
 * Per-client token buckets: each client may send `burst` requests at once and `ratePerS` per second
 * sustained. The table of clients is bounded (least recently seen dropped first), so a flood of new
 * client keys costs memory up to `maxClients` buckets and no more; a dropped client comes back with a
 * full bucket, which only ever errs on the generous side.
 */
export interface RateDecision {
  ok: boolean;
  /** Whole seconds until one request is allowed again (0 when ok). */
  retryAfterS: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly ratePerS: number,
    private readonly burst: number,
    private readonly maxClients = 10_000,
    private readonly now: () => number = Date.now,
  ) {
    if (!(ratePerS > 0) || !(burst >= 1) || !(maxClients >= 1)) throw new Error(`rate limiter: need ratePerS > 0, burst >= 1, maxClients >= 1`);
  }

  /** Takes one token of `client`'s bucket, or says how long to wait for one. */
  take(client: string): RateDecision {
    const t = this.now();
    let b = this.buckets.get(client);
    if (b) {
      this.buckets.delete(client); // re-inserted below: Map order is the recency order
      b.tokens = Math.min(this.burst, b.tokens + ((t - b.at) / 1000) * this.ratePerS);
      b.at = t;
    } else {
      b = { tokens: this.burst, at: t };
      if (this.buckets.size >= this.maxClients) this.buckets.delete(this.buckets.keys().next().value!);
    }
    this.buckets.set(client, b);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return { ok: true, retryAfterS: 0 };
    }
    return { ok: false, retryAfterS: Math.max(1, Math.ceil((1 - b.tokens) / this.ratePerS)) };
  }

  get clients(): number {
    return this.buckets.size;
  }
}
