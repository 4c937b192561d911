import { point } from '@turf/helpers';
import isobands from '@turf/isobands';
import type { Feature, FeatureCollection, MultiLineString, MultiPolygon, Point } from 'geojson';
import { oneToMany, type Reach, type RoadGraph } from '@rescue/routing';
import { CoverageError } from './errors';
import type { PlacedSite } from './network';

export interface IsochroneOptions {
  /** Grid step of the display polygon, metres (default 150; widened on large reaches). */
  cellM?: number;
  /** Also return the reachable road network as MultiLineString features (large). */
  network?: boolean;
  /** Skip the polygons (benches timing the search alone). */
  polygons?: boolean;
}

export interface IsochroneProps {
  station: string;
  name: string;
  minutes: number;
  kind: 'polygon' | 'network';
  /** Road vertices reached within the limit. */
  vertices: number;
}

export interface StationIsochrones {
  features: Array<Feature<MultiPolygon | MultiLineString, IsochroneProps>>;
  /** Vertices reached within each limit, in the order of `minutes`. */
  reached: number[];
  searchMs: number;
  polygonMs: number;
}

export const MAX_ISOCHRONE_MINUTES = 240;
/** Grid nodes per display polygon set, at most (about 25,000: a 30-min reach over Andorra at ~190 m). */
export const MAX_GRID_NODES = 25_000;
/** Grid cells an arrival time spreads to around its road point (2: a road becomes ~5 cells wide). */
const SPREAD = 2;

export function checkMinutes(minutes: readonly number[]): number[] {
  if (minutes.length === 0 || minutes.length > 12) throw new CoverageError('BAD_INPUT', 'minutes: give 1 to 12 limits');
  for (const m of minutes) if (!Number.isFinite(m) || m <= 0 || m > MAX_ISOCHRONE_MINUTES) throw new CoverageError('BAD_INPUT', `minutes: ${m} is not in (0, ${MAX_ISOCHRONE_MINUTES}]`);
  return [...new Set(minutes)].sort((a, b) => a - b);
}

/**
 * Isochrones of one site: one time-bounded search to the largest limit serves every smaller
 * limit (a vertex is within m minutes iff its cost ≤ m·60), so k limits cost one search.
 */
export function stationIsochrones(g: RoadGraph, site: PlacedSite, minutesIn: readonly number[], opts: IsochroneOptions = {}): StationIsochrones {
  const minutes = checkMinutes(minutesIn);
  const maxS = minutes[minutes.length - 1]! * 60;
  const t0 = performance.now();
  const reach = oneToMany(g, site.at, { optimize: 'time', maxTimeS: maxS });
  const searchMs = performance.now() - t0;
  const reached = minutes.map((m) => countWithin(reach, m * 60));
  const features: StationIsochrones['features'] = [];
  const t1 = performance.now();
  if (opts.polygons !== false) {
    const polys = reachPolygons(g, site, reach, minutes, opts.cellM ?? 150);
    polys.forEach((geometry, i) =>
      features.push({ type: 'Feature', properties: { station: site.id, name: site.name, minutes: minutes[i]!, kind: 'polygon', vertices: reached[i]! }, geometry }),
    );
  }
  if (opts.network) {
    minutes.forEach((m, i) =>
      features.push({ type: 'Feature', properties: { station: site.id, name: site.name, minutes: m, kind: 'network', vertices: reached[i]! }, geometry: reachNetwork(g, reach, m * 60) }),
    );
  }
  return { features, reached, searchMs, polygonMs: performance.now() - t1 };
}

function countWithin(reach: Reach, s: number): number {
  // reach.durationS is in settling order, hence sorted when optimising time.
  let lo = 0;
  let hi = reach.durationS.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (reach.durationS[mid]! <= s) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Reachable road network within a limit: every edge whose source is reached, cut where the time
 * runs out (the part of an edge driven before the limit).
 */
export function reachNetwork(g: RoadGraph, reach: Reach, limitS: number): MultiLineString {
  const lines: [number, number][][] = [];
  forEachReachedPiece(g, reach, limitS, Infinity, (line) => lines.push(line));
  return { type: 'MultiLineString', coordinates: lines };
}

/**
 * Walk reached edges, calling back with the reached part of each as [lon, lat] points, densified
 * so no step exceeds stepM (for gridding). Each point carries its arrival time via `times`.
 */
function forEachReachedPiece(g: RoadGraph, reach: Reach, limitS: number, stepM: number, cb: (line: [number, number][], times: number[]) => void): void {
  const T = reach.durationByVertex;
  for (let i = 0; i < reach.vertices.length; i++) {
    const u = reach.vertices[i]!;
    const tu = T[u]!;
    if (tu > limitS) break;
    for (let e = g.fwdStart[u]!; e < g.fwdStart[u + 1]!; e++) {
      const c = g.eChain[e]!;
      const len = g.cLength[c]!;
      const et = g.eTime[e]!;
      // Metres of this edge driven before the limit.
      const budgetM = et > 0 ? Math.min(len, ((limitS - tu) / et) * len) : len;
      const s0 = g.cShapeStart[c]!;
      const s1 = g.cShapeStart[c + 1]! - 1;
      const fwd = g.eDir[e] === 0;
      const line: [number, number][] = [];
      const times: number[] = [];
      let prevA = 0;
      let prev: [number, number] | null = null;
      for (let k = 0; k <= s1 - s0; k++) {
        const p = fwd ? s0 + k : s1 - k;
        const a = fwd ? g.sCum[p]! : len - g.sCum[p]!;
        const here: [number, number] = [g.sLon[p]!, g.sLat[p]!];
        if (prev && a - prevA > stepM) {
          const n = Math.ceil((a - prevA) / stepM);
          for (let j = 1; j < n; j++) {
            const f = j / n;
            const aj = prevA + f * (a - prevA);
            if (aj > budgetM) break;
            line.push([prev[0] + f * (here[0] - prev[0]), prev[1] + f * (here[1] - prev[1])]);
            times.push(tu + (len > 0 ? (aj / len) * et : 0));
          }
        }
        if (a > budgetM) {
          // Cut inside this segment at the budget.
          if (prev && a > prevA) {
            const f = (budgetM - prevA) / (a - prevA);
            line.push([prev[0] + f * (here[0] - prev[0]), prev[1] + f * (here[1] - prev[1])]);
            times.push(limitS);
          }
          break;
        }
        line.push(here);
        times.push(tu + (len > 0 ? (a / len) * et : 0));
        prev = here;
        prevA = a;
      }
      if (line.length >= 2) cb(line, times);
    }
  }
}

/**
 * Display polygons from the reach, one per limit, built with Turf isobands: each grid node gets
 * the earliest arrival time of the road points nearest to it (then spread two nodes, so a road
 * becomes a band about five cells wide); the polygon for m minutes is the band [0, m·60].
 */
export function reachPolygons(g: RoadGraph, site: PlacedSite, reach: Reach, minutes: readonly number[], cellM: number): MultiPolygon[] {
  if (!(cellM >= 10 && cellM <= 5000)) throw new CoverageError('BAD_INPUT', 'polygon cell must be 10–5000 m');
  const maxS = minutes[minutes.length - 1]! * 60;
  let minLat = site.at.snappedLat;
  let maxLat = site.at.snappedLat;
  let minLon = site.at.snappedLon;
  let maxLon = site.at.snappedLon;
  const pts: number[] = [];
  forEachReachedPiece(g, reach, maxS, cellM / 2, (line, times) => {
    line.forEach(([lon, lat], i) => {
      pts.push(lon, lat, times[i]!);
      if (lat < minLat) minLat = lat;
      if (lat > maxLat) maxLat = lat;
      if (lon < minLon) minLon = lon;
      if (lon > maxLon) maxLon = lon;
    });
  });
  pts.push(site.at.snappedLon, site.at.snappedLat, 0);
  // Widen the cell on large reaches so the grid stays near MAX_GRID_NODES (Turf's cost is per node).
  const cosLat = Math.cos((((minLat + maxLat) / 2) * Math.PI) / 180);
  const areaM2 = (maxLat - minLat) * 111_195 * (maxLon - minLon) * 111_195 * cosLat;
  const cell = Math.max(cellM, Math.sqrt(areaM2 / MAX_GRID_NODES));
  const dLat = cell / 111_195;
  const dLon = cell / (111_195 * cosLat);
  // Empty nodes of margin beyond the spread so every band closes inside the grid.
  const margin = SPREAD + 2;
  const x0 = minLon - margin * dLon;
  const y0 = minLat - margin * dLat;
  const cols = Math.ceil((maxLon - minLon) / dLon) + 2 * margin + 1;
  const rows = Math.ceil((maxLat - minLat) / dLat) + 2 * margin + 1;
  const BIG = maxS * 4 + 1;
  const raw = new Float64Array(cols * rows).fill(BIG);
  for (let i = 0; i < pts.length; i += 3) {
    const c = Math.round((pts[i]! - x0) / dLon);
    const r = Math.round((pts[i + 1]! - y0) / dLat);
    const k = r * cols + c;
    if (pts[i + 2]! < raw[k]!) raw[k] = pts[i + 2]!;
  }
  // Spread each arrival time over the nodes within SPREAD cells (separably: rows, then columns),
  // so nearby roads merge into one area and Turf has few rings to assemble.
  const tmp = new Float64Array(raw.length).fill(BIG);
  const val = new Float64Array(raw.length).fill(BIG);
  for (let r = 0; r < rows; r++) {
    for (let c = SPREAD; c < cols - SPREAD; c++) {
      let m = BIG;
      for (let d = -SPREAD; d <= SPREAD; d++) m = Math.min(m, raw[r * cols + c + d]!);
      tmp[r * cols + c] = m;
    }
  }
  for (let r = SPREAD; r < rows - SPREAD; r++) {
    for (let c = 0; c < cols; c++) {
      let m = BIG;
      for (let d = -SPREAD; d <= SPREAD; d++) m = Math.min(m, tmp[(r + d) * cols + c]!);
      val[r * cols + c] = m;
    }
  }
  const grid: FeatureCollection<Point, { t: number }> = { type: 'FeatureCollection', features: [] };
  for (let r = 0; r < rows; r++) {
    // Rows keyed by latitude inside Turf: compute each row's latitude once so keys are identical.
    const lat = y0 + r * dLat;
    for (let c = 0; c < cols; c++) grid.features.push(point([x0 + c * dLon, lat], { t: val[r * cols + c]! + 1 }));
  }
  // +1 s everywhere: Turf reads a zero value as missing; the site's own node is 0 s. One Turf call
  // makes the nested bands [0, m1], (m1, m2], ...; the polygon for m_k is bands 1..k together
  // (they tile without overlap, so a point lies in at most one of them).
  // Coordinates rounded to 1e-5° (~1 m): far below the grid step, and a third of the bytes.
  const q = (x: number): number => Math.round(x * 1e5) / 1e5;
  const bands = isobands(grid, [0, ...minutes.map((m) => m * 60 + 1)], { zProperty: 't' }).features.map((f) =>
    f.geometry.coordinates.map((poly) => poly.map((ring) => ring.map(([x, y]) => [q(x!), q(y!)]))),
  );
  return minutes.map((_, k) => ({ type: 'MultiPolygon', coordinates: bands.slice(0, k + 1).flat() }));
}
