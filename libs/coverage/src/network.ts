import { haversineM } from '@rescue/common';
import { oneToMany, type RoadGraph, RoutingError, snap, type SnappedPoint } from '@rescue/routing';
import { CoverageError } from './errors';

/** A place that sends ambulances: a station, a candidate site or a unit's last fix. */
export interface Site {
  id: string;
  name: string;
  lat: number;
  lon: number;
}

export interface PlacedSite extends Site {
  at: SnappedPoint;
}

/**
 * Costs from one site to every vertex it reaches, by the fastest path (time, and the road metres
 * of that path) and, when a road-distance rule asks, by the shortest path (metres).
 * libs/routing's reachTime() gives time only and ignores a target on the site's own chain, so the
 * partial-edge and same-chain arithmetic is repeated here (see README "routing API gaps").
 */
export interface SiteReach {
  site: PlacedSite;
  timeByVertex: Float64Array;
  /** Road metres along the fastest paths. */
  fastDistByVertex: Float64Array;
  /** Shortest road metres, or null when no rule needs them. */
  shortDistByVertex: Float64Array | null;
  /** Vertices settled by the time search (work done, for benches). */
  settled: number;
}

export interface ReachBounds {
  maxTimeS: number;
  /** Search the shortest-distance tree up to this many metres (null: not needed). */
  maxRoadM: number | null;
}

/** Snap every site; sites off the network are returned apart with the reason, never dropped silently. */
export function placeSites<S extends Site>(g: RoadGraph, sites: readonly S[], snapMaxM: number): { placed: (S & PlacedSite)[]; unplaced: { site: S; reason: string }[] } {
  const placed: (S & PlacedSite)[] = [];
  const unplaced: { site: S; reason: string }[] = [];
  for (const s of sites) {
    try {
      placed.push({ ...s, at: snap(g, s.lat, s.lon, { maxDistanceM: snapMaxM }) });
    } catch (e) {
      if (e instanceof RoutingError) unplaced.push({ site: s, reason: `${e.code}: ${e.message}` });
      else throw e;
    }
  }
  return { placed, unplaced };
}

export function placeSiteOrThrow<S extends Site>(g: RoadGraph, s: S, snapMaxM: number): S & PlacedSite {
  const r = placeSites(g, [s], snapMaxM);
  if (r.placed.length === 0) throw new CoverageError('NO_ROAD', `site ${s.id} (${s.lat},${s.lon}): ${r.unplaced[0]!.reason}`);
  return r.placed[0]!;
}

export function siteReach(g: RoadGraph, site: PlacedSite, bounds: ReachBounds): SiteReach {
  const t = oneToMany(g, site.at, { optimize: 'time', maxTimeS: bounds.maxTimeS });
  const d = bounds.maxRoadM === null ? null : oneToMany(g, site.at, { optimize: 'distance', maxDistanceM: bounds.maxRoadM });
  return { site, timeByVertex: t.durationByVertex, fastDistByVertex: t.distanceByVertex, shortDistByVertex: d ? d.distanceByVertex : null, settled: t.vertices.length };
}

/** A trip from a site to a point: fastest time, its road metres, shortest road metres, straight line. */
export interface Trip {
  timeS: number;
  fastRoadM: number;
  shortRoadM: number;
  straightM: number;
}

/** Cost of arriving at p through the vertices that lead onto its chain, plus the direct same-chain trip. */
export function tripTo(g: RoadGraph, r: SiteReach, p: SnappedPoint): Trip {
  let timeS = Infinity;
  let fastRoadM = Infinity;
  let shortRoadM = Infinity;
  const len = g.cLength[p.chain]!;
  const at = len > 0 ? p.alongM / len : 0;
  for (let k = g.cEdgeStart[p.chain]!; k < g.cEdgeStart[p.chain + 1]!; k++) {
    const e = g.cEdges[k]!;
    const u = g.eSrc[e]!;
    // Fraction of edge e driven from its source to p.
    const frac = g.eDir[e] === 0 ? at : 1 - at;
    const t = r.timeByVertex[u]! + frac * g.eTime[e]!;
    if (t < timeS) {
      timeS = t;
      fastRoadM = r.fastDistByVertex[u]! + frac * g.eDist[e]!;
    }
    if (r.shortDistByVertex) shortRoadM = Math.min(shortRoadM, r.shortDistByVertex[u]! + frac * g.eDist[e]!);
  }
  const s = r.site.at;
  if (s.chain === p.chain) {
    // Same chain: drive straight along it when a direction allowed at the site leads to p.
    for (let k = g.cEdgeStart[p.chain]!; k < g.cEdgeStart[p.chain + 1]!; k++) {
      const e = g.cEdges[k]!;
      const fwd = g.eDir[e] === 0;
      if (fwd ? !s.allowForward || p.alongM < s.alongM : !s.allowBackward || p.alongM > s.alongM) continue;
      const frac = len > 0 ? Math.abs(p.alongM - s.alongM) / len : 0;
      const t = frac * g.eTime[e]!;
      if (t < timeS) {
        timeS = t;
        fastRoadM = frac * g.eDist[e]!;
      }
      shortRoadM = Math.min(shortRoadM, frac * g.eDist[e]!);
    }
  }
  if (!r.shortDistByVertex) shortRoadM = fastRoadM;
  return { timeS, fastRoadM, shortRoadM, straightM: haversineM(s.lat, s.lon, p.lat, p.lon) };
}
