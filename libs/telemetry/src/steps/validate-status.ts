import { isUnitStatus, UNIT_ID_PATTERN } from '@rescue/contracts';
import type { StatusReport } from '../types';
import { isObject, requiredInteger } from './fields';
import { Refusal, show } from './refusal';

/**
 * Step 2 for `ems/v1/units/{unitId}/status`. Whether the transition is allowed from the unit's current
 * status is not checked here: that is the lifecycle state machine's job (libs/dispatch), with the task.
 * taskId follows the unitId rule (UUIDs and numeric ids fit).
 */
export function validateStatus(el: unknown, unitId: string): StatusReport | Refusal {
  if (!isObject(el)) return new Refusal('schema', `expected a status object, got ${show(el)}`);
  const ts = requiredInteger(el, 'ts');
  if (ts instanceof Refusal) return ts;
  const status = el['status'];
  if (!isUnitStatus(status)) return new Refusal('schema', `status: unknown ${show(status)}`);
  const source = el['source'];
  if (source !== 'terminal' && source !== 'dispatcher') {
    return new Refusal('schema', `source: expected "terminal" or "dispatcher", got ${show(source)}`);
  }
  const taskId = el['taskId'] ?? null;
  if (taskId !== null && !(typeof taskId === 'string' && UNIT_ID_PATTERN.test(taskId))) {
    return new Refusal('schema', `taskId: expected /^[A-Za-z0-9_-]{1,64}$/ or null, got ${show(taskId)}`);
  }
  return { unitId, ts, status, taskId, source };
}
