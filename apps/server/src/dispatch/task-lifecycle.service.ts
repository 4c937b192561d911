import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { isUnitStatus, UnitStatus } from '@rescue/contracts';
import { checkTransition, DispatchError, dispatchExclusion, TASK_ENDINGS, TASK_STATUSES } from '@rescue/dispatch';
import { LiveFleet } from '@rescue/fleet';
import { isActiveTaskConflict, TaskRepository, TaskRow } from '@rescue/persistence';
import { newTaskEvents, statusChangeEvents } from '@rescue/webhooks';
import { ROOT_LOGGER } from '../logging/root-logger';

export interface AssignCommand {
  unitId: string | null;
  priority: 1 | 2 | 3 | 4;
  emergency: boolean;
  incident: { lat: number; lon: number; crs: string; inputLat: number; inputLon: number };
  requiredCapabilities: string[];
  callTakenAt: number;
  /** When the phone rang (振铃), if known; callTakenAt is the answer (受理). */
  callRingAt?: number | null;
  /** The call this task serves (board: several tasks may serve one call). */
  callId?: string | null;
  /** Who asks, for the audit trail (`key:<name>` or `user:<name>`); also recorded as the task's dispatcher. */
  actor: string;
}

export interface TransitionCommand {
  unitId: string;
  to: UnitStatus;
  ts: number;
  source: 'terminal' | 'dispatcher';
  /** The task the report names (terminals may omit it). */
  taskId: string | null;
  reason: string | null;
  /** Who reports it, for the audit trail (`key:<name>` or `unit:<id>`). */
  actor: string;
}

export interface TransitionResult {
  unitId: string;
  from: string | null;
  to: UnitStatus;
  taskId: string | null;
  noop: boolean;
  /** The unit confirmed its order (收到指令); its status did not change. */
  acknowledged?: boolean;
}

/**
 * Assignment and status transitions of units, each in one database transaction that first locks the
 * unit row: concurrent changes of one unit are serialised by the database, and the partial unique
 * index on active tasks makes a double assignment impossible even if that lock were bypassed.
 */
@Injectable()
export class TaskLifecycleService {
  private readonly log: Logger;

  private readonly assignedListeners: Array<(task: TaskRow) => void> = [];

  constructor(
    private readonly repo: TaskRepository,
    private readonly fleet: LiveFleet,
    @Inject(ROOT_LOGGER) root: Logger,
  ) {
    this.log = root.child({ module: 'task-lifecycle' });
  }

  /** Creates a task; with a unit, assigns it atomically (409 naming the holder if someone was first). */
  async assign(cmd: AssignCommand, now = Date.now()): Promise<TaskRow> {
    const taskId = `T-${randomUUID()}`;
    const base: TaskRow = {
      id: taskId, unitId: cmd.unitId, stationId: null, state: cmd.unitId ? 'active' : 'unserved', priority: cmd.priority,
      emergency: cmd.emergency, incident: cmd.incident, requiredCapabilities: cmd.requiredCapabilities, outcome: null, outcomeReason: null,
      callTakenAt: cmd.callTakenAt, orderReceivedAt: cmd.unitId ? now : null, departedAt: null, onSceneAt: null, leftSceneAt: null,
      atHospitalAt: null, endedAt: null,
      callId: cmd.callId ?? null, dispatcher: cmd.actor, callRingAt: cmd.callRingAt ?? null, callAnsweredAt: cmd.callTakenAt,
      orderSentAt: cmd.unitId ? now : null,
    };
    if (!cmd.unitId) {
      await this.repo.withTransaction(async (tx) => {
        if (base.callId) throw new DispatchError('CALL_CLOSED', 'a call is closed without a unit by POST /calls/:id/close, not by a task without one');
        await tx.insertTask(base);
        await tx.audit({ actor: cmd.actor, action: 'task.create', subject: `task:${taskId}`, detail: taskDetail(base) });
        await tx.emit(newTaskEvents(base, null, now));
      });
      return base;
    }
    const unitId = cmd.unitId;
    let task: TaskRow;
    try {
      task = await this.repo.withUnitLocked(unitId, async (tx) => {
        const unit = tx.unit;
        const holder = await tx.activeTaskId();
        // the dispatcher names the unit (it may be reached by phone): presence and position are not asked
        const why = dispatchExclusion(
          { status: unit.status, taskId: holder, online: false, capabilities: unit.capabilities, fixAgeS: null },
          { requiredCapabilities: cmd.requiredCapabilities, staleAfterS: Infinity, staleAllowed: true, needsTerminal: false },
        );
        if (why?.reason === 'busy' && holder) throw busy(unitId, holder);
        if (why?.reason === 'lacking_capability') throw new DispatchError('UNIT_NOT_AVAILABLE', `unit ${unitId} ${why.detail}`, { missing: why.missing });
        if (why) throw new DispatchError('UNIT_NOT_AVAILABLE', `unit ${unitId} cannot take a task: ${why.detail}`, { status: unit.status });
        const t = { ...base, stationId: unit.stationId };
        await tx.insertTask(t);
        if (t.callId && !(await tx.callDispatched(t.callId))) throw new DispatchError('CALL_CLOSED', `call ${t.callId} was closed without a unit`, { callId: t.callId });
        // The task and its assignment are one act, so they are one record.
        await tx.audit({ actor: cmd.actor, action: 'task.assign', subject: `task:${taskId}`, detail: { ...taskDetail(t), from: unit.status, to: 'order_received' } });
        await tx.setStatus('order_received', now, taskId);
        await tx.createOrder(taskId, `O-${randomUUID()}`);
        await tx.insertEvent({ taskId, fromStatus: unit.status, toStatus: 'order_received', ts: now, source: 'dispatcher', reason: null });
        await tx.emit(newTaskEvents(t, unit.status, now));
        return t;
      }, () => unknownUnit(unitId));
    } catch (e) {
      if (isActiveTaskConflict(e)) {
        const holder = await this.repo.activeTaskIdOutside(unitId);
        throw busy(unitId, holder);
      }
      throw e;
    }
    this.fleet.apply({ fixes: [], presences: [], statuses: [{ unitId, ts: now, status: 'order_received', taskId }] });
    this.log.info({ taskId, unitId, priority: cmd.priority }, 'unit assigned');
    for (const l of this.assignedListeners) l(task);
    return task;
  }

  /** Told after each assignment committed (the order goes down to the unit's terminal). */
  onAssigned(listener: (task: TaskRow) => void): void {
    this.assignedListeners.push(listener);
  }

  /** Applies one status change, checked against the lifecycle, with the fix at that moment. */
  async transition(cmd: TransitionCommand): Promise<TransitionResult> {
    const result = await this.repo.withUnitLocked(cmd.unitId, async (tx) => {
      const unit = tx.unit;
      const activeTaskId = await tx.activeTaskId();
      const from = isUnitStatus(unit.status) ? unit.status : null;
      const v = checkTransition({ from, to: cmd.to, activeTaskId, taskId: cmd.taskId });
      if (v.ok && v.acknowledges) {
        // The terminal confirms its order: an event with its own time and source; the status stays
        // (a late acknowledgement may come after en_route), so no staleness check either.
        await tx.markOrderAcked(activeTaskId!, cmd.ts, cmd.source);
        await tx.insertEvent({ taskId: activeTaskId, fromStatus: unit.status, toStatus: 'order_received', ts: cmd.ts, source: cmd.source, reason: cmd.reason });
        await tx.audit({
          actor: cmd.actor, action: 'task.order_acknowledged', subject: `task:${activeTaskId}`,
          detail: { unitId: cmd.unitId, status: unit.status, ts: new Date(cmd.ts).toISOString(), source: cmd.source },
        });
        return { unitId: cmd.unitId, from: unit.status, to: cmd.to, taskId: activeTaskId, noop: false, acknowledged: true };
      }
      if (unit.statusTs !== null && cmd.ts < unit.statusTs) {
        throw new DispatchError('STALE_REPORT', `report of ${new Date(cmd.ts).toISOString()} is older than the unit's current status`, {
          currentStatus: unit.status,
        });
      }
      if (!v.ok) throw new DispatchError(v.code, v.message, { unitId: cmd.unitId, from: unit.status, to: cmd.to, activeTaskId });
      if (v.noop) return { unitId: cmd.unitId, from: unit.status, to: cmd.to, taskId: activeTaskId, noop: true };
      const partOfTask = TASK_STATUSES.includes(cmd.to) || TASK_ENDINGS.includes(cmd.to);
      const taskId = partOfTask ? activeTaskId : null;
      if (taskId) await tx.recordTaskStep(taskId, cmd.to, cmd.ts, cmd.reason);
      await tx.setStatus(cmd.to, cmd.ts, v.endsTask ? null : taskId);
      await tx.insertEvent({ taskId, fromStatus: unit.status, toStatus: cmd.to, ts: cmd.ts, source: cmd.source, reason: cmd.reason });
      await tx.audit({
        actor: cmd.actor, action: taskId ? 'task.event' : 'unit.status', subject: taskId ? `task:${taskId}` : `unit:${cmd.unitId}`,
        detail: { unitId: cmd.unitId, from: unit.status, to: cmd.to, ts: new Date(cmd.ts).toISOString(), source: cmd.source, reason: cmd.reason },
      });
      await tx.emit(statusChangeEvents({ unitId: cmd.unitId, taskId, from: unit.status, to: cmd.to, ts: cmd.ts, source: cmd.source, reason: cmd.reason }));
      return { unitId: cmd.unitId, from: unit.status, to: cmd.to, taskId, noop: false };
    }, () => unknownUnit(cmd.unitId));
    if (result.acknowledged) {
      this.log.info({ unitId: cmd.unitId, taskId: result.taskId, source: cmd.source }, 'order acknowledged by the unit');
      return result;
    }
    // A repeated report changes nothing stored but still brings the live view in line with it.
    const taskId = TASK_ENDINGS.includes(cmd.to) ? null : result.taskId;
    this.fleet.apply({ fixes: [], presences: [], statuses: [{ unitId: cmd.unitId, ts: cmd.ts, status: cmd.to, taskId }] });
    return result;
  }

  /** A dispatcher's event on a task: it must be the unit's active task. */
  async taskEvent(taskId: string, to: UnitStatus, ts: number, reason: string | null, actor: string): Promise<TransitionResult> {
    const task = await this.repo.task(taskId);
    if (!task) throw new DispatchError('TASK_NOT_FOUND', `unknown task ${taskId}`);
    if (task.state !== 'active' || !task.unitId) throw new DispatchError('TASK_ENDED', `task ${taskId} is ${task.state}`, { state: task.state });
    return this.transition({ unitId: task.unitId, to, ts, source: 'dispatcher', taskId, reason, actor });
  }
}

/** What the trail keeps of a new task: enough to identify it, no more. */
function taskDetail(t: TaskRow): Record<string, unknown> {
  return {
    unitId: t.unitId, stationId: t.stationId, priority: t.priority, emergency: t.emergency, state: t.state,
    incident: { lat: t.incident.lat, lon: t.incident.lon }, requiredCapabilities: t.requiredCapabilities,
    callTakenAt: new Date(t.callTakenAt).toISOString(), callId: t.callId ?? null,
  };
}

function unknownUnit(unitId: string): DispatchError {
  return new DispatchError('UNIT_NOT_FOUND', `unknown unit ${unitId}`);
}

function busy(unitId: string, holder: string | null): DispatchError {
  return new DispatchError('UNIT_BUSY', `unit ${unitId} is already on task ${holder ?? '(unknown)'}`, { unitId, taskId: holder });
}
