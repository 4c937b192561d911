import type { RoadGraph } from '../graph';
import { matchTrack } from '../matching/match';
import { traversalProblem } from './evidence';
import { SpeedModel, type SpeedEvidence, type TripKind } from './speed-model';

/** What incremental matching needs from storage (libs/persistence EdgeSpeedsRepository provides it). */
export interface TrackStore {
  unitsToMatch(graphKey: string): Promise<{ unitId: string; after: number | null; lastFix: number }[]>;
  fixesAfter(unitId: string, after: number | null, limit: number): Promise<{ ts: number; lat: number; lon: number }[]>;
  emergencyIntervals(unitId: string, from: number, to: number): Promise<[number, number][]>;
  saveMatched(graphKey: string, unitId: string, rows: readonly TraversalRecord[], cursor: number): Promise<void>;
}

export interface TraversalRecord {
  unitId: string;
  enterTs: number;
  edge: number;
  wayId: number;
  kind: TripKind;
  distanceM: number;
  durationS: number;
}

/** Edge ids hold only for one build of one extract with one profile: learned data is keyed by it. */
export function graphKey(g: RoadGraph): string {
  return `${g.meta.sourceSha256.slice(0, 16)}:${g.meta.profileKey}:v${g.meta.formatVersion}`;
}

export interface IncrementalOptions {
  /** Now, epoch ms (a trip still going on is left for the next run). */
  now: number;
  /** A pause longer than this ends a trip (default 5 min). */
  tripGapMs?: number;
  /** At most this many fixes per unit per run (default 20,000); the rest wait for the next run. */
  maxFixesPerUnit?: number;
  /** Progress line per unit (for CLIs and logs). */
  onUnit?: (u: { unitId: string; fixes: number; trips: number; traversals: number }) => void;
}

export interface IncrementalReport {
  units: number;
  fixes: number;
  trips: number;
  traversals: number;
  /** Fixes the matcher left out (no road near, outliers). */
  unmatchedFixes: number;
  /** Traversals not kept as evidence, by reason (partial, untimed, implausible_speed…). */
  skipped: Record<string, number>;
  elapsedMs: number;
}

const MATCH_CHUNK = 5000;

/**
 * Match every unit's fixes stored since its cursor: split into trips at pauses, leave a trip that may
 * still be going on for the next run, match each closed trip, keep whole timed traversals (emergency
 * when inside one of the unit's en-route intervals), save them and move the cursor in one step.
 */
export async function matchNewFixes(g: RoadGraph, store: TrackStore, opts: IncrementalOptions): Promise<IncrementalReport> {
  const t0 = performance.now();
  const key = graphKey(g);
  const gap = opts.tripGapMs ?? 5 * 60000;
  const limit = opts.maxFixesPerUnit ?? 20000;
  const report: IncrementalReport = { units: 0, fixes: 0, trips: 0, traversals: 0, unmatchedFixes: 0, skipped: {}, elapsedMs: 0 };
  for (const u of await store.unitsToMatch(key)) {
    const fixes = await store.fixesAfter(u.unitId, u.after, limit);
    if (fixes.length === 0) continue;
    const trips: (typeof fixes)[] = [];
    let cur: typeof fixes = [];
    for (const f of fixes) {
      if (cur.length > 0 && f.ts - cur[cur.length - 1]!.ts > gap) {
        trips.push(cur);
        cur = [];
      }
      cur.push(f);
    }
    // The last trip is closed if the unit has been quiet for a gap since; a run that hit the fix
    // limit takes it anyway when it is the only one (or a very long trip would never be matched).
    const lastTs = cur[cur.length - 1]!.ts;
    if (opts.now - lastTs > gap || (trips.length === 0 && fixes.length >= limit)) trips.push(cur);
    if (trips.length === 0) continue;
    const from = trips[0]![0]!.ts;
    const cursor = trips[trips.length - 1]![trips[trips.length - 1]!.length - 1]!.ts;
    const intervals = await store.emergencyIntervals(u.unitId, from, cursor);
    const kindAt = (t: number): TripKind => (intervals.some(([a, b]) => t >= a && t <= b) ? 'emergency' : 'other');
    const rows: TraversalRecord[] = [];
    let n = 0;
    for (const trip of trips) {
      n += trip.length;
      for (let i = 0; i < trip.length; i += MATCH_CHUNK) {
        const part = trip.slice(i, i + MATCH_CHUNK);
        if (part.length < 2) continue;
        const m = matchTrack(g, part);
        report.unmatchedFixes += m.unmatched.length;
        for (const s of m.segments) {
          for (const t of s.edges) {
            const why = traversalProblem(t);
            if (why !== null) {
              report.skipped[why] = (report.skipped[why] ?? 0) + 1;
              continue;
            }
            rows.push({ unitId: u.unitId, enterTs: t.enterTs!, edge: t.edge, wayId: t.wayId, kind: kindAt(t.enterTs!), distanceM: t.distanceM, durationS: t.durationS! });
          }
        }
      }
    }
    await store.saveMatched(key, u.unitId, rows, cursor);
    report.units++;
    report.fixes += n;
    report.trips += trips.length;
    report.traversals += rows.length;
    opts.onUnit?.({ unitId: u.unitId, fixes: n, trips: trips.length, traversals: rows.length });
  }
  report.elapsedMs = performance.now() - t0;
  return report;
}

/** What building a model version needs from storage. */
export interface ModelStore {
  hourlyEvidence(graphKey: string, from: number, to: number, utcOffsetMin: number): Promise<SpeedEvidence[]>;
  saveModel(
    v: { graphKey: string; evidenceFrom: number | null; evidenceTo: number | null; traversals: number; coverage: Record<string, unknown>; params: Record<string, unknown> },
    evidence: readonly SpeedEvidence[],
  ): Promise<number>;
}

/** Build and store a new model version from the evidence of [from, to); returns it with its coverage. */
export async function buildModelVersion(g: RoadGraph, store: ModelStore, o: { from: number; to: number; utcOffsetMin: number; priorTraversals?: number }): Promise<{ version: number; model: SpeedModel; coverage: Record<TripKind, ReturnType<SpeedModel['coverage']>>; traversals: number }> {
  const key = graphKey(g);
  const evidence = await store.hourlyEvidence(key, o.from, o.to, o.utcOffsetMin);
  const model = new SpeedModel(g, evidence, { priorTraversals: o.priorTraversals ?? 3 });
  const coverage = { emergency: model.coverage('emergency'), other: model.coverage('other') };
  const traversals = evidence.reduce((a, e) => a + e.traversals, 0);
  const version = await store.saveModel(
    { graphKey: key, evidenceFrom: o.from, evidenceTo: o.to, traversals, coverage: { ...coverage, fleetRatio: model.fleetRatio }, params: { priorTraversals: o.priorTraversals ?? 3, utcOffsetMin: o.utcOffsetMin, slots: 'hour-of-week > weekday/weekend hour > all-day > fleet ratio × static' } },
    evidence,
  );
  return { version, model, coverage, traversals };
}
