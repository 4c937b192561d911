import { haversineM } from '@rescue/common';
import type { Fix, FixCandidate } from '../types';
import type { UnitTrack } from '../unit-track';
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
  return (haversineM(latA, lonA, latB, lonB) * 3600) / Math.abs(tsB - tsA);
}

function kmh(a: Fix, b: Fix): number {
  return impliedKmh(a.lat, a.lon, a.ts, b.lat, b.lon, b.ts);
}

/** km/h between the remembered fix at index i and the fix f (0 when there is no such index). */
function kmhTo(t: UnitTrack, i: number, f: Fix): number {
  return i >= 0 && i < t.count ? impliedKmh(t.latAt(i), t.lonAt(i), t.tsAt(i), f.lat, f.lon, f.ts) : 0;
}

/**
 * A fix that implies an impossible speed against its neighbours in time: the accepted one before and
 * the accepted one after (so a late re-upload is judged where it belongs in the track, not against the
 * newest), and, inside a batch, the next fixes of the same batch.
 *
 * Both neighbours of a conflict are looked at, because after a signal gap the first fix is the least
 * reliable (a receiver re-acquiring the sky) and, the gap being long, it passes against the fix before
 * the gap. In a triple "before, middle, after" where the outer two agree and the middle conflicts, the
 * middle one is the glitch:
 *  - a remembered neighbour that conflicts with the fix, while the fix agrees with that neighbour's own
 *    other neighbour and with the batch's next fix, is forgotten and the fix accepted (the neighbour was
 *    already stored: this saves the good fixes after it, refused until re-anchoring otherwise);
 *  - a fix of a batch that conflicts with the batch's next fix, while that next fix agrees with the fix
 *    before and the fix conflicts with the one after next too, is refused before it is remembered.
 * With one fix per message (live) a good fix after the gap followed by a glitch looks the same as a
 * glitch followed by a good fix; the rule keeps the newer, so no good fix is lost, and the next good
 * fix forgets the glitch again (which stays stored).
 *
 * Re-anchoring: if the remembered fix was itself the outlier (a cold-start fix kilometres off), every
 * later true fix would be refused. So consecutive refused fixes that are consistent with each other
 * are counted, and after speedJumpReanchorAfter of them the window is cleared and the unit re-anchored
 * on the new fix. Runs after refuseDuplicate, so the remembered neighbours never share the fix's time.
 */
export function refuseSpeedJump(c: FixCandidate, ctx: FixContext): Refusal | null {
  const t = ctx.track;
  const f = c.fix;
  const max = ctx.cfg.maxSpeedKmh;
  const next = ctx.next;
  const agreesWithNext = next === null || kmh(f, next) <= max;
  let i = t.lowerBound(f.ts); // before: i - 1, after: i
  let before = kmhTo(t, i - 1, f);
  let after = kmhTo(t, i, f);
  if (before > max && after <= max && agreesWithNext && i >= 2 && kmhTo(t, i - 2, f) <= max) {
    t.forget(i - 1);
    i -= 1;
    before = kmhTo(t, i - 1, f);
  } else if (after > max && before <= max && agreesWithNext && i + 1 < t.count && kmhTo(t, i + 1, f) <= max) {
    t.forget(i);
    after = kmhTo(t, i, f);
  }

  if (before <= max && after <= max) return refuseBeforeNext(t, i, f, next, ctx.afterNext, max);

  const worstTs = before >= after ? t.tsAt(i - 1) : t.tsAt(i);
  const worst = Math.max(before, after);
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

/**
 * The batch look-ahead: f agrees with its remembered neighbours but conflicts with the next fix of its
 * own batch (nearer in time than the remembered fix after it), that next fix agrees with the remembered
 * fix before f, and f conflicts with the fix after next too (when there is one). Then f is the glitch.
 */
function refuseBeforeNext(t: UnitTrack, i: number, f: Fix, next: Fix | null, afterNext: Fix | null, max: number): Refusal | null {
  if (next === null || i === 0 || (i < t.count && t.tsAt(i) <= next.ts)) return null;
  const toNext = kmh(f, next);
  if (toNext <= max || kmhTo(t, i - 1, next) > max) return null;
  if (afterNext !== null && afterNext.ts > next.ts && kmh(f, afterNext) <= max) return null;
  return new Refusal(
    'speed_jump',
    `${Math.round(toNext)} km/h implied to the next fix at ts ${next.ts}, which agrees with the fix at ts ${t.tsAt(i - 1)} (max ${max} km/h)`,
  );
}
