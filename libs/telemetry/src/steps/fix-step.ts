import type { ResolvedConfig } from '../config';
import type { Fix, FixCandidate } from '../types';
import type { UnitTrack } from '../unit-track';
import type { Refusal } from './refusal';

/** What every fix step sees. One object per pipeline, updated per message: no per-fix allocation. */
export interface FixContext {
  cfg: ResolvedConfig;
  /** Reception time, epoch ms: the reference for future/too_old. */
  now: number;
  /** The unit's remembered fixes (WGS-84). */
  track: UnitTrack;
  /**
   * The next fix of the same batch in time (after the stateless steps, WGS-84, strictly later), not yet
   * judged: lets the speed check tell a glitch from the good fix after it. Null for the last or only one.
   */
  next: Fix | null;
  /** The one after next (same rules), for the same purpose. */
  afterNext: Fix | null;
}

/** A fix step: refuses the candidate (a Refusal) or lets it on (null), possibly having transformed it. */
export type FixStep = (c: FixCandidate, ctx: FixContext) => Refusal | null;
