import { UNIT_STATUSES, UnitStatus } from '@rescue/contracts';
import { checkTransition, DISPATCHABLE, legalTransitions, TASK_ENDINGS, TASK_STATUSES } from './lifecycle';

// The lifecycle of domain.md §3, written out by hand as the expected table (from → legal targets).
const EXPECTED: Record<UnitStatus, UnitStatus[]> = {
  available_at_station: ['order_received', 'suspended', 'maintenance', 'off_duty'],
  available_returning: ['order_received', 'back_at_station', 'available_at_station', 'suspended', 'maintenance', 'off_duty'],
  back_at_station: ['available_at_station', 'order_received', 'suspended', 'maintenance', 'off_duty'],
  order_received: ['en_route', 'aborted'],
  en_route: ['on_scene', 'aborted'],
  on_scene: ['patient_loaded', 'refused', 'gone_on_arrival', 'dead_not_transported', 'aborted'],
  patient_loaded: ['at_hospital', 'aborted'],
  at_hospital: ['task_complete'],
  task_complete: ['available_returning', 'back_at_station', 'available_at_station'],
  refused: ['available_returning', 'back_at_station', 'available_at_station'],
  gone_on_arrival: ['available_returning', 'back_at_station', 'available_at_station'],
  dead_not_transported: ['available_returning', 'back_at_station', 'available_at_station'],
  aborted: ['available_returning', 'back_at_station', 'available_at_station'],
  suspended: ['available_at_station', 'maintenance', 'off_duty'],
  maintenance: ['available_at_station', 'suspended', 'off_duty'],
  off_duty: ['available_at_station', 'suspended', 'maintenance'],
};

const pairs = UNIT_STATUSES.flatMap((from) => UNIT_STATUSES.filter((to) => to !== from).map((to) => [from, to] as const));

describe('unit lifecycle: every ordered pair of distinct statuses', () => {
  it('the table covers exactly the expected legal transitions', () => {
    const legal = legalTransitions().map(([a, b]) => `${a}>${b}`).sort();
    const expected = Object.entries(EXPECTED).flatMap(([a, bs]) => bs.map((b) => `${a}>${b}`)).sort();
    expect(legal).toEqual(expected);
  });

  it.each(pairs)('%s → %s', (from, to) => {
    const isLegal = EXPECTED[from].includes(to);
    const inTask = TASK_STATUSES.includes(to) || TASK_ENDINGS.includes(to);
    const viaAssignment = to === 'order_received';
    const v = checkTransition({ from, to, activeTaskId: inTask || TASK_STATUSES.includes(from) ? 'T1' : null, taskId: null, viaAssignment });
    expect(v.ok).toBe(isLegal);
    if (!v.ok) expect(v.code).toBe('ILLEGAL_TRANSITION');
  });
});

describe('the order acknowledgement (order_received reported for the active task)', () => {
  it.each<[string, UnitStatus | null, string | null, string | null, string]>([
    ['just after the assignment', 'order_received', 'T1', 'T1', 'ack'],
    ['naming no task', 'order_received', 'T1', null, 'ack'],
    ['late: the unit is already en route', 'en_route', 'T1', 'T1', 'ack'],
    ['late: on scene', 'on_scene', 'T1', null, 'ack'],
    ['for another task', 'order_received', 'T1', 'T2', 'WRONG_TASK'],
    ['without an active task', 'available_at_station', null, 'T1', 'NEEDS_ASSIGNMENT'],
    ['after the task ended', 'task_complete', null, null, 'ILLEGAL_TRANSITION'],
  ])('%s', (_c, from, activeTaskId, taskId, expected) => {
    const v = checkTransition({ from, to: 'order_received', activeTaskId, taskId });
    if (expected === 'ack') expect(v).toEqual({ ok: true, noop: false, startsTask: false, endsTask: false, acknowledges: true });
    else expect(v).toMatchObject({ ok: false, code: expected });
  });
});

describe('lifecycle rules beyond the table', () => {
  it('order_received only through an assignment', () => {
    expect(checkTransition({ from: 'available_at_station', to: 'order_received', activeTaskId: null, taskId: null })).toMatchObject({ ok: false, code: 'NEEDS_ASSIGNMENT' });
    expect(checkTransition({ from: 'available_at_station', to: 'order_received', activeTaskId: null, taskId: 'T1', viaAssignment: true })).toMatchObject({ ok: true, startsTask: true });
  });

  it('a task step needs the unit to hold that task', () => {
    expect(checkTransition({ from: 'order_received', to: 'en_route', activeTaskId: null, taskId: null })).toMatchObject({ ok: false, code: 'NO_ACTIVE_TASK' });
    expect(checkTransition({ from: 'order_received', to: 'en_route', activeTaskId: 'T1', taskId: 'T2' })).toMatchObject({ ok: false, code: 'WRONG_TASK' });
    expect(checkTransition({ from: 'order_received', to: 'en_route', activeTaskId: 'T1', taskId: 'T1' })).toMatchObject({ ok: true, noop: false });
  });

  it('completion and void endings end the task', () => {
    for (const end of ['task_complete', 'refused', 'gone_on_arrival', 'dead_not_transported'] as const) {
      const from = end === 'task_complete' ? 'at_hospital' : 'on_scene';
      expect(checkTransition({ from, to: end, activeTaskId: 'T1', taskId: null })).toMatchObject({ ok: true, endsTask: true });
    }
  });

  it('a repeated report is a no-op, not an error', () => {
    expect(checkTransition({ from: 'en_route', to: 'en_route', activeTaskId: 'T1', taskId: 'T1' })).toMatchObject({ ok: true, noop: true });
  });

  it('a unit with no status yet may start only outside a task', () => {
    expect(checkTransition({ from: null, to: 'available_at_station', activeTaskId: null, taskId: null }).ok).toBe(true);
    expect(checkTransition({ from: null, to: 'on_scene', activeTaskId: null, taskId: null }).ok).toBe(false);
  });

  it('only the three available statuses are dispatchable', () => {
    expect([...DISPATCHABLE].sort()).toEqual(['available_at_station', 'available_returning', 'back_at_station']);
  });
});
