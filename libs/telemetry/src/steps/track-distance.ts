import { haversineM } from '@rescue/common';
import type { FixCandidate } from '../types';
import type { FixContext } from './fix-step';
import type { Refusal } from './refusal';

/**
 * Metres the fix adds to its unit's distance travelled (fix.stepM): the step from the newest fix of
 * the unit's track (its newest accepted fix that still stands). Never refuses; runs last among the
 * track steps, so only accepted fixes are measured and the track does not hold this fix yet. A late
 * (re-uploaded) fix adds 0, so the per-minute distance may undercount after an outage but never counts
 * a stretch twice; so does a unit's first fix, and the first after re-anchoring (a speed jump the track
 * accepted as the new truth: the distance from the fixes it replaced is not a distance travelled).
 */
export function measureTrackDistance(c: FixCandidate, ctx: FixContext): Refusal | null {
  const t = ctx.track;
  const newest = t.count - 1;
  const f = c.fix;
  f.stepM = newest >= 0 && f.ts > t.tsAt(newest) ? haversineM(t.latAt(newest), t.lonAt(newest), f.lat, f.lon) : 0;
  return null;
}
