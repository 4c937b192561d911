import { haversineM } from '@rescue/common';

/** A stretch of the route driven at one speed: from the previous piece's end to `untilM` metres along. */
export interface SpeedPiece {
  untilM: number;
  speedMps: number;
}

/** Where a vehicle driving the route is at one moment. */
export interface MoverState {
  lat: number;
  lon: number;
  /** Direction of travel of the current segment, degrees clockwise from north, [0, 360). */
  headingDeg: number;
  /** Road speed of the current piece; 0 once arrived. */
  speedKmh: number;
  /** Metres driven from the start. */
  alongM: number;
  done: boolean;
}

const RAD = Math.PI / 180;

/**
 * Pure: a vehicle driving a LineString ([lon, lat] as GeoJSON) at given speeds. Time t is seconds
 * since departure (simulated time, not wall time). Pieces carry the road speeds of the route's edges,
 * so a unit is slow in the old town and fast on the trunk road, and arrives at the route's ETA;
 * without pieces it drives at the constant speed that takes `durationS`.
 */
export class RouteMover {
  readonly lengthM: number;
  readonly durationS: number;
  private readonly lon: Float64Array;
  private readonly lat: Float64Array;
  /** Metres from the start to coordinate i. */
  private readonly cum: Float64Array;
  private readonly pieces: SpeedPiece[];
  /** Seconds from the start to the beginning of piece i. */
  private readonly pieceT: Float64Array;

  constructor(coords: ReadonlyArray<readonly [number, number]>, opts: { pieces?: SpeedPiece[]; durationS?: number }) {
    if (coords.length === 0) throw new Error('a route needs at least one point');
    // Repeated points would make zero-length segments without a heading: drop them.
    const pts = coords.filter((c, i) => i === 0 || c[0] !== coords[i - 1]![0] || c[1] !== coords[i - 1]![1]);
    if (pts.length === 1) pts.push(pts[0]!);
    this.lon = Float64Array.from(pts, (c) => c[0]);
    this.lat = Float64Array.from(pts, (c) => c[1]);
    this.cum = new Float64Array(pts.length);
    for (let i = 1; i < pts.length; i++) {
      this.cum[i] = this.cum[i - 1]! + haversineM(this.lat[i - 1]!, this.lon[i - 1]!, this.lat[i]!, this.lon[i]!);
    }
    this.lengthM = this.cum[pts.length - 1]!;
    this.pieces = normalisePieces(this.lengthM, opts);
    this.pieceT = new Float64Array(this.pieces.length + 1);
    let from = 0;
    this.pieces.forEach((p, i) => {
      this.pieceT[i + 1] = this.pieceT[i]! + (p.untilM - from) / p.speedMps;
      from = p.untilM;
    });
    this.durationS = this.pieceT[this.pieces.length]!;
  }

  /** Metres driven after t seconds (clamped to the route). */
  distanceAt(t: number): number {
    if (t <= 0) return 0;
    if (t >= this.durationS) return this.lengthM;
    const i = this.pieceIndexByTime(t);
    const start = i === 0 ? 0 : this.pieces[i - 1]!.untilM;
    return Math.min(this.lengthM, start + (t - this.pieceT[i]!) * this.pieces[i]!.speedMps);
  }

  /** Seconds needed to drive the first `m` metres (clamped to the route). */
  timeAt(m: number): number {
    if (m <= 0) return 0;
    if (m >= this.lengthM) return this.durationS;
    const i = this.pieceIndexByDistance(m);
    const start = i === 0 ? 0 : this.pieces[i - 1]!.untilM;
    return this.pieceT[i]! + (m - start) / this.pieces[i]!.speedMps;
  }

  at(t: number): MoverState {
    const d = this.distanceAt(t);
    const done = t >= this.durationS;
    const seg = this.segmentAt(d);
    const segLen = this.cum[seg + 1]! - this.cum[seg]!;
    const f = segLen > 0 ? Math.min(1, Math.max(0, (d - this.cum[seg]!) / segLen)) : 1;
    const lat = this.lat[seg]! + f * (this.lat[seg + 1]! - this.lat[seg]!);
    const lon = this.lon[seg]! + f * (this.lon[seg + 1]! - this.lon[seg]!);
    const speedKmh = done ? 0 : this.pieces[this.pieceIndexByDistance(d)]!.speedMps * 3.6;
    return { lat, lon, headingDeg: this.heading(seg), speedKmh, alongM: d, done };
  }

  /** The segment (coordinate i → i+1) holding distance d; at a shape point the one leaving it, at the end the last. */
  private segmentAt(d: number): number {
    let lo = 0;
    let hi = this.cum.length - 2;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.cum[mid]! <= d) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  private heading(seg: number): number {
    const lat0 = this.lat[seg]!;
    const dy = this.lat[seg + 1]! - lat0;
    const dx = (this.lon[seg + 1]! - this.lon[seg]!) * Math.cos(lat0 * RAD);
    if (dx === 0 && dy === 0) return 0;
    return ((Math.atan2(dx, dy) / RAD) % 360 + 360) % 360;
  }

  private pieceIndexByTime(t: number): number {
    let i = 0;
    while (i < this.pieces.length - 1 && this.pieceT[i + 1]! <= t) i++;
    return i;
  }

  private pieceIndexByDistance(m: number): number {
    let i = 0;
    while (i < this.pieces.length - 1 && this.pieces[i]!.untilM <= m) i++;
    return i;
  }
}

/** Sorted, positive-speed pieces that end exactly at the route's length (the last one stretched or cut). */
function normalisePieces(lengthM: number, opts: { pieces?: SpeedPiece[]; durationS?: number }): SpeedPiece[] {
  const given = (opts.pieces ?? []).filter((p) => p.speedMps > 0 && Number.isFinite(p.speedMps) && p.untilM > 0);
  if (given.length === 0) {
    const d = opts.durationS;
    if (d === undefined || !(d > 0)) {
      if (lengthM > 0) throw new Error('a route needs speed pieces or a positive duration');
      return [{ untilM: 0, speedMps: 1 }];
    }
    return [{ untilM: lengthM, speedMps: lengthM > 0 ? lengthM / d : 1 }];
  }
  const out: SpeedPiece[] = [];
  let from = 0;
  for (const p of given) {
    if (p.untilM <= from) continue;
    const until = Math.min(p.untilM, lengthM);
    out.push({ untilM: until, speedMps: p.speedMps });
    from = until;
    if (from >= lengthM) break;
  }
  if (out.length === 0) return [{ untilM: lengthM, speedMps: given[given.length - 1]!.speedMps }];
  out[out.length - 1] = { ...out[out.length - 1]!, untilM: lengthM };
  return out;
}
