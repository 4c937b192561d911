import { Observable, Subject } from 'rxjs';

export interface LastFix {
  ts: number;
  lat: number;
  lon: number;
  speedKmh: number | null;
  headingDeg: number | null;
}

export interface LiveUnit {
  unitId: string;
  name: string | null;
  stationId: string | null;
  capabilities: string[];
  status: string | null;
  statusTs: number | null;
  taskId: string | null;
  online: boolean;
  lastFix: LastFix | null;
}

/** A unit as consoles and dispatch see it at one instant. */
export interface UnitView extends LiveUnit {
  /** Seconds since the last fix, or null without one. */
  fixAgeS: number | null;
  /** No fix, or the last one older than the stale limit. */
  stale: boolean;
}

export interface CommittedUpdate {
  fixes: Array<{ unitId: string; ts: number; lat: number; lon: number; speedKmh: number | null; headingDeg: number | null }>;
  statuses: Array<{ unitId: string; ts: number; status: string; taskId: string | null }>;
  presences: Array<{ unitId: string; ts: number; online: boolean }>;
}

/**
 * The live picture of the fleet: rebuilt from the database at start-up, then advanced by what ingest
 * has committed. Late fixes and late statuses never move a unit backwards. Changes are an RxJS stream.
 */
export class LiveFleet {
  private readonly units = new Map<string, LiveUnit>();
  private readonly changed = new Subject<LiveUnit>();
  /** Units in id order, rebuilt only when a unit is added (lists are read far more often). */
  private ordered: LiveUnit[] | null = null;

  /** Each unit whose state changed, after the change. */
  get changes(): Observable<LiveUnit> {
    return this.changed.asObservable();
  }

  load(snapshot: LiveUnit[]): void {
    this.units.clear();
    this.ordered = null;
    for (const u of snapshot) this.units.set(u.unitId, { ...u });
  }

  /** Adds or updates what is known of units from the registry (name, station, capabilities) without touching live state. */
  register(units: Array<{ id: string; name: string | null; stationId: string | null; capabilities: string[] }>): void {
    for (const r of units) {
      const u = this.unit(r.id);
      u.name = r.name;
      u.stationId = r.stationId;
      u.capabilities = [...r.capabilities];
    }
  }

  apply(update: CommittedUpdate): void {
    const touched = new Set<LiveUnit>();
    for (const f of update.fixes) {
      const u = this.unit(f.unitId);
      if (u.lastFix && u.lastFix.ts >= f.ts) continue;
      u.lastFix = { ts: f.ts, lat: f.lat, lon: f.lon, speedKmh: f.speedKmh, headingDeg: f.headingDeg };
      touched.add(u);
    }
    for (const s of update.statuses) {
      const u = this.unit(s.unitId);
      if (u.statusTs !== null && u.statusTs > s.ts) continue;
      u.status = s.status;
      u.statusTs = s.ts;
      u.taskId = s.taskId;
      touched.add(u);
    }
    for (const p of update.presences) {
      const u = this.unit(p.unitId);
      u.online = p.online;
      touched.add(u);
    }
    for (const u of touched) this.changed.next({ ...u });
  }

  view(unitId: string, now: number, staleAfterS: number): UnitView | null {
    const u = this.units.get(unitId);
    return u ? toView(u, now, staleAfterS) : null;
  }

  list(now: number, staleAfterS: number): UnitView[] {
    return this.inOrder().map((u) => toView(u, now, staleAfterS));
  }

  /** Every unit without copying, for hot paths that only read (dispatch ranking). */
  inOrder(): readonly Readonly<LiveUnit>[] {
    this.ordered ??= [...this.units.values()].sort((a, b) => (a.unitId < b.unitId ? -1 : a.unitId > b.unitId ? 1 : 0));
    return this.ordered;
  }

  get size(): number {
    return this.units.size;
  }

  private unit(unitId: string): LiveUnit {
    let u = this.units.get(unitId);
    if (!u) {
      u = { unitId, name: null, stationId: null, capabilities: [], status: null, statusTs: null, taskId: null, online: false, lastFix: null };
      this.units.set(unitId, u);
      this.ordered = null;
    }
    return u;
  }
}

/** Age of the unit's last fix and whether it is stale (no fix, or older than the limit). */
export function freshness(u: Readonly<LiveUnit>, now: number, staleAfterS: number): { fixAgeS: number | null; stale: boolean } {
  const fixAgeS = u.lastFix ? Math.max(0, (now - u.lastFix.ts) / 1000) : null;
  return { fixAgeS, stale: fixAgeS === null || fixAgeS > staleAfterS };
}

export function toView(u: Readonly<LiveUnit>, now: number, staleAfterS: number): UnitView {
  return { ...u, capabilities: [...u.capabilities], lastFix: u.lastFix ? { ...u.lastFix } : null, ...freshness(u, now, staleAfterS) };
}
