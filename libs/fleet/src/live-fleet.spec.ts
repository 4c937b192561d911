import { LiveFleet, LiveUnit } from './live-fleet';

const T = Date.UTC(2026, 0, 1);
const unit = (over: Partial<LiveUnit> = {}): LiveUnit => ({
  unitId: 'A1', name: null, stationId: 'S1', capabilities: [], status: 'available_at_station', statusTs: T, taskId: null, online: true, lastFix: null, ...over,
});
const fix = (ts: number, lat = 42.5) => ({ unitId: 'A1', ts, lat, lon: 1.5, speedKmh: null, headingDeg: null });

describe('LiveFleet', () => {
  it('advances with newer fixes and ignores late ones', () => {
    const fleet = new LiveFleet();
    fleet.load([unit()]);
    fleet.apply({ fixes: [fix(T + 2000, 42.6), fix(T + 1000, 42.7)], statuses: [], presences: [] });
    expect(fleet.view('A1', T + 2000, 60)!.lastFix!.lat).toBe(42.6);
  });

  it('marks a unit stale after the limit, and one without a fix as stale', () => {
    const fleet = new LiveFleet();
    fleet.load([unit({ lastFix: fix(T) }), unit({ unitId: 'B2' })]);
    expect(fleet.view('A1', T + 60_000, 60)).toMatchObject({ fixAgeS: 60, stale: false });
    expect(fleet.view('A1', T + 61_000, 60)).toMatchObject({ fixAgeS: 61, stale: true });
    expect(fleet.view('B2', T, 60)).toMatchObject({ fixAgeS: null, stale: true });
  });

  it('keeps the newest status and emits each changed unit once per update', () => {
    const fleet = new LiveFleet();
    fleet.load([unit()]);
    const seen: string[] = [];
    fleet.changes.subscribe((u) => seen.push(`${u.unitId}:${u.status}`));
    fleet.apply({
      fixes: [fix(T + 5)],
      statuses: [
        { unitId: 'A1', ts: T + 10, status: 'en_route', taskId: 'T1' },
        { unitId: 'A1', ts: T + 5, status: 'order_received', taskId: 'T1' },
      ],
      presences: [{ unitId: 'C3', ts: T, online: true }],
    });
    expect(fleet.view('A1', T, 60)!.status).toBe('en_route');
    expect(seen.sort()).toEqual(['A1:en_route', 'C3:null']);
  });
});

describe('LiveFleet.register', () => {
  it('fills in registry fields and keeps live state', () => {
    const fleet = new LiveFleet();
    fleet.load([unit({ lastFix: fix(T), name: null })]);
    fleet.register([{ id: 'A1', name: 'Encamp 1', stationId: 'S9', capabilities: ['als'] }]);
    expect(fleet.view('A1', T, 60)).toMatchObject({ name: 'Encamp 1', stationId: 'S9', capabilities: ['als'], lastFix: { ts: T } });
  });
});
