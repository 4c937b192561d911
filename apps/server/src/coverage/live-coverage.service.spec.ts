import { BadInputError, NotFoundError } from '@rescue/common';
import { FleetPositions, LiveFleet } from '@rescue/fleet';
import { rule, StreetInputs } from './coverage-services.testing';
import { LiveCoverageService } from './live-coverage.service';

const NOW = Date.UTC(2026, 11, 7, 12, 0, 0);

/** A fleet on the street: U0 at p0, U2 at p2, U4 at p4, each with the given status, presence and fix age. */
function fleet(units: Array<{ id: string; lon: number; status: string; online?: boolean; ageS?: number; taskId?: string }>): LiveFleet {
  const f = new LiveFleet();
  f.register(units.map((u) => ({ id: u.id, name: u.id, stationId: null, capabilities: [] })));
  f.apply({
    fixes: units.map((u) => ({ unitId: u.id, ts: NOW - (u.ageS ?? 10) * 1000, lat: 0, lon: u.lon, speedKmh: 0, headingDeg: null })),
    statuses: units.map((u) => ({ unitId: u.id, ts: NOW - 60_000, status: u.status, taskId: u.taskId ?? null })),
    presences: units.map((u) => ({ unitId: u.id, ts: NOW - 60_000, online: u.online ?? true })),
  });
  return f;
}

describe('LiveCoverageService', () => {
  it('without a live fleet the question is refused', () => {
    expect(() => new LiveCoverageService(new StreetInputs(), null).live(rule, NOW)).toThrow(BadInputError);
  });

  // [case, the third unit, counted?]
  it.each<[string, { status: string; online?: boolean; ageS?: number; taskId?: string }, boolean]>([
    ['available at station', { status: 'available_at_station' }, true],
    ['available returning', { status: 'available_returning' }, true],
    ['on a task', { status: 'en_route', taskId: 'T-1' }, false],
    ['in maintenance', { status: 'maintenance' }, false],
    ['terminal offline', { status: 'available_at_station', online: false }, false],
    ['fix stale (300 s, limit 120 s)', { status: 'available_at_station', ageS: 300 }, false],
  ])('the dispatch rule decides who counts: %s', (_case, third, counted) => {
    const f = fleet([
      { id: 'U0', lon: 0, status: 'available_at_station' },
      { id: 'U2', lon: 0.02, status: 'available_at_station' },
      { id: 'U4', lon: 0.04, ...third },
    ]);
    const live = new LiveCoverageService(new StreetInputs(), f).live(rule, NOW);
    expect(live.units.map((u) => u.id)).toEqual(counted ? ['U0', 'U2', 'U4'] : ['U0', 'U2']);
    expect(live.excluded).toEqual(counted ? [] : [{ id: 'U4', reason: 'not available' }]);
    // U0 covers p0 p1, U2 p1..p3, U4 p3 p4 (weights 1..5, total 15): without U4, p4 (5) is uncovered
    expect(live.share).toBeCloseTo(counted ? 1 : 10 / 15, 12);
    expect(live.at).toBe(new Date(NOW).toISOString());
  });

  it('dispatch impact: the share lost by sending a unit; a unit not counted is a 404 with the reason', () => {
    const s = new LiveCoverageService(new StreetInputs(), fleet([
      { id: 'U0', lon: 0, status: 'available_at_station' },
      { id: 'U2', lon: 0.02, status: 'available_at_station' },
      { id: 'U4', lon: 0.04, status: 'off_duty' },
    ]));
    const impact = s.dispatchImpact(rule, 'U2', NOW);
    // U0 covers p0 p1, U2 p1 p2 p3: 10 of 15 now; sending U2 leaves p0 p1, 3 of 15
    expect(impact).toMatchObject({ unit: 'U2', rule: 'h' });
    expect(impact.shareNow).toBeCloseTo(10 / 15, 12);
    expect(impact.shareIfSent).toBeCloseTo(3 / 15, 12);
    expect(() => s.dispatchImpact(rule, 'U4', NOW)).toThrow(new NotFoundError('unit U4 is not counted: not available'));
    expect(() => s.dispatchImpact(rule, 'U9', NOW)).toThrow(NotFoundError);
  });

  it('reads units where the fleet update placed them (FleetPositions), snapping only without them', () => {
    const inputs = new StreetInputs();
    const f = fleet([{ id: 'U0', lon: 0, status: 'available_at_station' }]);
    const positions = new FleetPositions(inputs.graph, { snapMaxM: 50 });
    f.changes.subscribe((u) => positions.update(u));
    // The fleet update places U0 at p4 (as a fix there would); its lat/lon in the view still say p0.
    positions.update({ ...f.inOrder()[0]!, lastFix: { ts: NOW, lat: 0, lon: 0.04, speedKmh: 0, headingDeg: null } });
    const pointOf = jest.fn((u: Parameters<FleetPositions['pointOf']>[0]) => positions.point(u.unitId));
    const viaPositions = new LiveCoverageService(inputs, f, () => ({ graph: inputs.graph, pointOf })).live(rule, NOW);
    expect(pointOf).toHaveBeenCalledTimes(1);
    expect(viaPositions.share).toBeCloseTo(9 / 15, 12); // p3 p4
    expect(new LiveCoverageService(inputs, f).live(rule, NOW).share).toBeCloseTo(3 / 15, 12); // p0 p1, snapped here
  });
});
