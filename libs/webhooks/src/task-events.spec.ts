import { newTaskEvents, PositionSampler, statusChangeEvents } from './task-events';

const TASK = {
  id: 'T-1', unitId: 'A1', stationId: 'S1', state: 'active', priority: 1, emergency: true, incident: { lat: 42.5, lon: 1.5 },
  requiredCapabilities: ['ALS'], callTakenAt: Date.UTC(2026, 0, 1, 8, 0, 0), orderReceivedAt: Date.UTC(2026, 0, 1, 8, 1, 0),
};

describe('events of dispatch changes', () => {
  it('an assignment: task.created, task.assigned, unit.status_changed to order_received', () => {
    const ev = newTaskEvents(TASK, 'available_at_station', TASK.orderReceivedAt);
    expect(ev.map((e) => `${e.type} ${e.subject}`)).toEqual(['task.created task:T-1', 'task.assigned task:T-1', 'unit.status_changed unit:A1']);
    expect(ev[2]!.data).toMatchObject({ from: 'available_at_station', to: 'order_received', taskId: 'T-1' });
    expect(ev[0]!.occurredAt).toBe(TASK.callTakenAt);
  });

  it('an unserved request: task.created only', () => {
    expect(newTaskEvents({ ...TASK, unitId: null, state: 'unserved', orderReceivedAt: null }, null, 0).map((e) => e.type)).toEqual(['task.created']);
  });

  it('a task step: task.status_changed and unit.status_changed', () => {
    const ev = statusChangeEvents({ unitId: 'A1', taskId: 'T-1', from: 'order_received', to: 'en_route', ts: 5, source: 'terminal', reason: null });
    expect(ev.map((e) => e.type)).toEqual(['task.status_changed', 'unit.status_changed']);
  });

  it.each(['aborted', 'refused', 'gone_on_arrival', 'dead_not_transported'])('a void ending (%s) adds task.aborted with the reason', (to) => {
    const ev = statusChangeEvents({ unitId: 'A1', taskId: 'T-1', from: 'on_scene', to, ts: 5, source: 'dispatcher', reason: '患者拒绝' });
    expect(ev.map((e) => e.type)).toEqual(['task.status_changed', 'task.aborted', 'unit.status_changed']);
    expect(ev[1]!.data).toMatchObject({ outcome: to, reason: '患者拒绝' });
  });

  it('completion is not an abort', () => {
    expect(statusChangeEvents({ unitId: 'A1', taskId: 'T-1', from: 'at_hospital', to: 'task_complete', ts: 5, source: 'terminal', reason: null }).map((e) => e.type))
      .toEqual(['task.status_changed', 'unit.status_changed']);
  });

  it('a change outside a task: unit.status_changed only', () => {
    expect(statusChangeEvents({ unitId: 'A1', taskId: null, from: 'available_at_station', to: 'off_duty', ts: 5, source: 'dispatcher', reason: null }).map((e) => e.type))
      .toEqual(['unit.status_changed']);
  });
});

describe('PositionSampler', () => {
  const at = (unitId: string, ts: number) => ({ unitId, ts, lat: 1, lon: 2, speedKmh: null, headingDeg: null, status: null, taskId: null });

  it('sends each unit\'s newest fix once, and again only when a newer one came', () => {
    const s = new PositionSampler();
    expect(s.sample([at('A', 1), at('B', 1)]).map((e) => e.subject)).toEqual(['unit:A', 'unit:B']);
    expect(s.sample([at('A', 1), at('B', 2)]).map((e) => e.subject)).toEqual(['unit:B']);
    expect(s.sample([at('A', 0)])).toEqual([]);
  });
});
