import { UnitTrack } from './unit-track';

/**
 * Per-unit state with a hard cap: beyond maxUnits the least recently seen unit is forgotten (a Map keeps
 * insertion order, so re-inserting on access makes its first key the least recent). A forgotten unit
 * simply starts afresh: its next fix is accepted without a speed check.
 */
export class UnitTracks {
  private readonly tracks = new Map<string, UnitTrack>();

  constructor(
    private readonly maxUnits: number,
    private readonly windowSize: number,
  ) {}

  get size(): number {
    return this.tracks.size;
  }

  /** The unit's track, created if new, marked most recently seen. */
  touch(unitId: string): UnitTrack {
    let t = this.tracks.get(unitId);
    if (t !== undefined) {
      this.tracks.delete(unitId);
    } else {
      t = new UnitTrack(this.windowSize);
      if (this.tracks.size >= this.maxUnits) {
        const oldest = this.tracks.keys().next();
        if (oldest.done !== true) this.tracks.delete(oldest.value);
      }
    }
    this.tracks.set(unitId, t);
    return t;
  }

  has(unitId: string): boolean {
    return this.tracks.has(unitId);
  }
}
