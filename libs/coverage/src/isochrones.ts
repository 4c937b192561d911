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
/** Grid nodes per display polygon set, at most (4,000: a 30-min reach over all Andorra gets ~380 m cells, a 5-min one keeps the 150 m default; Turf needs one GeoJSON point object per node, the main cost). */
export const MAX_GRID_NODES = 4_000;
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
 * Display polygons from the reach, one per limit, built with Turf isobands. Road points (densified
 * every half cell) put their arrival time on a grid, spread SPREAD nodes so a road becomes a band
 * about five cells wide; the polygon for m minutes is the band [0, m·60]. Each limit gets its own
 * grid over its own reach, so a 5-min polygon keeps fine cells while a 30-min one over a whole
 * region uses coarser ones: Turf's ring assembly grows faster than linearly with boundary detail.
 */
export function reachPolygons(g: RoadGraph, site: PlacedSite, reach: Reach, minutes: readonly number[], cellM: number): MultiPolygon[] {
  if (!(cellM >= 10 && cellM <= 5000)) throw new CoverageError('BAD_INPUT', 'polygon cell must be 10–5000 m');
  const maxS = minutes[minutes.length - 1]! * 60;
  // Reached road pieces as flat [lon, lat, t, ...] runs (shape points only; each limit's grid
  // samples the segments at its own cell size). The site's own position is a piece of one point.
  const pieces: number[][] = [[site.at.snappedLon, site.at.snappedLat, 0]];
  forEachReachedPiece(g, reach, maxS, Infinity, (line, times) => {
    const run: number[] = [];
    line.forEach(([lon, lat], i) => run.push(lon, lat, times[i]!));
    pieces.push(run);
  });
  return minutes.map((m) => polygonWithin(pieces, m * 60, cellM));
}

function polygonWithin(pieces: readonly number[][], limitS: number, cellM: number): MultiPolygon {
  let minLat = Infinity;
  let maxLat = -Infinity;
  let minLon = Infinity;
  let maxLon = -Infinity;
  const grow = (lon: number, lat: number): void => {
    minLon = Math.min(minLon, lon);
    maxLon = Math.max(maxLon, lon);
    minLat = Math.min(minLat, lat);
    maxLat = Math.max(maxLat, lat);
  };
  for (const run of pieces) {
    for (let i = 0; i < run.length; i += 3) {
      const t = run[i + 2]!;
      if (t <= limitS) {
        grow(run[i]!, run[i + 1]!);
        continue;
      }
      // Times grow along a piece: include where the limit cuts this segment, then stop.
      if (i > 0) {
        const f = (limitS - run[i - 1]!) / (t - run[i - 1]!);
        grow(run[i - 3]! + f * (run[i]! - run[i - 3]!), run[i - 2]! + f * (run[i + 1]! - run[i - 2]!));
      }
      break;
    }
  }
  // Widen the cell on large reaches so the grid stays near MAX_GRID_NODES.
  const cosLat = Math.cos((((minLat + maxLat) / 2) * Math.PI) / 180);
  const areaM2 = (maxLat - minLat) * 111_195 * (maxLon - minLon) * 111_195 * cosLat;
  const cell = Math.max(cellM, Math.sqrt(areaM2 / MAX_GRID_NODES));
  const dLat = cell / 111_195;
  const dLon = cell / (111_195 * cosLat);
  // Empty nodes of margin beyond the spread so the band closes inside the grid.
  const margin = SPREAD + 2;
  const x0 = minLon - margin * dLon;
  const y0 = minLat - margin * dLat;
  const cols = Math.ceil((maxLon - minLon) / dLon) + 2 * margin + 1;
  const rows = Math.ceil((maxLat - minLat) / dLat) + 2 * margin + 1;
  const BIG = limitS * 4 + 1;
  const raw = new Float64Array(cols * rows).fill(BIG);
  const stamp = (lon: number, lat: number, t: number): void => {
    const r = Math.round((lat - y0) / dLat);
    const c = Math.round((lon - x0) / dLon);
    if (r < 0 || c < 0 || r >= rows || c >= cols) return; // cannot happen with the bbox above; never wrap rows
    if (t < raw[r * cols + c]!) raw[r * cols + c] = t;
  };
  for (const run of pieces) {
    if (run[2]! <= limitS) stamp(run[0]!, run[1]!, run[2]!);
    for (let i = 3; i < run.length; i += 3) {
      const ax = run[i - 3]!;
      const ay = run[i - 2]!;
      const at = run[i - 1]!;
      const bx = run[i]!;
      const by = run[i + 1]!;
      const bt = run[i + 2]!;
      if (at > limitS) break;
      // Sample every half cell along the segment, up to where the time runs out.
      const n = Math.max(1, Math.ceil(2 * Math.max(Math.abs(bx - ax) / dLon, Math.abs(by - ay) / dLat)));
      for (let j = 1; j <= n; j++) {
        const f = j / n;
        const t = at + f * (bt - at);
        if (t > limitS) break;
        stamp(ax + f * (bx - ax), ay + f * (by - ay), t);
      }
    }
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
    // Turf groups rows by latitude: compute each row's latitude once so keys are identical.
    const lat = y0 + r * dLat;
    // +1 s everywhere: Turf reads a zero value as missing; the site's own node is 0 s.
    for (let c = 0; c < cols; c++) grid.features.push(point([x0 + c * dLon, lat], { t: val[r * cols + c]! + 1 }));
  }
  // Coordinates rounded to 1e-5° (~1 m): far below the grid step, and a third of the bytes.
  const q = (x: number): number => Math.round(x * 1e5) / 1e5;
  const band = isobands(grid, [0, limitS + 1], { zProperty: 't' }).features[0]!.geometry;
  return { type: 'MultiPolygon', coordinates: band.coordinates.map((poly) => poly.map((ring) => ring.map(([x, y]) => [q(x!), q(y!)]))) };
}
