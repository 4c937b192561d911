/**
 * Failed logins counted per key (an account, an address): `maxFailures` within `windowMs` lock the key
 * for `lockMs`. Pure and in memory, with the clock passed in; at most `maxKeys` keys are tracked (the
 * oldest dropped), so a flood of made-up usernames or addresses cannot grow it without bound.
 */
export interface ThrottleRules {
  maxFailures: number;
  windowMs: number;
  lockMs: number;
}

interface Entry {
  failures: number[];
  lockedUntil: number;
}

export class LoginThrottle {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly rules: ThrottleRules,
    private readonly maxKeys = 10_000,
  ) {}

  /** ms since epoch until which the key is locked, or null. */
  lockedUntil(key: string, now: number): number | null {
    const e = this.entries.get(key);
    return e && e.lockedUntil > now ? e.lockedUntil : null;
  }

  /** Records a failure; returns the lock's end when this failure locked the key, else null. */
  fail(key: string, now: number): number | null {
    let e = this.entries.get(key);
    if (e) this.entries.delete(key); // re-inserted last: Map order is then least recently failed first
    else e = { failures: [], lockedUntil: 0 };
    e.failures = e.failures.filter((t) => t > now - this.rules.windowMs);
    e.failures.push(now);
    let locked: number | null = null;
    if (e.failures.length >= this.rules.maxFailures) {
      e.lockedUntil = now + this.rules.lockMs;
      e.failures = [];
      locked = e.lockedUntil;
    }
    this.entries.set(key, e);
    while (this.entries.size > this.maxKeys) this.entries.delete(this.entries.keys().next().value!);
    return locked;
  }

  /** A successful login clears the key's failures. */
  succeed(key: string): void {
    this.entries.delete(key);
  }

  /** An administrator lifts the lock. */
  clear(key: string): void {
    this.entries.delete(key);
  }
}
