import type { EdgeTraversal } from '../matching/assemble';
import { hourOfWeek } from './slots';
import type { SpeedEvidence, TripKind } from './speed-model';

/** Bounds of a plausible traversal: faster than 200 km/h or slower than 1 km/h is a matching artefact. */
const MIN_SPEED = 1 / 3.6;
const MAX_SPEED = 200 / 3.6;

/**
 * Which traversals teach speeds: driven whole (a partial edge at a track's ends mixes in parking and
 * the snap), timed, at a plausible speed. Returns why one is left out, or null to keep it.
 */
export function traversalProblem(t: EdgeTraversal): string | null {
  if (!t.full) return 'partial';
  if (t.durationS === null || t.enterTs === null) return 'untimed';
  if (!(t.durationS > 0)) return 'zero_time';
  const v = t.distanceM / t.durationS;
  if (v < MIN_SPEED || v > MAX_SPEED) return 'implausible_speed';
  return null;
}

/** Sum traversals into evidence per (edge, hour of week, kind). kindAt tells whether a moment was on a task. */
export function toEvidence(traversals: Iterable<EdgeTraversal>, kindAt: (epochMs: number) => TripKind, utcOffsetMin?: number): SpeedEvidence[] {
  const acc = new Map<string, SpeedEvidence>();
  for (const t of traversals) {
    if (traversalProblem(t) !== null) continue;
    const how = hourOfWeek(t.enterTs!, utcOffsetMin);
    const kind = kindAt(t.enterTs!);
    const key = `${t.edge}:${how}:${kind}`;
    const ev = acc.get(key);
    if (ev) {
      ev.distanceM += t.distanceM;
      ev.durationS += t.durationS!;
      ev.traversals++;
    } else acc.set(key, { edge: t.edge, hourOfWeek: how, kind, distanceM: t.distanceM, durationS: t.durationS!, traversals: 1 });
  }
  return [...acc.values()];
}
