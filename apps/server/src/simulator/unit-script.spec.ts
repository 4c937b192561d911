import { straightLine, type Place, type TripPlanner } from './trip-planner';
import { type ScriptTimes, UnitScript } from './unit-script';

// Straight drives at 36 km/h (10 m/s): distances in metres are tenths of seconds by hand.
const fakePlanner = (near: Place | null): TripPlanner & { plans: Array<[Place, Place]> } => {
  const plans: Array<[Place, Place]> = [];
  return {
    plans,
    plan: (from, to) => {
      plans.push([from, to]);
      return straightLine(from, to, 36);
    },
    roadPointNear: () => near,
  };
};

const TIMES: ScriptTimes = {
  turnoutAtStationS: [60, 60], turnoutOnRoadS: [15, 15], onSceneS: [600, 600], handoverS: [300, 300],
  restockS: [120, 120], parkedS: [600, 600], patrolRadiusM: 1000,
};
const HOME = { lat: 0, lon: 0 };
const INCIDENT = { lat: 0, lon: 0.01 }; // ~1.1 km east
const NEAR_HOSPITAL = { lat: 0, lon: 0.02 };
const FAR_HOSPITAL = { lat: 0, lon: -0.05 };

/** Steps of dt until something is reported (or the limit), collecting everything reported. */
function runUntilReport(s: UnitScript, dt: number, limit = 10_000) {
  for (let i = 0; i < limit; i++) {
    const st = s.step(dt);
    if (st.reports.length) return st;
  }
  throw new Error('nothing reported');
}

describe('UnitScript', () => {
  it('boots at the station reporting 站内待命, then walks a task through the whole loop', () => {
    const planner = fakePlanner(null);
    const s = new UnitScript('AMB-01', HOME, [FAR_HOSPITAL, NEAR_HOSPITAL], planner, () => 0, TIMES);
    s.resume(null, null);
    expect(s.step(1).reports).toEqual([{ status: 'available_at_station', taskId: null }]);
    s.assign('T-1', INCIDENT);
    // turnout from the station: 60 s
    expect(s.step(59).reports).toEqual([]);
    expect(s.step(1).reports).toEqual([{ status: 'en_route', taskId: 'T-1' }]);
    const arrive = runUntilReport(s, 1);
    expect(arrive.reports).toEqual([{ status: 'on_scene', taskId: 'T-1' }]);
    expect(arrive.lon).toBeCloseTo(0.01, 9);
    expect(arrive.speedKmh).toBe(0);
    expect(s.step(599).reports).toEqual([]);
    expect(s.step(1).reports).toEqual([{ status: 'patient_loaded', taskId: 'T-1' }]);
    const hosp = runUntilReport(s, 1);
    expect(hosp.reports).toEqual([{ status: 'at_hospital', taskId: 'T-1' }]);
    expect(hosp.lon).toBeCloseTo(0.02, 9); // the nearer hospital by driving time
    expect(s.step(300).reports).toEqual([
      { status: 'task_complete', taskId: 'T-1' },
      { status: 'available_returning', taskId: null },
    ]);
    expect(s.taskId).toBeNull();
    const home = runUntilReport(s, 1);
    expect(home.reports).toEqual([{ status: 'back_at_station', taskId: null }]);
    expect(home.lon).toBeCloseTo(0, 9);
    expect(s.step(120).reports).toEqual([{ status: 'available_at_station', taskId: null }]);
    expect(s.phaseKind).toBe('parked');
  });

  it('drives at the road speed but never more than maxMoveM per step, heading along the road', () => {
    const s = new UnitScript('AMB-01', HOME, [NEAR_HOSPITAL], fakePlanner(null), () => 0, TIMES);
    s.assign('T-1', INCIDENT);
    s.step(60); // en_route
    const a = s.step(10); // 10 s at 10 m/s
    expect(a.lon * 111_195).toBeCloseTo(100, 0);
    expect(a.headingDeg).toBeCloseTo(90, 6);
    expect(a.speedKmh).toBeCloseTo(36, 6);
    const b = s.step(100, 50); // sped up, but capped at 50 m
    expect((b.lon - a.lon) * 111_195).toBeCloseTo(50, 0);
  });

  it('patrols near the station while idle, still 站内待命, and an assignment on patrol has the short turnout', () => {
    const planner = fakePlanner({ lat: 0.005, lon: 0 });
    const s = new UnitScript('AMB-01', HOME, [NEAR_HOSPITAL], planner, () => 0, TIMES);
    s.resume('available_at_station', null);
    s.step(1); // boot report; first patrol is due at once with rand = 0
    expect(s.phaseKind).toBe('patrol');
    const moving = s.step(30);
    expect(moving.reports).toEqual([]);
    expect(moving.lat).toBeGreaterThan(0);
    expect(moving.headingDeg).toBeCloseTo(0, 6); // north, towards the patrol point
    s.assign('T-2', INCIDENT);
    expect(s.step(14).reports).toEqual([]);
    expect(s.step(1).reports).toEqual([{ status: 'en_route', taskId: 'T-2' }]);
    // the drive starts where the unit stopped, with its heading (to pick the carriageway)
    expect(planner.plans[planner.plans.length - 1]![0]).toMatchObject({ lat: moving.lat, lon: moving.lon, headingDeg: 0 });
  });

  it('heads home when the dispatcher ends the task, and stays put while out of service', () => {
    const s = new UnitScript('AMB-01', HOME, [NEAR_HOSPITAL], fakePlanner({ lat: 0.005, lon: 0 }), () => 0, TIMES);
    s.assign('T-3', INCIDENT);
    s.step(60);
    s.step(20);
    s.taskEndedElsewhere('other-task');
    expect(s.taskId).toBe('T-3');
    s.taskEndedElsewhere('T-3');
    expect(s.step(1).reports).toEqual([{ status: 'available_returning', taskId: null }]);
    expect(runUntilReport(s, 1).reports).toEqual([{ status: 'back_at_station', taskId: null }]);
    s.step(120);
    s.setInService(false);
    for (let i = 0; i < 100; i++) expect(s.step(60)).toMatchObject({ reports: [], speedKmh: 0 });
    expect(s.phaseKind).toBe('off');
    s.setInService(true);
    expect(s.phaseKind).toBe('parked');
  });

  it('resumes a task it was on when the simulator restarted', () => {
    const s = new UnitScript('AMB-01', HOME, [NEAR_HOSPITAL], fakePlanner(null), () => 0, TIMES, { lat: 0, lon: 0.005 });
    s.resume('en_route', { id: 'T-4', incident: INCIDENT });
    expect(s.phaseKind).toBe('to_scene');
    expect(runUntilReport(s, 1).reports).toEqual([{ status: 'on_scene', taskId: 'T-4' }]);
    const t = new UnitScript('AMB-02', HOME, [NEAR_HOSPITAL], fakePlanner(null), () => 0, TIMES);
    t.resume('aborted', null); // already at the station: returning and back in one step, in order
    expect(t.step(1).reports).toEqual([{ status: 'available_returning', taskId: null }, { status: 'back_at_station', taskId: null }]);
    const u = new UnitScript('AMB-03', HOME, [NEAR_HOSPITAL], fakePlanner(null), () => 0, TIMES);
    u.resume('on_scene', null); // its task is gone: boot as available
    expect(u.step(1).reports).toEqual([{ status: 'available_at_station', taskId: null }]);
  });
});
