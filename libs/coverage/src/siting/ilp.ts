import loadHighs from 'highs';
import { CoverageError } from '../errors';
import type { CoverageMatrix } from './coverage-matrix';
import { coveredWeight, maxCoverGreedy, setCoverGreedy } from './greedy';

type Highs = Awaited<ReturnType<typeof loadHighs>>;
let highsPromise: Promise<Highs> | null = null;

/** HiGHS compiled to WebAssembly, loaded once per process. */
export function loadSolver(): Promise<Highs> {
  highsPromise ??= loadHighs().catch((e: unknown) => {
    highsPromise = null;
    throw new CoverageError('SOLVER_FAILED', `cannot load HiGHS: ${(e as Error).message}`);
  });
  return highsPromise;
}

/** The solver, or null when it cannot be loaded: callers then fall back to greedy, reported as such. */
async function solverOrNull(): Promise<Highs | null> {
  try {
    return await loadSolver();
  } catch {
    return null;
  }
}

export interface SitingSolution {
  /** Candidate indices chosen. */
  chosen: number[];
  /** Objective: weight covered (maximal covering) or number of new sites (set covering). */
  objective: number;
  /** 'optimal': HiGHS proved it (relative gap 0); 'feasible': stopped at the time limit; 'greedy': solver unavailable. */
  status: 'optimal' | 'feasible' | 'greedy';
  /** Best bound known: the ILP optimum when proved, else the LP relaxation. */
  bound: number;
  /** Relative optimality gap |bound − objective| / max(|bound|, tiny); 0 when proved optimal. */
  gap: number;
  solveMs: number;
  greedy: { chosen: number[]; objective: number; gap: number };
}

export interface IlpOptions {
  /** Seconds HiGHS may spend (default 30). */
  timeLimitS?: number;
  /** Skip HiGHS (the greedy fallback, reported as such). */
  greedyOnly?: boolean;
}

/** Write terms a line at a time: CPLEX LP lines are kept short for every reader. */
function terms(parts: string[]): string {
  const out: string[] = [];
  for (let i = 0; i < parts.length; i += 8) out.push(' ' + parts.slice(i, i + 8).join(' '));
  return out.join('\n');
}

const fmt = (w: number): string => (Number.isInteger(w) ? String(w) : w.toPrecision(12));

function maxCoverLp(m: CoverageMatrix, k: number, relax: boolean): string {
  const obj = m.weights.map((w, i) => `${i === 0 ? '' : '+ '}${fmt(w)} y${i}`);
  const lines = ['Maximize', ' obj:', terms(obj.length ? obj : ['0 x0']), 'Subject To'];
  m.cover.forEach((c, i) => lines.push(` r${i}: y${i}${c.map((j) => ` - x${j}`).join('')} <= 0`));
  lines.push(` k: ${Array.from({ length: m.candidates }, (_, j) => `x${j}`).join(' + ')} <= ${k}`);
  lines.push('Bounds');
  m.weights.forEach((_, i) => lines.push(` 0 <= y${i} <= 1`));
  for (let j = 0; j < m.candidates; j++) lines.push(` 0 <= x${j} <= 1`);
  if (!relax) lines.push('General', terms(Array.from({ length: m.candidates }, (_, j) => `x${j}`)));
  lines.push('End');
  return lines.join('\n');
}

function setCoverLp(m: CoverageMatrix, relax: boolean): string {
  const lines = ['Minimize', ' obj:', terms(Array.from({ length: m.candidates }, (_, j) => `${j === 0 ? '' : '+ '}x${j}`)), 'Subject To'];
  m.cover.forEach((c, i) => lines.push(` r${i}: ${c.map((j) => `x${j}`).join(' + ')} >= 1`));
  lines.push('Bounds');
  for (let j = 0; j < m.candidates; j++) lines.push(` 0 <= x${j} <= 1`);
  if (!relax) lines.push('General', terms(Array.from({ length: m.candidates }, (_, j) => `x${j}`)));
  lines.push('End');
  return lines.join('\n');
}

function check(m: CoverageMatrix): void {
  if (m.candidates === 0) throw new CoverageError('BAD_INPUT', 'no candidates');
  m.cover.forEach((c, i) => {
    if (c.length === 0) throw new CoverageError('BAD_INPUT', `row ${i} is covered by no candidate; remove uncoverable demand first`);
    for (const j of c) if (!Number.isInteger(j) || j < 0 || j >= m.candidates) throw new CoverageError('BAD_INPUT', `row ${i}: candidate ${j} out of range`);
  });
}

type Solved = { status: string; value: number; x: number[] };

function run(h: Highs, lp: string, n: number, timeLimitS: number): Solved {
  const r = h.solve(lp, { output_flag: false, time_limit: timeLimitS, mip_rel_gap: 0, mip_abs_gap: 0 });
  const cols = r.Columns as Record<string, { Primal?: number }>;
  return { status: r.Status, value: r.ObjectiveValue, x: Array.from({ length: n }, (_, j) => cols[`x${j}`]?.Primal ?? 0) };
}

const relGap = (bound: number, value: number): number => Math.abs(bound - value) / Math.max(Math.abs(bound), 1e-9);

/**
 * Maximal covering location problem (Church & ReVelle 1974): choose at most k candidates to
 * maximise the demand weight covered. y_i ≤ Σ_{j covers i} x_j; y continuous in [0,1] is
 * integral at the optimum since the right side is an integer.
 */
export async function maxCover(m: CoverageMatrix, k: number, opts: IlpOptions = {}): Promise<SitingSolution> {
  check(m);
  if (!Number.isInteger(k) || k < 1) throw new CoverageError('BAD_INPUT', 'k must be a positive integer');
  const t0 = performance.now();
  const g = maxCoverGreedy(m, k);
  const gw = coveredWeight(m, g);
  const upper = m.weights.reduce((s, w) => s + w, 0);
  if (opts.greedyOnly) return greedyResult(g, gw, upper, t0);
  const h = await solverOrNull();
  if (!h) return greedyResult(g, gw, upper, t0);
  const r = run(h, maxCoverLp(m, k, false), m.candidates, opts.timeLimitS ?? 30);
  const chosen = r.x.flatMap((v, j) => (v > 0.5 ? [j] : []));
  const value = coveredWeight(m, chosen);
  if (r.status === 'Optimal') {
    return { chosen, objective: value, status: 'optimal', bound: value, gap: 0, solveMs: performance.now() - t0, greedy: { chosen: g, objective: gw, gap: relGap(value, gw) } };
  }
  const lp = run(h, maxCoverLp(m, k, true), m.candidates, opts.timeLimitS ?? 30);
  const bound = lp.status === 'Optimal' ? lp.value : upper;
  const best = value >= gw ? { chosen, value } : { chosen: g, value: gw };
  return { chosen: best.chosen, objective: best.value, status: 'feasible', bound, gap: relGap(bound, best.value), solveMs: performance.now() - t0, greedy: { chosen: g, objective: gw, gap: relGap(bound, gw) } };
}

function greedyResult(g: number[], gw: number, bound: number, t0: number): SitingSolution {
  return { chosen: g, objective: gw, status: 'greedy', bound, gap: relGap(bound, gw), solveMs: performance.now() - t0, greedy: { chosen: g, objective: gw, gap: relGap(bound, gw) } };
}

/** Location set covering (Toregas et al. 1971): fewest candidates so every row is covered. */
export async function setCover(m: CoverageMatrix, opts: IlpOptions = {}): Promise<SitingSolution> {
  check(m);
  const t0 = performance.now();
  const g = setCoverGreedy(m);
  if (m.weights.length === 0) return { chosen: [], objective: 0, status: 'optimal', bound: 0, gap: 0, solveMs: 0, greedy: { chosen: [], objective: 0, gap: 0 } };
  if (opts.greedyOnly) return greedyResult(g, g.length, 1, t0);
  const h = await solverOrNull();
  if (!h) return greedyResult(g, g.length, 1, t0);
  const r = run(h, setCoverLp(m, false), m.candidates, opts.timeLimitS ?? 30);
  const chosen = r.x.flatMap((v, j) => (v > 0.5 ? [j] : []));
  const feasible = m.cover.every((c) => c.some((j) => chosen.includes(j)));
  if (r.status === 'Optimal' && feasible) {
    return { chosen, objective: chosen.length, status: 'optimal', bound: chosen.length, gap: 0, solveMs: performance.now() - t0, greedy: { chosen: g, objective: g.length, gap: relGap(chosen.length, g.length) } };
  }
  const lp = run(h, setCoverLp(m, true), m.candidates, opts.timeLimitS ?? 30);
  const bound = lp.status === 'Optimal' ? Math.ceil(lp.value - 1e-9) : 1;
  const best = feasible && chosen.length <= g.length ? chosen : g;
  return { chosen: best, objective: best.length, status: 'feasible', bound, gap: relGap(bound, best.length), solveMs: performance.now() - t0, greedy: { chosen: g, objective: g.length, gap: relGap(bound, g.length) } };
}
