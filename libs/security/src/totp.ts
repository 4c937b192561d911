import { Secret, TOTP } from 'otpauth';

/**
 * The optional second factor of people's logins: TOTP (RFC 6238) as authenticator apps read it from an
 * otpauth:// URI: SHA-1, 6 digits, 30 s steps, a 160-bit secret. The codes come from otpauth (a kept,
 * dependency-light implementation over node:crypto); this module fixes the parameters and adds what a
 * login needs beyond a code check: the time step a code matched, so that a code is accepted once.
 */
export const TOTP_ISSUER = 'rescue-circle';
export const TOTP_PERIOD_S = 30;
export const TOTP_DIGITS = 6;
/** Steps either side of now a code may come from: one, for clocks a little apart and slow typing. */
export const TOTP_WINDOW = 1;
export const TOTP_CODE = /^\d{6}$/;

export type TotpAlgorithm = 'SHA1' | 'SHA256' | 'SHA512';

/** A new random secret, base32 (what the person types or the URI carries). */
export function generateTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

function totp(secretBase32: string, label = 'user', opts: { algorithm?: TotpAlgorithm; digits?: number } = {}): TOTP {
  return new TOTP({
    issuer: TOTP_ISSUER, label, secret: Secret.fromBase32(secretBase32),
    algorithm: opts.algorithm ?? 'SHA1', digits: opts.digits ?? TOTP_DIGITS, period: TOTP_PERIOD_S,
  });
}

/** otpauth://totp/rescue-circle:<username>?secret=…&issuer=rescue-circle&algorithm=SHA1&digits=6&period=30 */
export function totpUri(secretBase32: string, username: string): string {
  return totp(secretBase32, username).toString();
}

/**
 * The code at `atMs` (ms since epoch). `algorithm`/`digits` other than the defaults are for checking
 * RFC 6238's test vectors; logins use the defaults.
 */
export function totpCode(secretBase32: string, atMs: number, opts: { algorithm?: TotpAlgorithm; digits?: number } = {}): string {
  return totp(secretBase32, 'user', opts).generate({ timestamp: atMs });
}

/** The time step (30 s count since the epoch) a time falls in. */
export const totpStep = (atMs: number): number => Math.floor(atMs / 1000 / TOTP_PERIOD_S);

/**
 * The time step the code belongs to if it is valid within ±TOTP_WINDOW steps of `atMs`, else null.
 * The caller accepts it only if that step is later than the last one accepted for the account
 * (a code seen once, e.g. over a shoulder or replayed, does not log in again).
 */
export function matchTotp(secretBase32: string, code: string, atMs: number): number | null {
  if (!TOTP_CODE.test(code)) return null;
  const delta = totp(secretBase32).validate({ token: code, timestamp: atMs, window: TOTP_WINDOW });
  return delta === null ? null : totpStep(atMs) + delta;
}
