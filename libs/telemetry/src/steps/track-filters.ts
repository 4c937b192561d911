import { distanceM } from '../geo';
import type { FixCandidate } from '../types';
import type { FixContext } from './fix-step';
import { Refusal } from './refusal';

/** Stateful filters: against the unit's accepted fixes (see UnitTrack for the window and its limits). */

/**
 * An exact duplicate: a fix at a time already accepted for this unit (QoS 1 redelivery, a re-upload
 * sent twice). Two different positions at the same instant cannot both be right either, and the store
 * keys fixes by (unit, ts), so the first accepted wins in both cases; the detail tells them apart.
 */
export function refuseDuplicate(c: FixCandidate, ctx: FixContext): Refusal | null {
  const t = ctx.track;
  const i = t.lowerBound(c.fix.ts);
  if (i < t.count && t.tsAt(i) === c.fix.ts) {
    const same = t.latAt(i) === c.fix.lat && t.lonAt(i) === c.fix.lon;
    return new Refusal('duplicate', same ? `same fix at ts ${c.fix.ts} already accepted` : `another position already accepted at ts ${c.fix.ts}`);
  }
  return null;
}

/** km/h implied by moving between two points in |dtMs|. */
function impliedKmh(latA: number, lonA: number, tsA: number, latB: number, lonB: number, tsB: number): number {
  return (distanceM(latA, lonA, latB, lonB) * 3600) / Math.abs(tsB - tsA);
}

/**
 * A fix that implies an impossible speed against its accepted neighbours in time (the one before and
 * the one after, so a late re-upload is judged where it belongs in the track, not against the newest).
 *
 * Re-anchoring: if the remembered fix was itself the outlier (a cold-start fix kilometres off), every
 * later true fix would be refused. So consecutive refused fixes that are consistent with each other
 * are counted, and after speedJumpReanchorAfter of them the window is cleared and the unit re-anchored
 * on the new fix. Runs after refuseDuplicate, so the neighbours never share the fix's time.
 */
export function refuseSpeedJump(c: FixCandidate, ctx: FixContext): Refusal | null {
  const t = ctx.track;
  const f = c.fix;
  const max = ctx.cfg.maxSpeedKmh;
  const i = t.lowerBound(f.ts);
  let worst = 0;
  let worstTs = 0;
  if (i > 0) {
    const v = impliedKmh(t.latAt(i - 1), t.lonAt(i - 1), t.tsAt(i - 1), f.lat, f.lon, f.ts);
    if (v > worst) {
      worst = v;
      worstTs = t.tsAt(i - 1);
    }
  }
  if (i < t.count) {
    const v = impliedKmh(t.latAt(i), t.lonAt(i), t.tsAt(i), f.lat, f.lon, f.ts);
    if (v > worst) {
      worst = v;
      worstTs = t.tsAt(i);
    }
  }
  if (worst <= max) return null;

  const consistent =
    t.jumpRun > 0 && t.jumpTs !== f.ts && impliedKmh(t.jumpLat, t.jumpLon, t.jumpTs, f.lat, f.lon, f.ts) <= max;
  t.jumpRun = consistent ? t.jumpRun + 1 : 1;
  t.jumpTs = f.ts;
  t.jumpLat = f.lat;
  t.jumpLon = f.lon;
  if (t.jumpRun >= ctx.cfg.speedJumpReanchorAfter) {
    t.clear(); // accepted as the new anchor; the caller remembers it
    return null;
  }
  return new Refusal('speed_jump', `${Math.round(worst)} km/h implied from the fix at ts ${worstTs} (max ${max} km/h)`);
}
