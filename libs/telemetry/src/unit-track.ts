import type { Fix } from './types';

/**
 * What the pipeline remembers of one unit: its last accepted fixes, sorted by time, in a fixed-size
 * window (typed arrays: ~400 bytes per unit at the default 16, no per-fix allocation). Used for exact
 * duplicates (same time) and for the speed check against the accepted neighbours in time, which is
 * what lets late, out-of-order re-uploads through: a re-uploaded fix is compared with the fixes just
 * before and after it in time, not with the newest one.
 *
 * When the window is full, the oldest fix is forgotten. A fix older than everything remembered (a
 * blind-area batch hours old) takes the oldest slot instead: so the next fix of the same batch meets it
 * as its predecessor, and a jump inside an old batch is judged against the batch's own neighbours, not
 * only against a fix hours later. The slot holds one such fix at a time (the latest accepted), which
 * costs the window its oldest live fix; duplicates older than the window are left to the storage key
 * (unit, ts), the backstop.
 */
export class UnitTrack {
  private readonly ts: Float64Array;
  private readonly lat: Float64Array;
  private readonly lon: Float64Array;
  count = 0;

  /** Last fix refused as a speed jump, and how many consecutive consistent ones led to it. */
  jumpTs = 0;
  jumpLat = 0;
  jumpLon = 0;
  jumpRun = 0;

  constructor(readonly capacity: number) {
    this.ts = new Float64Array(capacity);
    this.lat = new Float64Array(capacity);
    this.lon = new Float64Array(capacity);
  }

  /** First index whose time is ≥ ts (binary search; count is small but this runs per fix). */
  lowerBound(ts: number): number {
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.ts[mid]! < ts) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  tsAt(i: number): number {
    return this.ts[i]!;
  }
  latAt(i: number): number {
    return this.lat[i]!;
  }
  lonAt(i: number): number {
    return this.lon[i]!;
  }

  /** Remembers an accepted fix (WGS-84), keeping time order and dropping the oldest beyond capacity. */
  remember(fix: Fix): void {
    let i = this.lowerBound(fix.ts);
    if (this.count === this.capacity) {
      if (i > 0) {
        // drop the oldest: shift [1, i) one to the left, insert at i-1
        this.ts.copyWithin(0, 1, i);
        this.lat.copyWithin(0, 1, i);
        this.lon.copyWithin(0, 1, i);
        i -= 1;
      } // else older than all remembered: it replaces the oldest (see the class comment)
    } else {
      this.ts.copyWithin(i + 1, i, this.count);
      this.lat.copyWithin(i + 1, i, this.count);
      this.lon.copyWithin(i + 1, i, this.count);
      this.count += 1;
    }
    this.ts[i] = fix.ts;
    this.lat[i] = fix.lat;
    this.lon[i] = fix.lon;
    this.jumpRun = 0;
  }

  /** Forgets the fix at index i (a remembered neighbour that proved to be the glitch). */
  forget(i: number): void {
    this.ts.copyWithin(i, i + 1, this.count);
    this.lat.copyWithin(i, i + 1, this.count);
    this.lon.copyWithin(i, i + 1, this.count);
    this.count -= 1;
  }

  /** Forgets everything (re-anchoring after the remembered fixes proved to be the outliers). */
  clear(): void {
    this.count = 0;
    this.jumpRun = 0;
  }
}
