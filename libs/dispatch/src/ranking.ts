/**
 * The ranking policy of recommendations, in one place (区域就近、病情就急):
 * 1. nearest by road first: ascending road ETA from the unit's snapped position;
 * 2. urgency: for the most urgent calls (priority 1) a stale unit is still ranked, from its last known
 *    position with its fix age shown, because it may well be the fastest; for other priorities stale
 *    units are left out (reason `stale`) unless the centre configures `staleUnits: 'rank'`;
 * 3. ties (ETAs in the same `tieToleranceS`-second band): a fresh unit before a stale one, the fresher fix first, then a unit at its station before one
 *    returning (its crew is ready), then the unit id, so the order is stable.
 */
export interface RankInput {
  unitId: string;
  etaS: number;
  fixAgeS: number;
  stale: boolean;
  atStation: boolean;
}

export interface RankPolicy {
  /** Seconds within which two ETAs count as equal. */
  tieToleranceS: number;
  /** What to do with stale units for calls that are not of the highest urgency. */
  staleUnits: 'rank' | 'exclude';
}

export const DEFAULT_RANK_POLICY: RankPolicy = { tieToleranceS: 10, staleUnits: 'exclude' };

/** Priority 1 is the most urgent (危重), 4 the least. */
export type Priority = 1 | 2 | 3 | 4;

export function staleAllowed(priority: Priority, policy: RankPolicy): boolean {
  return priority === 1 || policy.staleUnits === 'rank';
}

export function rankCandidates<T extends RankInput>(candidates: readonly T[], policy: RankPolicy = DEFAULT_RANK_POLICY): T[] {
  return topRanked(candidates, candidates.length, policy);
}

/**
 * The first `k` of rankCandidates' order without sorting the rest (a call asks for 5 of thousands of
 * units): a bounded insertion into the k best, O(n·k) comparisons for small k.
 */
export function topRanked<T extends RankInput>(candidates: readonly T[], k: number, policy: RankPolicy = DEFAULT_RANK_POLICY): T[] {
  // Group by ETA band first so the tie rules apply to near-equal ETAs without breaking transitivity.
  const tol = Math.max(policy.tieToleranceS, 1e-9);
  const band = (c: RankInput) => Math.floor(c.etaS / tol);
  const cmp = (a: T, b: T): number =>
    band(a) - band(b) ||
    Number(a.stale) - Number(b.stale) ||
    a.fixAgeS - b.fixAgeS ||
    Number(b.atStation) - Number(a.atStation) ||
    a.etaS - b.etaS ||
    a.unitId.localeCompare(b.unitId);
  if (k >= candidates.length / 8) return [...candidates].sort(cmp).slice(0, k);
  const best: T[] = [];
  for (const c of candidates) {
    if (best.length === k && cmp(c, best[k - 1]!) >= 0) continue;
    let i = best.length === k ? k - 1 : best.length;
    if (best.length < k) best.push(c);
    while (i > 0 && cmp(c, best[i - 1]!) < 0) {
      best[i] = best[i - 1]!;
      i--;
    }
    best[i] = c;
  }
  return best;
}
