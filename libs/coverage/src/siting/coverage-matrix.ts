import { haversineM } from '@rescue/common';
import type { RoadGraph, SnappedPoint } from '@rescue/routing';
import type { AreaClassifier } from '../area-classes';
import type { DemandSet } from '../demand';
import { CoverageError } from '../errors';
import { placeSites, type PlacedSite, type Site, siteReach, tripTo } from '../network';
import { type CoverageRule, limitOf, meets, ruleBounds } from '../rules';

/**
 * The siting problem reduced to sets: row i is a group of demand points that exactly the same
 * candidates would cover (grouping shrinks the ILP without changing its optimum), with their total
 * weight; cover[i] lists those candidates. Demand already covered by existing stations and demand
 * no candidate can cover are set aside and reported.
 */
export interface CoverageMatrix {
  candidates: number;
  weights: number[];
  cover: number[][];
}

export interface SitingProblem {
  matrix: CoverageMatrix;
  candidates: PlacedSite[];
  unplacedCandidates: Array<{ id: string; reason: string }>;
  /** Demand ids of each row. */
  rowDemand: string[][];
  alreadyCoveredWeight: number;
  uncoverable: { points: number; weight: number; ids: string[] };
  totalWeight: number;
  buildMs: number;
}

export interface SitingProblemOptions {
  snapMaxM: number;
  demandSnapMaxM?: number;
}

export function buildSitingProblem(g: RoadGraph, rule: CoverageRule, existing: readonly Site[], candidates: readonly Site[], demand: DemandSet, areas: AreaClassifier, opts: SitingProblemOptions): SitingProblem {
  const t0 = performance.now();
  if (candidates.length === 0) throw new CoverageError('BAD_INPUT', 'siting needs at least one candidate site');
  const b = ruleBounds(rule);
  // Straight-line-only rules still need the road search for snapping nothing; bound it tightly.
  const bounds = { maxTimeS: b.maxTimeS ?? (b.maxRoadM !== null ? Infinity : 0), maxRoadM: b.maxRoadM };
  const cand = placeSites(g, candidates, opts.snapMaxM);
  if (cand.placed.length === 0) throw new CoverageError('NO_ROAD', 'no candidate site is near a drivable road');
  const st = placeSites(g, existing, opts.snapMaxM);
  const pts = demand.points.map((p) => {
    const limit = limitOf(rule, p.areaClass ?? areas.classOf(p.lat, p.lon));
    return { p, limit };
  });
  const placedDemand = placeSites(
    g,
    demand.points.map((p) => ({ ...p, name: p.id })),
    opts.demandSnapMaxM ?? opts.snapMaxM,
  );
  const at = new Map<string, SnappedPoint>(placedDemand.placed.map((p) => [p.id, p.at]));
  const covers = (site: PlacedSite, mark: (i: number) => void): void => {
    const reach = siteReach(g, site, bounds);
    pts.forEach(({ p, limit }, i) => {
      const a = at.get(p.id);
      const trip = a ? tripTo(g, reach, a) : null;
      const straight = haversineM(site.lat, site.lon, p.lat, p.lon);
      if (meets(limit, trip?.timeS ?? Infinity, trip?.shortRoadM ?? Infinity, straight)) mark(i);
    });
  };
  const done = new Uint8Array(pts.length);
  for (const s of st.placed) covers(s, (i) => (done[i] = 1));
  const coverOf: number[][] = pts.map(() => []);
  cand.placed.forEach((c, j) => covers(c, (i) => coverOf[i]!.push(j)));
  const rows = new Map<string, { w: number; cover: number[]; ids: string[] }>();
  let already = 0;
  let total = 0;
  const unc = { points: 0, weight: 0, ids: [] as string[] };
  pts.forEach(({ p }, i) => {
    total += p.weight;
    if (done[i]) {
      already += p.weight;
      return;
    }
    if (coverOf[i]!.length === 0) {
      unc.points++;
      unc.weight += p.weight;
      unc.ids.push(p.id);
      return;
    }
    const key = coverOf[i]!.join(',');
    const row = rows.get(key);
    if (row) {
      row.w += p.weight;
      row.ids.push(p.id);
    } else rows.set(key, { w: p.weight, cover: coverOf[i]!, ids: [p.id] });
  });
  const list = [...rows.values()];
  return {
    matrix: { candidates: cand.placed.length, weights: list.map((r) => r.w), cover: list.map((r) => r.cover) },
    candidates: cand.placed,
    unplacedCandidates: cand.unplaced.map((u) => ({ id: u.site.id, reason: u.reason })),
    rowDemand: list.map((r) => r.ids),
    alreadyCoveredWeight: already,
    uncoverable: unc,
    totalWeight: total,
    buildMs: performance.now() - t0,
  };
}
