import { haversineM } from '@rescue/common';
import { edgeOnMainNetwork, type RoadGraph, route, RoutingError, snap, type SnappedPoint } from '@rescue/routing';
import { RouteMover, type SpeedPiece } from './route-mover';

export interface Place {
  lat: number;
  lon: number;
}

/** What a simulated unit asks of the road network. Implemented on the loaded graph; faked in specs. */
export interface TripPlanner {
  /** A drive from a position (with heading when moving: picks the carriageway) to a place. Never fails: off the network it drives straight. */
  plan(from: Place & { headingDeg?: number }, to: Place): RouteMover;
  /** A random drivable point (on the main network) within radiusM of a place, or null when none was found. */
  roadPointNear(at: Place, radiusM: number, rand: () => number): Place | null;
  /** Where units of a station park: the station, or a nearby road point on the main network. */
  parkingFor?(station: Place): Place;
}

/** Speed for the few metres between a road and a station yard or a point off the network (walking pace of a vehicle in a yard). */
const YARD_KMH = 10;
/** Off the network (a station the extract does not cover) a unit drives straight at this speed, as the old demo did. */
const STRAIGHT_KMH = 40;
/** A target this close to its road is driven into (a station yard); farther ones are reached on the road (the crew walks). */
const YARD_MAX_M = 50;

/**
 * Trips on the road graph: snap both ends, fastest route, then the route's own edge speeds as pieces
 * so the mover paces the drive like the ETA that dispatch promised.
 */
export class GraphTripPlanner implements TripPlanner {
  constructor(
    private readonly g: RoadGraph,
    private readonly snapMaxM: number,
  ) {}

  plan(from: Place & { headingDeg?: number }, to: Place): RouteMover {
    try {
      return this.roadTrip(from, to, from, to);
    } catch (e) {
      if (!(e instanceof RoutingError)) throw e;
      if (e.code === 'UNREACHABLE') {
        // One end lies on a road piece cut off from the other: drive between the nearest connected road
        // points instead (the last metres on foot or through the yard, as withEnds decides). Since snap
        // keeps to the main network by default this should not happen; kept as a safety net.
        const a = this.parkingFor(from);
        const b = this.parkingFor(to);
        try {
          return this.roadTrip(from, to, a, b);
        } catch (e2) {
          if (!(e2 instanceof RoutingError)) throw e2;
        }
      }
      return straightLine(from, to, STRAIGHT_KMH);
    }
  }

  /** The fastest road trip between the roads nearest `snapFrom`/`snapTo`, joined to the real `from`/`to`. */
  private roadTrip(from: Place, to: Place, snapFrom: Place & { headingDeg?: number }, snapTo: Place): RouteMover {
    const a = this.snapMoving(snapFrom);
    const b = snap(this.g, snapTo.lat, snapTo.lon, { maxDistanceM: this.snapMaxM });
    const r = route(this.g, a, b, { optimize: 'time' });
    const coords = r.geometry.coordinates.map((c): [number, number] => [c[0], c[1]]);
    const pieces = speedPieces(this.g, coords, r.edges, a, b, r.distanceM, r.durationS);
    return withEnds(coords, pieces, from, to);
  }

  roadPointNear(at: Place, radiusM: number, rand: () => number): Place | null {
    for (let attempt = 0; attempt < 8; attempt++) {
      const r = radiusM * Math.sqrt(rand());
      const a = 2 * Math.PI * rand();
      const lat = at.lat + (r * Math.cos(a)) / 111_320;
      const lon = at.lon + (r * Math.sin(a)) / (111_320 * Math.cos((at.lat * Math.PI) / 180));
      const p = this.connected(lat, lon); // null on a mountainside or a cut-off piece: try another point
      if (p) return { lat: p.snappedLat, lon: p.snappedLon };
    }
    return null;
  }

  /**
   * The place itself when its nearest road belongs to the main network (largest strongly connected
   * part of the graph), else the nearest road point within 200 m that does. Some points snap to a road
   * piece cut off from the rest (Sant Julià's centre in the shipped extract), from where no route leads
   * anywhere: a station there parks its units on the connected road, a trip there ends on it.
   */
  parkingFor(place: Place): Place {
    if (this.connected(place.lat, place.lon)) return place;
    const mPerDegLon = 111_320 * Math.cos((place.lat * Math.PI) / 180);
    for (const r of [20, 40, 70, 100, 150, 200]) {
      let best: { p: SnappedPoint; d: number } | null = null;
      for (let k = 0; k < 16; k++) {
        const b = (2 * Math.PI * k) / 16;
        const p = this.connected(place.lat + (r * Math.cos(b)) / 111_320, place.lon + (r * Math.sin(b)) / mPerDegLon);
        const d = p ? haversineM(place.lat, place.lon, p.snappedLat, p.snappedLon) : Infinity;
        if (p && (!best || d < best.d)) best = { p, d };
      }
      if (best) return { lat: best.p.snappedLat, lon: best.p.snappedLon };
    }
    return place;
  }

  /**
   * The snapped point if the nearest road piece is on the main network, else null. Snaps with network
   * 'any' on purpose: by default the library already skips cut-off pieces (and would return the main
   * road farther away), but here the question is whether the *nearest* road is connected. The main
   * network flag (graph.vComp, largest strongly connected component) is computed by the library.
   */
  private connected(lat: number, lon: number): SnappedPoint | null {
    let p: SnappedPoint;
    try {
      p = snap(this.g, lat, lon, { maxDistanceM: this.snapMaxM, network: 'any' });
    } catch (e) {
      if (e instanceof RoutingError) return null;
      throw e;
    }
    for (let i = this.g.cEdgeStart[p.chain]!; i < this.g.cEdgeStart[p.chain + 1]!; i++) {
      if (edgeOnMainNetwork(this.g, this.g.cEdges[i]!)) return p;
    }
    return null;
  }

  /** A moving unit snaps to the carriageway it drives on; if its heading fits none nearby, to the nearest road. */
  private snapMoving(p: Place & { headingDeg?: number }): SnappedPoint {
    if (p.headingDeg !== undefined) {
      try {
        return snap(this.g, p.lat, p.lon, { maxDistanceM: this.snapMaxM, headingDeg: p.headingDeg });
      } catch (e) {
        if (!(e instanceof RoutingError)) throw e;
      }
    }
    return snap(this.g, p.lat, p.lon, { maxDistanceM: this.snapMaxM });
  }
}

/**
 * The route's geometry cut at its vertices, each stretch at the speed of the edge driven there
 * (eDist/eTime of the profile), the partial first and last stretches at their road's speed. The
 * geometry passes exactly through each vertex, which is how edges are found in it. If that ever
 * fails, one piece at the route's mean speed (still its ETA).
 */
export function speedPieces(
  g: RoadGraph, coords: [number, number][], edges: number[], from: SnappedPoint, to: SnappedPoint, distanceM: number, durationS: number,
): SpeedPiece[] {
  const mean: SpeedPiece[] = durationS > 0 ? [{ untilM: Number.MAX_VALUE, speedMps: distanceM / durationS }] : [];
  if (edges.length === 0) {
    const v = chainSpeed(g, from.chain);
    return v > 0 ? [{ untilM: Number.MAX_VALUE, speedMps: v }] : mean;
  }
  const cum = [0];
  for (let i = 1; i < coords.length; i++) cum.push(cum[i - 1]! + haversineM(coords[i - 1]![1], coords[i - 1]![0], coords[i]![1], coords[i]![0]));
  const find = (v: number, fromIdx: number): number => {
    for (let i = fromIdx; i < coords.length; i++) if (coords[i]![0] === g.vLon[v] && coords[i]![1] === g.vLat[v]) return i;
    return -1;
  };
  const pieces: SpeedPiece[] = [];
  let idx = find(g.eSrc[edges[0]!]!, 0);
  if (idx < 0) return mean;
  pieces.push({ untilM: cum[idx]!, speedMps: chainSpeed(g, from.chain) });
  for (const e of edges) {
    const next = find(g.eDst[e]!, idx + 1);
    if (next < 0) return mean;
    pieces.push({ untilM: cum[next]!, speedMps: g.eDist[e]! / g.eTime[e]! });
    idx = next;
  }
  pieces.push({ untilM: Number.MAX_VALUE, speedMps: chainSpeed(g, to.chain) });
  return pieces.filter((p) => p.speedMps > 0 && Number.isFinite(p.speedMps));
}

/** Profile speed of a road piece (m/s), from its first directed edge; 0 when it has none. */
function chainSpeed(g: RoadGraph, c: number): number {
  const i = g.cEdgeStart[c]!;
  if (i >= g.cEdgeStart[c + 1]!) return 0;
  const e = g.cEdges[i]!;
  return g.eTime[e]! > 0 ? g.eDist[e]! / g.eTime[e]! : 0;
}

/** The unit's own position joins the road at yard speed, and a target near its road (a station) is driven into. */
function withEnds(coords: [number, number][], pieces: SpeedPiece[], from: Place, to: Place): RouteMover {
  const yard = YARD_KMH / 3.6;
  const out: SpeedPiece[] = [];
  let offset = 0;
  const first = coords[0]!;
  const lead = haversineM(from.lat, from.lon, first[1], first[0]);
  const path = [...coords];
  if (lead > 1) {
    path.unshift([from.lon, from.lat]);
    out.push({ untilM: lead, speedMps: yard });
    offset = lead;
  }
  for (const p of pieces) out.push({ untilM: p.untilM === Number.MAX_VALUE ? p.untilM : p.untilM + offset, speedMps: p.speedMps });
  const last = coords[coords.length - 1]!;
  const tail = haversineM(last[1], last[0], to.lat, to.lon);
  if (tail > 1 && tail <= YARD_MAX_M) {
    const roadEnd = offset + lengthOf(coords);
    const lastRoad = out.pop();
    if (lastRoad) out.push({ untilM: roadEnd, speedMps: lastRoad.speedMps });
    path.push([to.lon, to.lat]);
    out.push({ untilM: Number.MAX_VALUE, speedMps: yard });
  }
  return new RouteMover(path, { pieces: out });
}

function lengthOf(coords: [number, number][]): number {
  let m = 0;
  for (let i = 1; i < coords.length; i++) m += haversineM(coords[i - 1]![1], coords[i - 1]![0], coords[i]![1], coords[i]![0]);
  return m;
}

export function straightLine(from: Place, to: Place, speedKmh: number): RouteMover {
  return new RouteMover([[from.lon, from.lat], [to.lon, to.lat]], { pieces: [{ untilM: Number.MAX_VALUE, speedMps: speedKmh / 3.6 }] });
}
