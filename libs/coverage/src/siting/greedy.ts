import type { CoverageMatrix } from './coverage-matrix';

/** Candidates covering each row, inverted: rows each candidate covers. */
export function rowsByCandidate(m: CoverageMatrix): number[][] {
  const out: number[][] = Array.from({ length: m.candidates }, () => []);
  m.cover.forEach((c, i) => c.forEach((j) => out[j]!.push(i)));
  return out;
}

/** Weight covered by a set of candidates. */
export function coveredWeight(m: CoverageMatrix, chosen: readonly number[]): number {
  const set = new Set(chosen);
  let w = 0;
  m.cover.forEach((c, i) => {
    if (c.some((j) => set.has(j))) w += m.weights[i]!;
  });
  return w;
}

/**
 * Greedy maximal covering: add the candidate that covers the most still-uncovered weight, k times
 * (a (1 − 1/e)-approximation). Ties go to the lower index, so results are reproducible.
 */
export function maxCoverGreedy(m: CoverageMatrix, k: number): number[] {
  const byCand = rowsByCandidate(m);
  const covered = new Uint8Array(m.weights.length);
  const chosen: number[] = [];
  for (let step = 0; step < k; step++) {
    let best = -1;
    let bestGain = 0;
    for (let j = 0; j < m.candidates; j++) {
      if (chosen.includes(j)) continue;
      let gain = 0;
      for (const i of byCand[j]!) if (!covered[i]) gain += m.weights[i]!;
      if (gain > bestGain) {
        bestGain = gain;
        best = j;
      }
    }
    if (best < 0) break; // nothing left to gain
    chosen.push(best);
    for (const i of byCand[best]!) covered[i] = 1;
  }
  return chosen;
}

/** Greedy set covering: repeatedly take the candidate covering the most uncovered rows (ln n approximation). */
export function setCoverGreedy(m: CoverageMatrix): number[] {
  const byCand = rowsByCandidate(m);
  const covered = new Uint8Array(m.weights.length);
  let left = m.weights.length;
  const chosen: number[] = [];
  while (left > 0) {
    let best = -1;
    let bestGain = 0;
    for (let j = 0; j < m.candidates; j++) {
      let gain = 0;
      for (const i of byCand[j]!) if (!covered[i]) gain++;
      if (gain > bestGain) {
        bestGain = gain;
        best = j;
      }
    }
    if (best < 0) break; // a row no candidate covers: caller removed those
    chosen.push(best);
    for (const i of byCand[best]!) {
      if (!covered[i]) left--;
      covered[i] = 1;
    }
  }
  return chosen;
}

/** Exhaustive maximal covering over all k-subsets: only for tests and tiny instances. */
export function maxCoverBruteForce(m: CoverageMatrix, k: number): { chosen: number[]; weight: number } {
  let best = { chosen: [] as number[], weight: 0 };
  const kk = Math.min(k, m.candidates);
  const pick: number[] = [];
  const rec = (start: number): void => {
    if (pick.length === kk) {
      const w = coveredWeight(m, pick);
      if (w > best.weight + 1e-9) best = { chosen: [...pick], weight: w };
      return;
    }
    for (let j = start; j <= m.candidates - (kk - pick.length); j++) {
      pick.push(j);
      rec(j + 1);
      pick.pop();
    }
  };
  rec(0);
  return best;
}

/** Exhaustive set covering: smallest subset covering every row (tests and tiny instances). */
export function setCoverBruteForce(m: CoverageMatrix): number[] | null {
  const all = m.weights.map((_, i) => i);
  for (let k = 0; k <= m.candidates; k++) {
    let found: number[] | null = null;
    const pick: number[] = [];
    const rec = (start: number): boolean => {
      if (pick.length === k) {
        const set = new Set(pick);
        if (all.every((i) => m.cover[i]!.some((j) => set.has(j)))) {
          found = [...pick];
          return true;
        }
        return false;
      }
      for (let j = start; j < m.candidates; j++) {
        pick.push(j);
        if (rec(j + 1)) return true;
        pick.pop();
      }
      return false;
    };
    rec(0);
    if (found) return found;
  }
  return null;
}
