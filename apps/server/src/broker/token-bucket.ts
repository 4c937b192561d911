/**
 * Token bucket: `ratePerS` tokens a second, at most `burst` saved up. take() always takes a token
 * and says how long to wait until it would have been there (0 = at once), so a caller that waits
 * that long is held to the rate on average, and nothing is refused.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly ratePerS: number,
    private readonly burst: number,
    now: number,
  ) {
    this.tokens = burst;
    this.last = now;
  }

  take(now: number): number {
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) * this.ratePerS) / 1000);
    this.last = now;
    this.tokens -= 1;
    return this.tokens >= 0 ? 0 : Math.ceil((-this.tokens * 1000) / this.ratePerS);
  }
}
