import { NOT_AVAILABLE } from '@rescue/contracts';
import { isDispatchable } from './lifecycle';

/**
 * Whether a unit may be sent, in one place: recommendations, task assignment and live coverage ask the
 * same question, with what each of them knows. The checks run in this order and the first that fails
 * is the reason (busy before not_available, so a unit on a task never reads as "off duty").
 */
export const EXCLUSION_REASONS = ['busy', 'not_available', 'offline', 'lacking_capability', 'no_position', 'stale', 'unreachable'] as const;
export type ExclusionReason = (typeof EXCLUSION_REASONS)[number];

export interface Exclusion {
  reason: ExclusionReason;
  /** For people: which status, which capabilities, how old. */
  detail: string;
  /** lacking_capability: the required capabilities the unit does not have. */
  missing?: string[];
}

/** What is known of the unit at the moment of the question. */
export interface UnitFacts {
  status: string | null;
  /** The task the unit holds, if any. */
  taskId: string | null;
  online: boolean;
  capabilities: readonly string[];
  /** Seconds since the last fix; null without one. */
  fixAgeS: number | null;
  /**
   * The road search from the unit's position, once it ran: off_road (too far from any road to snap),
   * no_path (no road path within the search limit), reachable. Undefined: not looked at yet.
   */
  road?: 'off_road' | 'no_path' | 'reachable';
}

/** What the question asks of the unit. */
export interface DispatchNeed {
  requiredCapabilities: readonly string[];
  /** A fix older than this is stale, s. */
  staleAfterS: number;
  /** Whether a stale unit still counts (staleAllowed(priority, policy) for a recommendation). */
  staleAllowed: boolean;
  /**
   * False when a dispatcher names the unit (assignment by phone or radio): presence and position are
   * not asked, only what makes the assignment itself wrong (busy, status, capability). Default true.
   */
  needsTerminal?: boolean;
  /** The road search limit, s, for the no_path detail. */
  maxEtaS?: number;
}

/** Null when the unit may be sent; otherwise the first reason it may not. Pure. */
export function dispatchExclusion(unit: UnitFacts, need: DispatchNeed): Exclusion | null {
  if (unit.taskId !== null) return { reason: 'busy', detail: `on task ${unit.taskId}` };
  if (!isDispatchable(unit.status)) {
    // a status outside a task that takes the unit out of service, or none reported yet; else on a task
    const off = unit.status === null || (NOT_AVAILABLE as readonly string[]).includes(unit.status);
    return { reason: off ? 'not_available' : 'busy', detail: `status ${unit.status ?? '(none reported)'}` };
  }
  const terminal = need.needsTerminal ?? true;
  if (terminal && !unit.online) return { reason: 'offline', detail: 'terminal offline' };
  if (need.requiredCapabilities.length > 0) {
    const missing = need.requiredCapabilities.filter((c) => !unit.capabilities.includes(c));
    if (missing.length > 0) return { reason: 'lacking_capability', detail: `lacks ${missing.join(', ')}`, missing };
  }
  if (!terminal) return null;
  if (unit.fixAgeS === null) return { reason: 'no_position', detail: 'no fix received yet' };
  if (unit.fixAgeS > need.staleAfterS && !need.staleAllowed) {
    return { reason: 'stale', detail: `last fix ${Math.round(unit.fixAgeS)} s old (limit ${need.staleAfterS} s)` };
  }
  if (unit.road === 'off_road') return { reason: 'unreachable', detail: 'last position is too far from any road' };
  if (unit.road === 'no_path') {
    return { reason: 'unreachable', detail: need.maxEtaS === undefined ? 'no road path' : `no road path within ${need.maxEtaS / 60} min` };
  }
  return null;
}
