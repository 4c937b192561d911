import { sessionExpiry } from './session-tokens';

describe('sessionExpiry', () => {
  const rules = { idleMs: 900_000, maxAgeMs: 43_200_000 };
  it('idle timeout and absolute lifetime', () => {
    expect(sessionExpiry({ createdAt: 0, lastSeenAt: 0 }, 899_999, rules)).toBeNull();
    expect(sessionExpiry({ createdAt: 0, lastSeenAt: 0 }, 900_000, rules)).toBe('idle');
    expect(sessionExpiry({ createdAt: 0, lastSeenAt: 43_000_000 }, 43_200_000, rules)).toBe('max_age');
  });
});
