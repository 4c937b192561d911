import { RoutingError } from '../errors';
import { haversineM } from '@rescue/common';
import type { RoadGraph } from '../graph';
import type { LineString } from '../queries';
import { assemblePath, type EdgeTraversal, type KeptFix } from './assemble';
import { candidatesNear, nearestRoadM } from './candidates';
import { exitVertex, legCost, type LegCosts, slotArray, type State, statesOf, vertexDistances } from './transitions';

/** One GPS fix. ts: epoch milliseconds (optional: without it no speed bound and no times). */
export interface TrackPoint {
  lat: number;
  lon: number;
  ts?: number;
}

export interface MatchOptions {
  /** GPS noise, metres (standard deviation). Default: estimated from the track (Newson & Krumm: 1.4826 × median distance to the nearest road). */
  sigmaM?: number;
  /** Scale of the transition model, metres. Default: from σ (see defaultBeta). */
  betaM?: number;
  /** Candidate roads are looked for this far from a fix. Default: 4σ, within 50–250 m. */
  radiusM?: number;
  /** At most this many candidate roads per fix (nearest first). Default 8. */
  maxCandidates?: number;
  /** No unit drives faster than this (m/s); a transition needing more is implausible. Default 55 (≈ 200 km/h). */
  maxSpeedMps?: number;
  /** A step back along the road this short is GPS jitter, not a U-turn. Default 2σ (≥ 10 m). */
  jitterM?: number;
  /** Metres of route a U-turn mid-road costs in the transition model. Default 2σ (≥ 50 m). */
  uTurnM?: number;
}

export interface MatchedPoint {
  /** Input indices this position stands for: a stop's fixes within 3σ of its first collapse into one. */
  firstIndex: number;
  lastIndex: number;
  lat: number;
  lon: number;
  /** Metres from the fix to its matched road position. */
  offRoadM: number;
  wayId: number;
  /** Posterior probability of this position given the whole segment (forward–backward). */
  probability: number;
}

export interface MatchedSegment {
  firstIndex: number;
  lastIndex: number;
  points: MatchedPoint[];
  geometry: LineString;
  distanceM: number;
  /** From the first fix to the last; null without timestamps. */
  durationS: number | null;
  edges: EdgeTraversal[];
  /** Mean posterior probability of the chosen positions, 0–1. */
  confidence: number;
}

export interface MatchResult {
  segments: MatchedSegment[];
  /** Input indices left out: no road within the radius, implausible outliers, pieces of one position. */
  unmatched: number[];
  sigmaM: number;
  betaM: number;
  radiusM: number;
  distanceM: number;
  /** Share of input fixes in a segment × mean segment confidence (weighted by fixes), 0–1. */
  confidence: number;
}

/** Transition scale: grows with the noise, since route and straight-line distances both carry it. */
export function defaultBeta(sigmaM: number): number {
  return Math.max(5, 0.5 * sigmaM);
}

const PRUNE = 40; // log-units below the best: such a candidate cannot come back, skip its searches

interface Step {
  fix: KeptFix;
  states: State[];
  emis: Float64Array;
  /** Log transition (prev step's candidate a → this b) at a*K+b; empty for a segment's first step. */
  trans: Float64Array;
  score: Float64Array;
  back: Int32Array;
  /** Route bound of the leg into this step (kept for re-tracing the path). */
  maxM: number;
}

/**
 * Hidden-Markov map matching (Newson & Krumm 2009): states are candidate road positions of each fix,
 * emission by distance to the fix (Gaussian σ), transition by |route distance − great-circle distance|
 * (exponential β), Viterbi for the most likely sequence. Where no transition is plausible (route
 * longer than the bound or faster than maxSpeedMps) one fix is dropped as an outlier; if the next
 * cannot be joined either, the track is split there.
 */
export function matchTrack(g: RoadGraph, points: readonly TrackPoint[], opts: MatchOptions = {}): MatchResult {
  for (let i = 0; i < points.length; i++) {
    const p = points[i]!;
    if (!Number.isFinite(p.lat) || !Number.isFinite(p.lon) || Math.abs(p.lat) > 90 || Math.abs(p.lon) > 180) {
      throw new RoutingError('BAD_INPUT', `point ${i}: invalid coordinates ${p.lat},${p.lon}`);
    }
    if (p.ts !== undefined && (!Number.isFinite(p.ts) || (i > 0 && points[i - 1]!.ts !== undefined && p.ts < points[i - 1]!.ts!))) {
      throw new RoutingError('BAD_INPUT', `point ${i}: timestamps must be finite and non-decreasing`);
    }
  }
  const scratch: number[] = [];
  const sigmaM = opts.sigmaM ?? estimateSigma(g, points, scratch);
  const betaM = opts.betaM ?? defaultBeta(sigmaM);
  const radiusM = opts.radiusM ?? Math.min(250, Math.max(50, 4 * sigmaM));
  const maxCand = opts.maxCandidates ?? 8;
  const vmax = opts.maxSpeedMps ?? 55;
  const costs: LegCosts = { jitterM: opts.jitterM ?? Math.max(10, 2 * sigmaM), uTurnM: opts.uTurnM ?? Math.max(50, 2 * sigmaM) };
  const fixes = keepMoving(points, 3 * sigmaM);

  const segments: MatchedSegment[] = [];
  const unmatched: number[] = [];
  const dropFix = (f: KeptFix): void => {
    for (let i = f.first; i <= f.last; i++) unmatched.push(i);
  };
  let steps: Step[] = [];
  const finish = (): void => {
    if (steps.length >= 2) segments.push(decode(g, steps, costs));
    else for (const s of steps) dropFix(s.fix);
    steps = [];
  };
  let outlier: Step | null = null;
  for (const fix of fixes) {
    const cands = candidatesNear(g, fix.lat, fix.lon, radiusM, maxCand, scratch);
    if (cands.length === 0) {
      dropFix(fix);
      continue;
    }
    const states = statesOf(g, cands);
    const emis = new Float64Array(states.length);
    for (let b = 0; b < states.length; b++) emis[b] = -0.5 * (states[b]!.cand.distanceM / sigmaM) ** 2;
    const step: Step = { fix, states, emis, trans: new Float64Array(0), score: emis.slice(), back: new Int32Array(states.length).fill(-1), maxM: 0 };
    if (steps.length === 0) {
      steps.push(step);
      continue;
    }
    if (join(g, steps[steps.length - 1]!, step, betaM, radiusM, vmax, costs)) {
      if (outlier) dropFix(outlier.fix);
      outlier = null;
      steps.push(step);
    } else if (!outlier) {
      outlier = step; // maybe one wild fix: try the next one from the same place
    } else {
      // Two in a row cannot be joined: the track leaves the map or the road network here; split.
      finish();
      steps.push(resetStep(outlier));
      outlier = null;
      if (join(g, steps[0]!, step, betaM, radiusM, vmax, costs)) steps.push(step);
      else {
        finish();
        steps.push(resetStep(step));
      }
    }
  }
  if (outlier) dropFix(outlier.fix);
  finish();
  unmatched.sort((a, b) => a - b);
  const matchedFixes = points.length - unmatched.length;
  let conf = 0;
  let n = 0;
  for (const s of segments) {
    const k = s.lastIndex - s.firstIndex + 1;
    conf += s.confidence * k;
    n += k;
  }
  return {
    segments,
    unmatched,
    sigmaM,
    betaM,
    radiusM,
    distanceM: segments.reduce((a, s) => a + s.distanceM, 0),
    confidence: points.length > 0 && n > 0 ? (matchedFixes / points.length) * (conf / n) : 0,
  };
}

function resetStep(s: Step): Step {
  return { ...s, trans: new Float64Array(0), score: s.emis.slice(), back: new Int32Array(s.states.length).fill(-1), maxM: 0 };
}

/** Viterbi step prev → next; false (next untouched) when no candidate pair is plausibly joined. */
function join(g: RoadGraph, prev: Step, next: Step, beta: number, radius: number, vmax: number, costs: LegCosts): boolean {
  const ka = prev.states.length;
  const kb = next.states.length;
  const dgc = haversineM(prev.fix.lat, prev.fix.lon, next.fix.lat, next.fix.lon);
  let maxM = 2 * dgc + 2 * radius + 300;
  const dt = (next.fix.arriveTs - prev.fix.leaveTs) / 1000;
  if (Number.isFinite(dt)) maxM = Math.min(maxM, vmax * dt + 2 * radius);
  // One bounded search per distinct exit vertex of the previous states, to every entry vertex of the next.
  const slot = slotArray(g);
  const targets: number[] = [];
  for (const s of next.states) {
    const c = s.cand.chain;
    for (let j = g.cEdgeStart[c]!; j < g.cEdgeStart[c + 1]!; j++) {
      const e = g.cEdges[j]!;
      if (g.eDir[e] !== s.dir) continue;
      const v = g.eSrc[e]!;
      if (targets.indexOf(v) < 0) {
        slot[v] = targets.length;
        targets.push(v);
      }
    }
  }
  const rows = new Map<number, Float64Array>();
  const from = (v: number): Float64Array | null => {
    if (v < 0) return null;
    let row = rows.get(v);
    if (!row) {
      row = new Float64Array(targets.length);
      vertexDistances(g, v, targets, maxM, row);
      rows.set(v, row);
    }
    return row;
  };
  const trans = new Float64Array(ka * kb).fill(-Infinity);
  let best = -Infinity;
  for (let a = 0; a < ka; a++) if (prev.score[a]! > best) best = prev.score[a]!;
  for (let a = 0; a < ka; a++) {
    if (prev.score[a]! < best - PRUNE) continue;
    const sa = prev.states[a]!;
    const ahead = from(exitVertex(g, sa, sa.dir));
    const behind = from(exitVertex(g, sa, 1 - sa.dir));
    for (let b = 0; b < kb; b++) {
      const d = legCost(g, sa, next.states[b]!, ahead, behind, slot, costs).m;
      if (d <= maxM) trans[a * kb + b] = -Math.abs(d - dgc) / beta;
    }
  }
  const score = new Float64Array(kb).fill(-Infinity);
  const back = new Int32Array(kb).fill(-1);
  let top = -Infinity;
  for (let b = 0; b < kb; b++) {
    for (let a = 0; a < ka; a++) {
      const s = prev.score[a]! + trans[a * kb + b]!;
      if (s > score[b]!) {
        score[b] = s;
        back[b] = a;
      }
    }
    score[b] = score[b]! + next.emis[b]!;
    if (score[b]! > top) top = score[b]!;
  }
  if (top === -Infinity) return false;
  for (let b = 0; b < kb; b++) score[b] = score[b]! - top; // keep scores near 0 on long tracks
  next.trans = trans;
  next.score = score;
  next.back = back;
  next.maxM = maxM;
  return true;
}

/** Backtrack the best sequence, its forward–backward posteriors, and the path driven. */
function decode(g: RoadGraph, steps: Step[], costs: LegCosts): MatchedSegment {
  const n = steps.length;
  const chosen = new Int32Array(n);
  let last = steps[n - 1]!;
  let arg = 0;
  for (let b = 1; b < last.score.length; b++) if (last.score[b]! > last.score[arg]!) arg = b;
  chosen[n - 1] = arg;
  for (let t = n - 1; t > 0; t--) chosen[t - 1] = steps[t]!.back[chosen[t]!]!;
  const post = posteriors(steps, chosen);
  const states = steps.map((s, t) => s.states[chosen[t]!]!);
  const fixes = steps.map((s) => s.fix);
  const path = assemblePath(g, fixes, states, steps.slice(1).map((s) => s.maxM), costs);
  last = steps[n - 1]!;
  const first = steps[0]!.fix;
  const durationS = Number.isFinite(first.arriveTs) && Number.isFinite(last.fix.leaveTs) ? (last.fix.leaveTs - first.arriveTs) / 1000 : null;
  let confidence = 0;
  for (let t = 0; t < n; t++) confidence += post[t]!;
  return {
    firstIndex: first.first,
    lastIndex: last.fix.last,
    points: steps.map((s, t) => {
      const c = states[t]!.cand;
      return { firstIndex: s.fix.first, lastIndex: s.fix.last, lat: c.snappedLat, lon: c.snappedLon, offRoadM: c.distanceM, wayId: g.cWayId[c.chain]!, probability: post[t]! };
    }),
    geometry: path.geometry,
    distanceM: path.distanceM,
    durationS,
    edges: path.edges,
    confidence: confidence / n,
  };
}

function logSumExp(xs: Float64Array): number {
  let m = -Infinity;
  for (const x of xs) if (x > m) m = x;
  if (m === -Infinity) return m;
  let s = 0;
  for (const x of xs) s += Math.exp(x - m);
  return m + Math.log(s);
}

/** Posterior of each chosen state (forward–backward over the same lattice, log domain). */
function posteriors(steps: Step[], chosen: Int32Array): Float64Array {
  const n = steps.length;
  const alpha: Float64Array[] = [steps[0]!.emis.slice()];
  for (let t = 1; t < n; t++) {
    const s = steps[t]!;
    const ka = steps[t - 1]!.states.length;
    const kb = s.states.length;
    const prev = alpha[t - 1]!;
    const cur = new Float64Array(kb);
    const tmp = new Float64Array(ka);
    for (let b = 0; b < kb; b++) {
      for (let a = 0; a < ka; a++) tmp[a] = prev[a]! + s.trans[a * kb + b]!;
      cur[b] = logSumExp(tmp) + s.emis[b]!;
    }
    const z = logSumExp(cur);
    for (let b = 0; b < kb; b++) cur[b] = cur[b]! - z;
    alpha.push(cur);
  }
  const out = new Float64Array(n);
  let beta = new Float64Array(steps[n - 1]!.states.length);
  for (let t = n - 1; t >= 0; t--) {
    const a = alpha[t]!;
    const joint = new Float64Array(a.length);
    for (let k = 0; k < a.length; k++) joint[k] = a[k]! + beta[k]!;
    out[t] = Math.exp(joint[chosen[t]!]! - logSumExp(joint));
    if (t === 0) break;
    const s = steps[t]!;
    const ka = steps[t - 1]!.states.length;
    const kb = s.states.length;
    const nb = new Float64Array(ka);
    const tmp = new Float64Array(kb);
    for (let x = 0; x < ka; x++) {
      for (let b = 0; b < kb; b++) tmp[b] = s.trans[x * kb + b]! + s.emis[b]! + beta[b]!;
      nb[x] = logSumExp(tmp);
    }
    const z = logSumExp(nb);
    for (let x = 0; x < ka; x++) nb[x] = nb[x]! - z;
    beta = nb;
  }
  return out;
}

/**
 * Collapse each run of fixes within minMoveM of the run's first into one kept fix (Newson & Krumm
 * drop those within 2σ: at a stop the noise is larger than the movement and reads as back-and-forth).
 * We keep 3σ: on simulated 1 s tracks with 30–50 m noise, 2σ left a third of the matched length on
 * side streets and wrong directions, 3σ a little less and 4σ a fifth, but 4σ thinned 5 s tracks
 * too much (matched share 95 → 86 % at 50 m).
 */
export function keepMoving(points: readonly TrackPoint[], minMoveM: number): KeptFix[] {
  const out: KeptFix[] = [];
  for (let i = 0; i < points.length; i++) {
    const p = points[i]!;
    const ts = p.ts ?? Number.NaN;
    const k = out[out.length - 1];
    if (k && haversineM(k.lat, k.lon, p.lat, p.lon) < minMoveM) {
      k.last = i;
      // A run that lasts longer than crossing the circle at 3 m/s is a stop: keep its dwell at the
      // stop. A shorter one is a moving unit sampled densely: its time stays that of its first fix.
      if ((ts - k.arriveTs) / 1000 > minMoveM / 3) k.leaveTs = ts;
      continue;
    }
    out.push({ lat: p.lat, lon: p.lon, first: i, last: i, arriveTs: ts, leaveTs: ts });
  }
  return out;
}

/** Newson & Krumm's robust σ: 1.4826 × the median distance from fixes to their nearest road (up to 200 sampled fixes). */
export function estimateSigma(g: RoadGraph, points: readonly TrackPoint[], scratch: number[] = []): number {
  const step = Math.max(1, Math.floor(points.length / 200));
  const ds: number[] = [];
  for (let i = 0; i < points.length; i += step) {
    const d = nearestRoadM(g, points[i]!.lat, points[i]!.lon, 200, scratch);
    if (d !== Infinity) ds.push(d);
  }
  if (ds.length === 0) return 20;
  ds.sort((a, b) => a - b);
  const median = ds[ds.length >> 1]!;
  return Math.min(60, Math.max(4, 1.4826 * median));
}
