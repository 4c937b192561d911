import { TASK_ENDINGS } from '@rescue/dispatch';
import type { EventDraft } from './events';

/** What the outbox is told of a new task (the dispatch lifecycle's TaskRow, the fields events carry). */
export interface NewTask {
  id: string;
  unitId: string | null;
  stationId: string | null;
  state: string;
  priority: number;
  emergency: boolean;
  incident: { lat: number; lon: number };
  requiredCapabilities: string[];
  callTakenAt: number;
  orderReceivedAt: number | null;
}

/** task.created, and with a unit task.assigned and the unit's unit.status_changed, for one new task. */
export function newTaskEvents(t: NewTask, unitFrom: string | null, now: number): EventDraft[] {
  const subject = `task:${t.id}`;
  const out: EventDraft[] = [{
    type: 'task.created', subject, occurredAt: t.callTakenAt,
    data: {
      taskId: t.id, state: t.state, priority: t.priority, emergency: t.emergency, incident: { lat: t.incident.lat, lon: t.incident.lon },
      requiredCapabilities: t.requiredCapabilities, callTakenAt: iso(t.callTakenAt), unitId: t.unitId,
    },
  }];
  if (t.unitId) {
    out.push({ type: 'task.assigned', subject, occurredAt: now, data: { taskId: t.id, unitId: t.unitId, stationId: t.stationId, orderReceivedAt: iso(t.orderReceivedAt ?? now) } });
    out.push(unitStatusEvent({ unitId: t.unitId, taskId: t.id, from: unitFrom, to: 'order_received', ts: now, source: 'dispatcher', reason: null }));
  }
  return out;
}

export interface StatusChange {
  unitId: string;
  /** The task the change belongs to, or null outside a task. */
  taskId: string | null;
  from: string | null;
  to: string;
  ts: number;
  source: 'terminal' | 'dispatcher';
  reason: string | null;
}

/**
 * A unit's status change: unit.status_changed always; within a task also task.status_changed, and
 * when the task ends void (aborted, refused, gone on arrival, dead not transported) task.aborted.
 */
export function statusChangeEvents(c: StatusChange): EventDraft[] {
  const out: EventDraft[] = [];
  if (c.taskId) {
    const data = { taskId: c.taskId, unitId: c.unitId, from: c.from, to: c.to, ts: iso(c.ts), source: c.source, reason: c.reason };
    out.push({ type: 'task.status_changed', subject: `task:${c.taskId}`, occurredAt: c.ts, data });
    if (TASK_ENDINGS.includes(c.to as never) && c.to !== 'task_complete') {
      out.push({ type: 'task.aborted', subject: `task:${c.taskId}`, occurredAt: c.ts, data: { taskId: c.taskId, unitId: c.unitId, outcome: c.to, reason: c.reason, ts: iso(c.ts), source: c.source } });
    }
  }
  out.push(unitStatusEvent(c));
  return out;
}

function unitStatusEvent(c: StatusChange): EventDraft {
  return {
    type: 'unit.status_changed', subject: `unit:${c.unitId}`, occurredAt: c.ts,
    data: { unitId: c.unitId, from: c.from, to: c.to, taskId: c.taskId, ts: iso(c.ts), source: c.source, reason: c.reason },
  };
}

export interface HospitalChoice {
  taskId: string;
  hospitalId: string;
  hospitalName: string;
  unitId: string | null;
  /** Road ETA of the unit to the hospital when chosen, seconds (null: unknown). */
  etaS: number | null;
  /** When it was chosen (ms). */
  ts: number;
  /** The hospital chosen before, when the choice changed. */
  previousHospitalId?: string | null;
}

/**
 * task.hospital_assigned, for the task board to emit in the transaction that stores the choice:
 * `await tx.emit(hospitalAssignedEvent({ taskId, hospitalId, hospitalName, unitId, etaS, ts: now }))`.
 */
export function hospitalAssignedEvent(h: HospitalChoice): EventDraft {
  return {
    type: 'task.hospital_assigned', subject: `task:${h.taskId}`, occurredAt: h.ts,
    data: { taskId: h.taskId, hospitalId: h.hospitalId, hospitalName: h.hospitalName, unitId: h.unitId, etaS: h.etaS, ts: iso(h.ts), previousHospitalId: h.previousHospitalId ?? null },
  };
}

export interface PositionSample {
  unitId: string;
  ts: number;
  lat: number;
  lon: number;
  speedKmh: number | null;
  headingDeg: number | null;
  status: string | null;
  taskId: string | null;
}

export function positionEvent(p: PositionSample): EventDraft {
  return {
    type: 'unit.position', subject: `unit:${p.unitId}`, occurredAt: p.ts,
    data: { unitId: p.unitId, ts: iso(p.ts), lat: p.lat, lon: p.lon, crs: 'WGS84', speedKmh: p.speedKmh, headingDeg: p.headingDeg, status: p.status, taskId: p.taskId },
  };
}

/**
 * Positions out at a rate, not every fix: of each unit, the newest fix when it is newer than the one
 * last sent. Keeps what it sent per unit (bounded by the fleet's size).
 */
export class PositionSampler {
  private readonly lastSent = new Map<string, number>();

  sample(units: Iterable<PositionSample>): EventDraft[] {
    const out: EventDraft[] = [];
    for (const u of units) {
      const prev = this.lastSent.get(u.unitId);
      if (prev !== undefined && prev >= u.ts) continue;
      this.lastSent.set(u.unitId, u.ts);
      out.push(positionEvent(u));
    }
    return out;
  }
}

const iso = (ms: number): string => new Date(ms).toISOString();
