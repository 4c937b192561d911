import type { FixCandidate } from '../types';
import type { FixContext } from './fix-step';
import { Refusal } from './refusal';

/** Stateless filters: each looks at one fix and the configuration only. */

const iso = (ms: number): string => (Number.isFinite(ms) && Math.abs(ms) < 8.64e15 ? new Date(ms).toISOString() : String(ms));

/** A JT/T 808 report whose status says "not positioned": its coordinates are stale or zero. */
export function refuseNoGnssFix(c: FixCandidate): Refusal | null {
  return c.gnssValid === false ? new Refusal('no_gnss_fix', 'terminal reports no GNSS fix (status bit 1 = 0)') : null;
}

/**
 * (0, 0) "Null Island": what receivers without a fix and unset fields send. 1e-6° ≈ 0.1 m, so only
 * zero (or float noise around it) is caught; a real point in the Gulf of Guinea is not an ambulance.
 */
export function refuseNullIsland(c: FixCandidate): Refusal | null {
  const { lat, lon } = c.fix;
  return Math.abs(lat) < 1e-6 && Math.abs(lon) < 1e-6 ? new Refusal('null_island', `(${lat}, ${lon})`) : null;
}

/** Ahead of reception by more than the clock-skew tolerance. */
export function refuseFuture(c: FixCandidate, ctx: FixContext): Refusal | null {
  const ahead = c.fix.ts - ctx.now;
  return ahead > ctx.cfg.maxFutureMs
    ? new Refusal('future', `ts ${iso(c.fix.ts)} is ${Math.round(ahead / 1000)} s after reception (max ${ctx.cfg.maxFutureMs / 1000} s)`)
    : null;
}

/** Older than buffered re-uploads may be (also catches seconds sent where milliseconds are due). */
export function refuseTooOld(c: FixCandidate, ctx: FixContext): Refusal | null {
  const age = ctx.now - c.fix.ts;
  return age > ctx.cfg.maxAgeMs
    ? new Refusal('too_old', `ts ${iso(c.fix.ts)} is ${Math.round(age / 1000)} s before reception (max ${ctx.cfg.maxAgeMs / 1000} s)`)
    : null;
}

/** Reported accuracy worse than the limit (e.g. a cell-tower fix); no accuracy reported passes. */
export function refusePoorAccuracy(c: FixCandidate, ctx: FixContext): Refusal | null {
  const acc = c.fix.accuracyM;
  return acc !== null && acc > ctx.cfg.maxAccuracyM
    ? new Refusal('poor_accuracy', `accuracy ${acc} m > ${ctx.cfg.maxAccuracyM} m`)
    : null;
}
