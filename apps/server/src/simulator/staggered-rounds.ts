/**
 * Spreads one round over exactly `slices` calls: call k of a round returns the items from
 * ceil(k·n / slices) up to ceil((k+1)·n / slices), so every item comes up once per `slices` calls, in the
 * same order and at the same point of each round, and no call takes more than ceil(n / slices).
 *
 * The demo simulator steps its fleet this way: real terminals do not report in the same millisecond, and
 * 500 units stepped and published in one timer callback held the server's event loop for 20–60 ms a
 * second (the step, then the broker and ingest taking 500 messages at once), the p99 of every API call.
 */
export class StaggeredRounds<T> {
  private slice = 0;

  constructor(
    private readonly items: readonly T[],
    readonly slices: number,
  ) {
    if (!Number.isInteger(slices) || slices < 1) throw new RangeError(`slices must be a positive integer, got ${slices}`);
  }

  /** The items due in this slice. */
  next(): T[] {
    const n = this.items.length;
    const k = this.slice;
    this.slice = (k + 1) % this.slices;
    return this.items.slice(Math.ceil((k * n) / this.slices), Math.ceil(((k + 1) * n) / this.slices));
  }
}

/** Slices per interval for the simulator: one every ~20 ms, at least one. */
export function slicesFor(intervalMs: number): number {
  return Math.max(1, Math.min(50, Math.floor(intervalMs / 20)));
}
