import { LoginThrottle } from './login-throttle';
import { sessionExpiry } from './session-tokens';

describe('LoginThrottle', () => {
  const rules = { maxFailures: 5, windowMs: 15 * 60_000, lockMs: 15 * 60_000 };

  it('5 failures within 15 minutes lock for 15 minutes; the lock then ends', () => {
    const t = new LoginThrottle(rules);
    const locks = [0, 1, 2, 3, 4].map((i) => t.fail('zhang', 1000 + i));
    expect(locks).toEqual([null, null, null, null, 1004 + rules.lockMs]);
    expect(t.lockedUntil('zhang', 1005)).toBe(1004 + rules.lockMs);
    expect(t.lockedUntil('zhang', 1004 + rules.lockMs)).toBeNull();
    expect(t.lockedUntil('li', 1005)).toBeNull();
  });

  it('failures older than the window do not count; a success clears them', () => {
    const t = new LoginThrottle(rules);
    for (let i = 0; i < 4; i++) t.fail('a', i);
    expect(t.fail('a', rules.windowMs + 10)).toBeNull(); // the first four are out of the window
    for (let i = 0; i < 4; i++) t.fail('b', i);
    t.succeed('b');
    expect(t.fail('b', 10)).toBeNull();
  });

  it('tracks at most maxKeys keys', () => {
    const t = new LoginThrottle({ ...rules, maxFailures: 1 }, 3);
    for (const k of ['a', 'b', 'c', 'd']) t.fail(k, 0);
    expect(t.lockedUntil('a', 1)).toBeNull(); // dropped, the oldest
    expect(t.lockedUntil('d', 1)).not.toBeNull();
  });
});

describe('sessionExpiry', () => {
  const rules = { idleMs: 900_000, maxAgeMs: 43_200_000 };
  it('idle timeout and absolute lifetime', () => {
    expect(sessionExpiry({ createdAt: 0, lastSeenAt: 0 }, 899_999, rules)).toBeNull();
    expect(sessionExpiry({ createdAt: 0, lastSeenAt: 0 }, 900_000, rules)).toBe('idle');
    expect(sessionExpiry({ createdAt: 0, lastSeenAt: 43_000_000 }, 43_200_000, rules)).toBe('max_age');
  });
});
