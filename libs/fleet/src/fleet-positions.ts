import { BucketManyToOne, manyToOne, type ManyToOneResult, type QueryOptions, type RoadGraph, RoutingError, snap, type SnappedPoint } from '@rescue/routing';
import type { LiveUnit } from './live-fleet';

export interface FleetPositionsOptions {
  /** A fix farther than this from any drivable road leaves the unit off the road (ROUTING_SNAP_MAX_M). */
  snapMaxM: number;
  /** Above this speed a fix's heading picks the carriageway (default 5 km/h: below it, GPS headings wander). */
  movingKmh?: number;
}

/** Work done keeping positions current, for the metrics: fixes placed and the time it took. */
export interface PositionUpkeep {
  fixes: number;
  /** Seconds spent snapping fixes. */
  snapS: number;
  /** Seconds spent updating the many-to-one buckets. */
  bucketS: number;
}

/**
 * Where each unit of the live fleet is on the road graph, kept as fixes arrive (the fleet update),
 * not when a call asks: each new fix is snapped once (its heading picks the carriageway of a moving
 * unit, its offset along the road piece is kept), and the many-to-one buckets follow the units that
 * moved. A call then costs only the incident's side of the search (BucketManyToOne). Recommendations,
 * live coverage and dispatch impact read the same positions.
 */
export class FleetPositions {
  /** Per unit: the fix placed, what it was snapped from (lat, lon, heading used or null), and where it landed. */
  private readonly placed = new Map<string, { fixTs: number; lat: number; lon: number; heading: number | null; point: SnappedPoint | null }>();
  private readonly buckets: BucketManyToOne | null;
  private readonly movingKmh: number;
  readonly upkeep: PositionUpkeep = { fixes: 0, snapS: 0, bucketS: 0 };

  constructor(
    private readonly g: RoadGraph,
    private readonly opts: FleetPositionsOptions,
  ) {
    this.buckets = g.ch && g.ch.optimize === 'time' ? new BucketManyToOne(g, g.ch) : null;
    this.movingKmh = opts.movingKmh ?? 5;
  }

  /** The graph the positions are on. */
  get graph(): RoadGraph {
    return this.g;
  }

  /** Bucket structure size (null without a contraction hierarchy: calls then run a plain search). */
  get stats(): { units: number; sourceVertices: number; bucketEntries: number } | null {
    return this.buckets ? { units: this.buckets.size, ...this.buckets.stats } : null;
  }

  /** Take the unit's latest fix (a no-op when it is the one already placed). */
  update(unit: Readonly<LiveUnit>): void {
    this.pointOf(unit);
  }

  /** What is placed for the unit now, whatever fix the fleet holds (null: nothing placed, or off the road). */
  point(unitId: string): SnappedPoint | null {
    return this.placed.get(unitId)?.point ?? null;
  }

  /**
   * The unit's position on the road for its latest fix: null when it has no fix or the fix is too
   * far from any road. Placed now if the fleet update has not placed that fix yet.
   */
  pointOf(unit: Readonly<LiveUnit>): SnappedPoint | null {
    const fix = unit.lastFix;
    const known = this.placed.get(unit.unitId);
    if (!fix) {
      if (known) this.forget(unit.unitId);
      return null;
    }
    if (known && known.fixTs === fix.ts) return known.point;
    // A moving unit's heading picks the carriageway it is on.
    const heading = fix.headingDeg !== null && (fix.speedKmh ?? 0) > this.movingKmh ? fix.headingDeg : null;
    if (known && known.lat === fix.lat && known.lon === fix.lon && known.heading === heading) {
      // Same place, same way (a unit waiting at its station): snapping would give the same point.
      known.fixTs = fix.ts;
      this.upkeep.fixes++;
      return known.point;
    }
    const t0 = performance.now();
    let point: SnappedPoint | null = null;
    try {
      point = snap(this.g, fix.lat, fix.lon, { maxDistanceM: this.opts.snapMaxM, ...(heading === null ? {} : { headingDeg: heading }) });
    } catch (e) {
      if (!(e instanceof RoutingError)) throw e;
    }
    const t1 = performance.now();
    this.buckets?.set(unit.unitId, point);
    this.placed.set(unit.unitId, { fixTs: fix.ts, lat: fix.lat, lon: fix.lon, heading, point });
    this.upkeep.fixes++;
    this.upkeep.snapS += (t1 - t0) / 1000;
    this.upkeep.bucketS += (performance.now() - t1) / 1000;
    return point;
  }

  forget(unitId: string): void {
    this.placed.delete(unitId);
    this.buckets?.set(unitId, null);
  }

  /**
   * Road cost from each unit (by id, aligned with `unitIds`) to the target, from the placed
   * positions: Infinity for a unit not placed, off the road, unreachable or beyond the limits.
   */
  manyToOne(unitIds: readonly string[], target: SnappedPoint, opts: QueryOptions = {}): ManyToOneResult {
    if (this.buckets && (opts.optimize ?? 'time') === 'time') return this.buckets.query(target, unitIds, opts);
    // No hierarchy (or another metric): the plain search from the same placed points.
    const idx: number[] = [];
    const pts: SnappedPoint[] = [];
    unitIds.forEach((id, i) => {
      const p = this.placed.get(id)?.point;
      if (p) (idx.push(i), pts.push(p));
    });
    const r = manyToOne(this.g, pts, target, opts);
    const durationS = new Float64Array(unitIds.length).fill(Infinity);
    const distanceM = new Float64Array(unitIds.length).fill(Infinity);
    idx.forEach((i, k) => ((durationS[i] = r.durationS[k]!), (distanceM[i] = r.distanceM[k]!)));
    return { durationS, distanceM, settled: r.settled };
  }
}
