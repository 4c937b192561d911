import type { NamedRoad } from './extract';

const M_PER_DEG = 111_195;
/** Grid cell (degrees of latitude): ~550 m, a few segments per cell in a town. */
const CELL_DEG = 0.005;

export interface NearestRoad {
  name: string;
  wayId: number;
  distanceM: number;
  /** The closest point on the road, WGS-84. */
  lat: number;
  lon: number;
}

/**
 * Segments of the named roads in a uniform grid, for "which road is this point on": the road graph
 * keeps no names, so the geocoder keeps its own. A lookup scans rings of cells outwards until no
 * nearer segment can lie beyond them.
 */
export class RoadIndex {
  /** Per segment: road index and its two ends (lat, lon). */
  private readonly segRoad: Int32Array;
  private readonly seg: Float64Array;
  private readonly cells = new Map<number, number[]>();
  private readonly cosLat: number;

  constructor(private readonly roads: readonly NamedRoad[]) {
    let n = 0, latSum = 0, pts = 0;
    for (const r of roads) {
      n += Math.max(0, r.coords.length / 2 - 1);
      for (let i = 0; i < r.coords.length; i += 2) {
        latSum += r.coords[i]!;
        pts++;
      }
    }
    this.cosLat = Math.cos(((pts > 0 ? latSum / pts : 0) * Math.PI) / 180);
    this.segRoad = new Int32Array(n);
    this.seg = new Float64Array(n * 4);
    let s = 0;
    roads.forEach((r, ri) => {
      for (let i = 0; i + 3 < r.coords.length; i += 2) {
        const a = r.coords.subarray(i, i + 4);
        this.segRoad[s] = ri;
        this.seg.set(a, s * 4);
        // Every cell the segment's box touches (segments are short: one to a few cells).
        const [y0, y1] = [this.cy(Math.min(a[0]!, a[2]!)), this.cy(Math.max(a[0]!, a[2]!))];
        const [x0, x1] = [this.cx(Math.min(a[1]!, a[3]!)), this.cx(Math.max(a[1]!, a[3]!))];
        for (let y = y0; y <= y1; y++) for (let x = x0; x <= x1; x++) {
          const k = key(x, y);
          const c = this.cells.get(k);
          if (c) c.push(s);
          else this.cells.set(k, [s]);
        }
        s++;
      }
    });
  }

  get segments(): number {
    return this.segRoad.length;
  }

  private cy(lat: number): number {
    return Math.floor(lat / CELL_DEG);
  }

  private cx(lon: number): number {
    return Math.floor((lon * this.cosLat) / CELL_DEG);
  }

  /** The nearest named road within maxM metres, or null. */
  nearest(lat: number, lon: number, maxM: number): NearestRoad | null {
    const cy = this.cy(lat), cx = this.cx(lon);
    const cellM = CELL_DEG * M_PER_DEG;
    const maxRing = Math.ceil(maxM / cellM) + 1;
    let best = -1, bestD = Infinity, bestT = 0;
    const seen = new Set<number>();
    for (let ring = 0; ring <= maxRing; ring++) {
      // Everything in rings < `ring` is checked; a segment outside is at least (ring-1) cells away.
      if (best >= 0 && (ring - 1) * cellM > bestD) break;
      for (let y = cy - ring; y <= cy + ring; y++) for (let x = cx - ring; x <= cx + ring; x++) {
        if (Math.max(Math.abs(y - cy), Math.abs(x - cx)) !== ring) continue;
        for (const s of this.cells.get(key(x, y)) ?? []) {
          if (seen.has(s)) continue;
          seen.add(s);
          const { d, t } = this.distance(s, lat, lon);
          if (d < bestD) {
            bestD = d;
            best = s;
            bestT = t;
          }
        }
      }
    }
    if (best < 0 || bestD > maxM) return null;
    const r = this.roads[this.segRoad[best]!]!;
    const o = best * 4;
    const pLat = this.seg[o]! + bestT * (this.seg[o + 2]! - this.seg[o]!);
    const pLon = this.seg[o + 1]! + bestT * (this.seg[o + 3]! - this.seg[o + 1]!);
    return { name: r.name, wayId: r.wayId, distanceM: bestD, lat: pLat, lon: pLon };
  }

  /** Point-to-segment distance on a local flat projection (metres; exact enough below a few km). */
  private distance(s: number, lat: number, lon: number): { d: number; t: number } {
    const o = s * 4;
    const k = M_PER_DEG;
    const kx = M_PER_DEG * Math.cos((lat * Math.PI) / 180);
    const ax = (this.seg[o + 1]! - lon) * kx, ay = (this.seg[o]! - lat) * k;
    const bx = (this.seg[o + 3]! - lon) * kx, by = (this.seg[o + 2]! - lat) * k;
    const dx = bx - ax, dy = by - ay;
    const len2 = dx * dx + dy * dy;
    const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, -(ax * dx + ay * dy) / len2));
    return { d: Math.hypot(ax + t * dx, ay + t * dy), t };
  }
}

function key(x: number, y: number): number {
  // Cells of Earth at 0.005°: |x|, |y| < 72,000, so this pairs them without collision.
  return (y + 100_000) * 300_000 + (x + 150_000);
}
