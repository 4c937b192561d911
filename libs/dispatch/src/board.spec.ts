import { haversineM } from '@rescue/common';
import { distanceToLineM, orderWaitingCalls, rankHospitals, taskAlerts, taskLeg, taskTimers, type TaskUnitFacts } from './board';

const T0 = Date.UTC(2026, 11, 7, 23, 0, 0);
const min = 60_000;

describe('waiting calls (病情就急, then waiting time)', () => {
  it.each([
    // [calls as id:priority:answered-minute, expected order]
    ['a:2:0 b:1:5 c:1:3', 'c b a'],
    ['a:3:0 b:3:1 c:3:2', 'a b c'],
    ['a:4:0 b:2:9 c:1:9', 'c b a'],
    ['b:2:1 a:2:1', 'a b'], // same priority and time: by id, a total order
  ])('%s → %s', (input, expected) => {
    const calls = input.split(' ').map((s) => {
      const [id, p, m] = s.split(':');
      return { id: id!, priority: Number(p), answeredAt: T0 + Number(m) * min };
    });
    expect(orderWaitingCalls(calls).map((c) => c.id).join(' ')).toBe(expected);
    expect(calls.map((c) => c.id).join(' ')).toBe(input.split(' ').map((s) => s.split(':')[0]).join(' ')); // input untouched
  });
});

describe('task timers and the 3-minute departure alert', () => {
  it.each([
    // ordered after the call, departed?, now → call→dispatch, order→departure, late
    [{ orderedAt: T0 + 90_000, departedAt: null }, T0 + 90_000 + 179_000, 90, 179, false],
    [{ orderedAt: T0 + 90_000, departedAt: null }, T0 + 90_000 + 181_000, 90, 181, true], // still waiting past 3 min
    [{ orderedAt: T0 + 30_000, departedAt: T0 + 30_000 + 120_000 }, T0 + 3_600_000, 30, 120, false], // left in time: the clock stops
    [{ orderedAt: T0 + 30_000, departedAt: T0 + 30_000 + 200_000 }, T0 + 3_600_000, 30, 200, true], // left late: stays flagged
  ])('%j at %d', (t, now, c2d, o2d, late) => {
    const r = taskTimers({ callTakenAt: T0, ...t }, now);
    expect(r.callToDispatchS).toBe(c2d);
    expect(r.orderToDepartureS).toBe(o2d);
    expect(r.departureLate).toBe(late);
    expect(r.departed).toBe(t.departedAt !== null);
  });

  it('a call entered after its order (clock skew) counts zero, never negative', () => {
    expect(taskTimers({ callTakenAt: T0 + 5000, orderedAt: T0, departedAt: null }, T0).callToDispatchS).toBe(0);
  });
});

describe('task alerts', () => {
  const timers = taskTimers({ callTakenAt: T0, orderedAt: T0, departedAt: T0 + 60_000 }, T0 + 600_000);
  const unit = (o: Partial<TaskUnitFacts> = {}): TaskUnitFacts => ({ status: 'en_route', online: true, stale: false, offRouteM: 20, ...o });
  it.each([
    [unit(), []],
    [unit({ stale: true }), ['unit_stale']],
    [unit({ online: false }), ['unit_offline']],
    [unit({ offRouteM: 301 }), ['off_route']],
    [unit({ offRouteM: 300 }), []],
    [unit({ offRouteM: null }), []],
    [unit({ stale: true, online: false, offRouteM: 5000 }), ['unit_stale', 'unit_offline', 'off_route']],
  ])('%j → %j', (u, expected) => {
    expect(taskAlerts(timers, u)).toEqual(expected);
  });
  it('a late departure is an alert of its own', () => {
    const late = taskTimers({ callTakenAt: T0, orderedAt: T0, departedAt: null }, T0 + 4 * min);
    expect(taskAlerts(late, unit({ status: 'order_received' }))).toEqual(['departure_late']);
  });
});

describe('task leg', () => {
  it.each([
    ['order_received', 'to_scene'], ['en_route', 'to_scene'], ['on_scene', null], ['patient_loaded', 'to_hospital'], ['at_hospital', null], [null, null],
  ])('%s → %s', (s, leg) => expect(taskLeg(s)).toBe(leg));
});

describe('distance to a route', () => {
  // a street running east along 42.5°N from 1.50°E to 1.52°E
  const line: Array<[number, number]> = [[1.5, 42.5], [1.51, 42.5], [1.52, 42.5]];
  it('on the line is 0, beside it the perpendicular distance, beyond its end the distance to the end', () => {
    expect(distanceToLineM(42.5, 1.505, line)).toBeLessThan(0.01);
    const beside = distanceToLineM(42.501, 1.505, line);
    expect(Math.abs(beside - haversineM(42.5, 1.505, 42.501, 1.505))).toBeLessThan(0.5); // ≈ 111 m
    const beyond = distanceToLineM(42.5, 1.53, line);
    expect(Math.abs(beyond - haversineM(42.5, 1.52, 42.5, 1.53))).toBeLessThan(1); // ≈ 819 m
  });
  it('no line: infinitely far; one point: the distance to it', () => {
    expect(distanceToLineM(42.5, 1.5, [])).toBe(Infinity);
    expect(Math.abs(distanceToLineM(42.501, 1.5, [[1.5, 42.5]]) - haversineM(42.5, 1.5, 42.501, 1.5))).toBeLessThan(0.5);
  });
});

describe('receiving hospitals', () => {
  const h = (id: string, name: string, caps: string[], etaS: number | null) => ({ id, name, capabilities: caps, etaS });
  const all = [
    h('H1', 'Near general', [], 300),
    h('H2', 'Chest pain and stroke', ['chest-pain', 'stroke'], 900),
    h('H3', 'Trauma', ['trauma', 'chest-pain'], 600),
    h('H4', 'Cut off', ['chest-pain'], null),
  ];
  it('no filter: every reachable hospital, nearest by road first', () => {
    const r = rankHospitals(all, []);
    expect(r.ranked.map((x) => x.id)).toEqual(['H1', 'H3', 'H2']);
    expect(r.excluded).toEqual([{ id: 'H4', reason: 'unreachable' }]);
  });
  it('胸痛中心: only hospitals with it, the others with what they lack', () => {
    const r = rankHospitals(all, ['chest-pain']);
    expect(r.ranked.map((x) => x.id)).toEqual(['H3', 'H2']);
    expect(r.excluded).toEqual([{ id: 'H1', reason: 'lacking_capability', missing: ['chest-pain'] }, { id: 'H4', reason: 'unreachable' }]);
  });
  it('two centres at once, and equal times by name', () => {
    expect(rankHospitals(all, ['chest-pain', 'stroke']).ranked.map((x) => x.id)).toEqual(['H2']);
    expect(rankHospitals([h('B', 'b', [], 100), h('A', 'a', [], 100)], []).ranked.map((x) => x.id)).toEqual(['A', 'B']);
  });
});
