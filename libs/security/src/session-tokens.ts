import { createHash, randomBytes } from 'node:crypto';

/**
 * Session tokens of people's logins: `rcs_` + 32 random bytes. Only their SHA-256 is stored (a stolen
 * database holds no usable session); the prefix tells them apart from API keys (`rc_`) at a glance.
 */
export const SESSION_PREFIX = 'rcs_';

export function generateSessionToken(): string {
  return SESSION_PREFIX + randomBytes(32).toString('base64url');
}

export function isSessionToken(v: string): boolean {
  return v.startsWith(SESSION_PREFIX) && v.length <= 100;
}

export function hashSessionToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/**
 * Whether a session is still valid at `now`: not past its absolute lifetime, and used within the idle
 * timeout. Returns why not, for the log and the 401's code.
 */
export function sessionExpiry(s: { createdAt: number; lastSeenAt: number }, now: number, rules: { idleMs: number; maxAgeMs: number }): 'idle' | 'max_age' | null {
  if (now - s.createdAt >= rules.maxAgeMs) return 'max_age';
  if (now - s.lastSeenAt >= rules.idleMs) return 'idle';
  return null;
}
