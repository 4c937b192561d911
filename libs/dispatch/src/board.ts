import { cosDeg, projX, projY } from '@rescue/common';
import { DEPARTURE_LIMIT_S } from './indicators';

/**
 * The dispatcher's task board as rules (issue 14): which waiting call comes first (病情就急), the
 * timers of a task and their alerts, and the order of receiving hospitals. Pure, so every rule has a
 * table spec; the server only gathers the facts (live fleet, road times) and shows the verdicts.
 */

/** A unit on its way farther than this from the road it was planned to take is off its route. */
export const OFF_ROUTE_M = 300;

export interface WaitingCall {
  id: string;
  /** 1 most urgent (危重) … 4 least. */
  priority: number;
  /** When the call was answered (受理), ms. */
  answeredAt: number;
}

/** Waiting calls: most urgent first, then the one waiting longest, then by id so the order is total. */
export function orderWaitingCalls<C extends WaitingCall>(calls: readonly C[]): C[] {
  return [...calls].sort((a, b) => a.priority - b.priority || a.answeredAt - b.answeredAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** The times of a task that the board's clocks read (ms; null = not yet). */
export interface TaskClock {
  /** The call's answer time (受理). */
  callTakenAt: number;
  /** The order given to the unit (派车). */
  orderedAt: number;
  departedAt: number | null;
}

export interface TaskTimers {
  /** Call → dispatch (受理 → 派车), seconds. */
  callToDispatchS: number;
  /** Order → departure (派车 → 出车), seconds; running until the unit leaves. */
  orderToDepartureS: number;
  departed: boolean;
  /** Not left within DEPARTURE_LIMIT_S of the order (still waiting past it, or left late). */
  departureLate: boolean;
}

/** The 3-minute limit is the indicator's (domain.md §4, 3 分钟出车率), so the board and the report agree. */
export function taskTimers(t: TaskClock, now: number, limitS = DEPARTURE_LIMIT_S): TaskTimers {
  const orderToDepartureS = Math.max(0, ((t.departedAt ?? now) - t.orderedAt) / 1000);
  return {
    callToDispatchS: Math.max(0, (t.orderedAt - t.callTakenAt) / 1000),
    orderToDepartureS,
    departed: t.departedAt !== null,
    departureLate: orderToDepartureS > limitS,
  };
}

export type TaskAlert = 'departure_late' | 'unit_stale' | 'unit_offline' | 'off_route';

/** What the board knows of the unit doing a task, at this instant. */
export interface TaskUnitFacts {
  status: string | null;
  online: boolean;
  /** No fix, or the last one older than the stale limit. */
  stale: boolean;
  /** Metres from the unit's fix to its planned route, when it is driving one (null: not driving, or no plan). */
  offRouteM: number | null;
}

/**
 * The alerts of an active task. A late departure is flagged only while it matters (before the unit
 * leaves, or when it left late: both count against the 3-minute rate); a stale or silent terminal is
 * flagged whatever the step, since the board then shows an old position and a guessed ETA.
 */
export function taskAlerts(timers: TaskTimers, unit: TaskUnitFacts, offRouteLimitM = OFF_ROUTE_M): TaskAlert[] {
  const out: TaskAlert[] = [];
  if (timers.departureLate) out.push('departure_late');
  if (unit.stale) out.push('unit_stale');
  if (!unit.online) out.push('unit_offline');
  if (unit.offRouteM !== null && unit.offRouteM > offRouteLimitM) out.push('off_route');
  return out;
}

/** Where the unit is heading in this step: the scene, the hospital, or nowhere the board plans. */
export function taskLeg(status: string | null): 'to_scene' | 'to_hospital' | null {
  if (status === 'order_received' || status === 'en_route') return 'to_scene';
  if (status === 'patient_loaded') return 'to_hospital';
  return null;
}

/**
 * Metres from a point to a polyline ([lon, lat] pairs, as GeoJSON), on a local flat projection: good to
 * a few metres over a city, which is all the off-route check asks. Infinity for an empty line.
 */
export function distanceToLineM(lat: number, lon: number, line: ReadonlyArray<readonly [number, number]>): number {
  if (line.length === 0) return Infinity;
  const k = cosDeg(lat);
  const x = (lo: number) => projX(lo, k);
  const y = projY;
  const px = x(lon);
  const py = y(lat);
  let best = Infinity;
  for (let i = 0; i < line.length; i++) {
    const [alon, alat] = line[i]!;
    const ax = x(alon);
    const ay = y(alat);
    const [blon, blat] = line[Math.min(i + 1, line.length - 1)]!;
    const bx = x(blon);
    const by = y(blat);
    const dx = bx - ax;
    const dy = by - ay;
    const len2 = dx * dx + dy * dy;
    const s = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / len2));
    best = Math.min(best, Math.hypot(px - (ax + s * dx), py - (ay + s * dy)));
  }
  return best;
}

export interface HospitalChoice {
  id: string;
  name: string;
  capabilities: readonly string[];
  /** Road time from the scene, seconds; null when no road leads there. */
  etaS: number | null;
}

export type HospitalExclusion = { id: string; reason: 'lacking_capability'; missing: string[] } | { id: string; reason: 'unreachable' };

/**
 * Receiving hospitals for a patient: those with every centre asked for (胸痛中心, 卒中中心, …), nearest
 * by road time from the scene first (ties by name, then id); the others listed with why.
 */
export function rankHospitals<H extends HospitalChoice>(hospitals: readonly H[], required: readonly string[]): {
  ranked: Array<H & { etaS: number }>;
  excluded: HospitalExclusion[];
} {
  const ranked: Array<H & { etaS: number }> = [];
  const excluded: HospitalExclusion[] = [];
  for (const h of hospitals) {
    const missing = required.filter((c) => !h.capabilities.includes(c));
    if (missing.length) excluded.push({ id: h.id, reason: 'lacking_capability', missing });
    else if (h.etaS === null || !Number.isFinite(h.etaS)) excluded.push({ id: h.id, reason: 'unreachable' });
    else ranked.push(h as H & { etaS: number });
  }
  ranked.sort((a, b) => a.etaS - b.etaS || a.name.localeCompare(b.name) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { ranked, excluded };
}
