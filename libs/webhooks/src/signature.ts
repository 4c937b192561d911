import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Webhook signatures, in the manner of Stripe and GitHub: HMAC-SHA256 with the subscriber's secret
 * over `<timestamp>.<raw body>`, hex, sent as `X-Rescue-Signature: v1=<hex>` beside
 * `X-Rescue-Timestamp: <unix seconds>`. The timestamp is signed so a captured request cannot be
 * replayed later: receivers refuse a timestamp older than their tolerance (5 min suggested).
 * Verify over the raw bytes received, before parsing JSON.
 */
export const HEADER_SIGNATURE = 'x-rescue-signature';
export const HEADER_TIMESTAMP = 'x-rescue-timestamp';
/** The event's id: the same on every retry and replay, so receivers can drop what they already have. */
export const HEADER_EVENT_ID = 'x-rescue-event-id';
export const HEADER_EVENT_TYPE = 'x-rescue-event-type';
/** 1 on the first try, counting up on retries (information; not signed). */
export const HEADER_ATTEMPT = 'x-rescue-delivery-attempt';

export const SIGNATURE_SCHEME = 'v1';
export const DEFAULT_TOLERANCE_S = 300;

export function signatureOf(secret: string, timestampS: number, body: string): string {
  const mac = createHmac('sha256', secret).update(`${timestampS}.`).update(body).digest('hex');
  return `${SIGNATURE_SCHEME}=${mac}`;
}

export type VerifyResult = { ok: true } | { ok: false; reason: 'missing' | 'malformed' | 'expired' | 'mismatch' };

/**
 * What a receiver does: recompute and compare in constant time. `signatureHeader` may carry several
 * comma-separated `v1=` values (during a secret rotation); any match passes.
 */
export function verifySignature(
  secret: string,
  body: string,
  timestampHeader: string | null | undefined,
  signatureHeader: string | null | undefined,
  nowS = Math.floor(Date.now() / 1000),
  toleranceS = DEFAULT_TOLERANCE_S,
): VerifyResult {
  if (!timestampHeader || !signatureHeader) return { ok: false, reason: 'missing' };
  if (!/^\d{1,12}$/.test(timestampHeader)) return { ok: false, reason: 'malformed' };
  const ts = Number(timestampHeader);
  if (Math.abs(nowS - ts) > toleranceS) return { ok: false, reason: 'expired' };
  const expected = Buffer.from(signatureOf(secret, ts, body));
  const candidates = signatureHeader.split(',').map((s) => s.trim()).filter((s) => s.startsWith(`${SIGNATURE_SCHEME}=`));
  if (candidates.length === 0) return { ok: false, reason: 'malformed' };
  for (const c of candidates) {
    const got = Buffer.from(c);
    if (got.length === expected.length && timingSafeEqual(got, expected)) return { ok: true };
  }
  return { ok: false, reason: 'mismatch' };
}
