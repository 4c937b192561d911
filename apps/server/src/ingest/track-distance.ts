import { distanceM } from '@rescue/telemetry';

/**
 * Metres each fix adds to its unit's distance travelled: the step from the newest earlier fix this
 * worker has seen. A late (re-uploaded) fix adds 0, so the per-minute distance may undercount after an
 * outage but never counts a stretch twice. Memory is bounded by maxUnits (oldest forgotten first).
 */
export class TrackDistance {
  private readonly last = new Map<string, { ts: number; lat: number; lon: number }>();

  constructor(private readonly maxUnits = 100_000) {}

  step(unitId: string, ts: number, lat: number, lon: number): number {
    const prev = this.last.get(unitId);
    if (prev === undefined) {
      this.last.set(unitId, { ts, lat, lon });
      if (this.last.size > this.maxUnits) this.last.delete(this.last.keys().next().value as string);
      return 0;
    }
    if (ts <= prev.ts) return 0;
    const d = distanceM(prev.lat, prev.lon, lat, lon);
    // Updated in place (one fix per message: no garbage) and re-inserted to keep Map order = least
    // recently updated first.
    prev.ts = ts;
    prev.lat = lat;
    prev.lon = lon;
    this.last.delete(unitId);
    this.last.set(unitId, prev);
    return d;
  }
}
