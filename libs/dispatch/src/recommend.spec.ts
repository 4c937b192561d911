import { seededRandom } from '@rescue/common';
import { FleetPositions, freshness, LiveFleet } from '@rescue/fleet';
import { loadGraph, manyToOne, RoutingError, snap, type SnappedPoint } from '@rescue/routing';
import { dispatchExclusion, type DispatchNeed } from './eligibility';
import { DEFAULT_RANK_POLICY, type Priority, rankCandidates, staleAllowed } from './ranking';
import { recommend, type RecommendContext } from './recommend';

const SNAP_MAX_M = 500;
const STALE_AFTER_S = 120;
const MAX_ETA_S = 2 * 3600;
const CAPS = ['icu', 'neonatal', 'bariatric'];
const STATUSES = ['available_at_station', 'available_returning', 'available_at_station', 'en_route', 'off_duty', 'maintenance'];

/**
 * The full search from the latest fixes, written out independently: every unit's last fix snapped now
 * (heading when moving), eligibility by the dispatch rule, one plain Dijkstra many-to-one, the ranking
 * policy. What the maintained positions and buckets must reproduce exactly, call by call.
 */
function fullSearch(fleet: LiveFleet, g: ReturnType<typeof loadGraph>['graph'], req: { lat: number; lon: number; priority: Priority; requiredCapabilities: string[] }, now: number) {
  const target = snap(g, req.lat, req.lon, { maxDistanceM: SNAP_MAX_M });
  const need: DispatchNeed = { requiredCapabilities: req.requiredCapabilities, staleAfterS: STALE_AFTER_S, staleAllowed: staleAllowed(req.priority, DEFAULT_RANK_POLICY), maxEtaS: MAX_ETA_S };
  const excluded: Array<{ unitId: string; reason: string }> = [];
  const eligible: Array<{ unitId: string; point: SnappedPoint; fixAgeS: number; stale: boolean; atStation: boolean }> = [];
  for (const u of fleet.inOrder()) {
    const { fixAgeS, stale } = freshness(u, now, STALE_AFTER_S);
    const facts = { status: u.status, taskId: u.taskId, online: u.online, capabilities: u.capabilities, fixAgeS };
    const why = dispatchExclusion(facts, need);
    if (why) {
      excluded.push({ unitId: u.unitId, reason: why.reason });
      continue;
    }
    const fix = u.lastFix!;
    const moving = fix.headingDeg !== null && (fix.speedKmh ?? 0) > 5;
    let point: SnappedPoint;
    try {
      point = snap(g, fix.lat, fix.lon, { maxDistanceM: SNAP_MAX_M, ...(moving ? { headingDeg: fix.headingDeg! } : {}) });
    } catch (e) {
      if (!(e instanceof RoutingError)) throw e;
      excluded.push({ unitId: u.unitId, reason: 'unreachable' });
      continue;
    }
    eligible.push({ unitId: u.unitId, point, fixAgeS: fixAgeS!, stale, atStation: u.status === 'available_at_station' });
  }
  const times = manyToOne(g, eligible.map((e) => e.point), target, { maxTimeS: MAX_ETA_S });
  const reachable = eligible.flatMap((e, i) => {
    const etaS = times.durationS[i]!;
    if (!Number.isFinite(etaS)) {
      excluded.push({ unitId: e.unitId, reason: 'unreachable' });
      return [];
    }
    return [{ ...e, etaS }];
  });
  return { ranked: rankCandidates(reachable, DEFAULT_RANK_POLICY), excluded };
}

describe('recommend() on positions kept by the fleet update', () => {
  const { graph: g } = loadGraph('data/osm/andorra.osm.pbf', { cacheDir: null });

  it('ranks exactly as a full search from the latest fixes, on every call of a randomized run', () => {
    const rand = seededRandom(19);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
    const fleet = new LiveFleet();
    const positions = new FleetPositions(g, { snapMaxM: SNAP_MAX_M });
    fleet.changes.subscribe((u) => positions.update(u)); // as FleetPositionsService wires it
    const ctx: RecommendContext = {
      fleet, positions, snapIncident: (lat, lon) => snap(g, lat, lon, { maxDistanceM: SNAP_MAX_M }), staleAfterS: STALE_AFTER_S, policy: DEFAULT_RANK_POLICY,
    };

    const UNITS = 60;
    const ids = Array.from({ length: UNITS }, (_, i) => `A${String(i).padStart(3, '0')}`);
    fleet.register(ids.map((id) => ({ id, name: id, stationId: `S${id.slice(-1)}`, capabilities: CAPS.filter(() => rand() < 0.4) })));
    const vertexPoint = (): [number, number] => {
      const v = Math.floor(rand() * g.vertexCount);
      return [g.vLat[v]!, g.vLon[v]!];
    };
    const at = new Map(ids.map((id) => [id, vertexPoint()]));
    const silentUntil = new Map<string, number>();
    let now = Date.UTC(2026, 11, 7, 23, 0, 0);
    let calls = 0, compared = 0, staleSeen = 0, offRoadSeen = 0, capsAsked = 0;
    for (let step = 0; step < 80; step++) {
      now += Math.floor(1000 + rand() * 20_000);
      const fixes = [], statuses = [], presences = [];
      for (const id of ids) {
        // Most units report; some fall silent for a while (stale), a few report far off the road.
        if (rand() < 0.03) silentUntil.set(id, step + 6 + Math.floor(rand() * 10)); // terminal quiet for minutes: stale
        if (rand() < 0.75 && (silentUntil.get(id) ?? -1) < step) {
          const [lat, lon] = rand() < 0.1 ? vertexPoint() : at.get(id)!;
          // Parked (the same lat/lon again), driving on (tens of metres), or far off the road.
          const off = rand() < 0.25 ? 0 : rand() < 0.03 ? 0.05 : 4e-4;
          const p: [number, number] = [lat + (rand() - 0.5) * off, lon + (rand() - 0.5) * off];
          if (off < 0.01) at.set(id, p);
          const moving = rand() < 0.6;
          fixes.push({ unitId: id, ts: now - Math.floor(rand() * 3000), lat: p[0], lon: p[1], speedKmh: moving ? 20 + rand() * 60 : 0, headingDeg: moving || rand() < 0.5 ? rand() * 360 : null });
        }
        if (rand() < 0.15) {
          const status = pick(STATUSES);
          statuses.push({ unitId: id, ts: now, status, taskId: status === 'en_route' ? `T${step}` : null });
        }
        if (rand() < 0.05) presences.push({ unitId: id, ts: now, online: rand() < 0.8 });
        else if (step === 0) presences.push({ unitId: id, ts: now, online: true });
      }
      fleet.apply({ fixes, statuses, presences });
      if (step === 30) fleet.register([{ id: 'A000', name: 'A000', stationId: 'S0', capabilities: ['icu'] }]); // registry edit mid-run

      for (let k = 0; k < 2; k++) {
        const [lat, lon] = vertexPoint();
        const req = {
          lat, lon, priority: (1 + Math.floor(rand() * 4)) as Priority,
          requiredCapabilities: rand() < 0.3 ? [pick(CAPS)] : [], limit: rand() < 0.5 ? UNITS : 1 + Math.floor(rand() * 5),
        };
        const callAt = now + Math.floor(rand() * 5000);
        const got = recommend(ctx, req, callAt);
        const want = fullSearch(fleet, g, req, callAt);
        calls++;
        capsAsked += req.requiredCapabilities.length > 0 ? 1 : 0;
        staleSeen += got.excluded.filter((e) => e.reason === 'stale').length + got.candidates.filter((c) => c.stale).length;
        offRoadSeen += got.excluded.filter((e) => e.detail.includes('too far from any road')).length;
        expect(got.candidates.map((c) => c.unitId)).toEqual(want.ranked.slice(0, req.limit).map((c) => c.unitId));
        got.candidates.forEach((c, i) => expect(Math.abs(c.etaS - want.ranked[i]!.etaS)).toBeLessThanOrEqual(1e-9 * Math.max(1, c.etaS)));
        expect(got.ranked).toBe(want.ranked.length);
        expect(got.excluded.map((e) => [e.unitId, e.reason]).sort()).toEqual(want.excluded.map((e) => [e.unitId, e.reason]).sort());
        compared += got.candidates.length;
      }
    }
    // The run exercised what it claims to.
    expect(calls).toBe(160);
    expect(compared).toBeGreaterThan(500);
    expect(staleSeen).toBeGreaterThan(10);
    expect(offRoadSeen).toBeGreaterThan(0);
    expect(capsAsked).toBeGreaterThan(20);
    expect(positions.stats!.units).toBeGreaterThan(0);
  });
});
