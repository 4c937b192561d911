import { NOT_AVAILABLE, type UnitStatus } from '@rescue/contracts';

/**
 * The unit status lifecycle of domain.md §3 as a transition table. A unit holds a task from
 * order_received until task_complete or a void ending; a void ending or completion frees it.
 */
export const TASK_STATUSES: readonly UnitStatus[] = ['order_received', 'en_route', 'on_scene', 'patient_loaded', 'at_hospital'];
/** Statuses a unit can be dispatched from (站内待命, 途中待命, 返回站中). */
export const DISPATCHABLE: readonly UnitStatus[] = ['available_at_station', 'available_returning', 'back_at_station'];
/** Statuses that end the unit's task. */
export const TASK_ENDINGS: readonly UnitStatus[] = ['task_complete', 'refused', 'gone_on_arrival', 'dead_not_transported', 'aborted'];

const FREE_AGAIN: UnitStatus[] = ['available_returning', 'back_at_station', 'available_at_station'];
const OFF = NOT_AVAILABLE;

const NEXT: Readonly<Record<UnitStatus, readonly UnitStatus[]>> = {
  available_at_station: ['order_received', ...OFF],
  available_returning: ['order_received', 'back_at_station', 'available_at_station', ...OFF],
  back_at_station: ['available_at_station', 'order_received', ...OFF],
  order_received: ['en_route', 'aborted'],
  en_route: ['on_scene', 'aborted'],
  on_scene: ['patient_loaded', 'refused', 'gone_on_arrival', 'dead_not_transported', 'aborted'],
  patient_loaded: ['at_hospital', 'aborted'],
  at_hospital: ['task_complete'],
  task_complete: FREE_AGAIN,
  refused: FREE_AGAIN,
  gone_on_arrival: FREE_AGAIN,
  dead_not_transported: FREE_AGAIN,
  aborted: FREE_AGAIN,
  suspended: ['available_at_station', 'maintenance', 'off_duty'],
  maintenance: ['available_at_station', 'suspended', 'off_duty'],
  off_duty: ['available_at_station', 'suspended', 'maintenance'],
};

/** A unit never seen reporting may start anywhere outside a task. */
const FROM_UNKNOWN: readonly UnitStatus[] = [...DISPATCHABLE, ...OFF];

export type TransitionVerdict =
  /** acknowledges: the unit's terminal confirms its order (收到指令): recorded, the status stays. */
  | { ok: true; noop: boolean; startsTask: boolean; endsTask: boolean; acknowledges?: true }
  | { ok: false; code: 'ILLEGAL_TRANSITION' | 'NEEDS_ASSIGNMENT' | 'NO_ACTIVE_TASK' | 'WRONG_TASK'; message: string };

export interface TransitionRequest {
  from: UnitStatus | null;
  to: UnitStatus;
  /** The unit's active task, if any. */
  activeTaskId: string | null;
  /** The task the report names, if any. */
  taskId: string | null;
  /** True only for the assignment itself (POST /tasks), the one way into order_received. */
  viaAssignment?: boolean;
}

/** Decides whether a reported or requested status change is legal; pure, so every pair is tested. */
export function checkTransition(r: TransitionRequest): TransitionVerdict {
  // order_received for the unit's active task, outside an assignment: the vehicle's own confirmation
  // that its order arrived. It dates 收到指令 on the task whatever step the unit has reached since
  // (a late acknowledgement), and changes no status.
  if (r.to === 'order_received' && !r.viaAssignment && r.activeTaskId !== null) {
    if (r.taskId !== null && r.taskId !== r.activeTaskId) {
      return { ok: false, code: 'WRONG_TASK', message: `acknowledgement names task ${r.taskId} but the unit is on ${r.activeTaskId}` };
    }
    return { ok: true, noop: false, startsTask: false, endsTask: false, acknowledges: true };
  }
  if (r.from === r.to && (r.taskId === null || r.taskId === r.activeTaskId)) {
    return { ok: true, noop: true, startsTask: false, endsTask: false }; // a repeated report
  }
  const allowed = r.from === null ? FROM_UNKNOWN : NEXT[r.from];
  if (!allowed.includes(r.to)) {
    return { ok: false, code: 'ILLEGAL_TRANSITION', message: `${r.from ?? '(no status)'} → ${r.to} is not a legal transition` };
  }
  if (r.to === 'order_received' && !r.viaAssignment) {
    return { ok: false, code: 'NEEDS_ASSIGNMENT', message: 'order_received comes only with a task assignment (POST /tasks)' };
  }
  const inTask = TASK_STATUSES.includes(r.to) || TASK_ENDINGS.includes(r.to);
  if (inTask && !r.viaAssignment) {
    if (r.activeTaskId === null) return { ok: false, code: 'NO_ACTIVE_TASK', message: `${r.to} needs an active task; the unit has none` };
    if (r.taskId !== null && r.taskId !== r.activeTaskId) {
      return { ok: false, code: 'WRONG_TASK', message: `report names task ${r.taskId} but the unit is on ${r.activeTaskId}` };
    }
  }
  return { ok: true, noop: false, startsTask: r.to === 'order_received', endsTask: TASK_ENDINGS.includes(r.to) };
}

export function isDispatchable(status: UnitStatus | string | null): boolean {
  return status !== null && (DISPATCHABLE as readonly string[]).includes(status);
}

/** Every transition the table allows, for docs and exhaustive tests. */
export function legalTransitions(): Array<[UnitStatus, UnitStatus]> {
  return (Object.keys(NEXT) as UnitStatus[]).flatMap((from) => NEXT[from].map((to): [UnitStatus, UnitStatus] => [from, to]));
}
