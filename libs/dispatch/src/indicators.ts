/**
 * Quality indicators by the formulas of domain.md §4 (docs/indicators.md cites each), from stored task
 * timestamps. A task missing a timestamp an indicator needs is counted and listed under that
 * indicator, never silently dropped.
 */
export interface TaskTimes {
  taskId: string;
  stationId: string | null;
  /** Real emergency (counts toward the 3-minute departure rate). */
  emergency: boolean;
  /** A unit was dispatched (false: the request went unserved). */
  dispatched: boolean;
  callTakenAt: number | null; // 受理
  orderReceivedAt: number | null; // 收到指令
  departedAt: number | null; // 驶向现场 (出车)
  onSceneAt: number | null; // 到达现场
  leftSceneAt: number | null; // 病人上车 (离开现场)
  atHospitalAt: number | null; // 到达医院
  // Optional: live tasks have no ring/answer/order-sent times yet; imported ones do (issue 13).
  /** When the call came, for grouping by day and month (always known: the stored call_taken_at). */
  callAt?: number;
  callRingAt?: number | null; // 来电 (振铃)
  callAnsweredAt?: number | null; // 接听
  orderSentAt?: number | null; // 派车 (order sent)
  endedAt?: number | null;
  unitId?: string | null;
  dispatcher?: string | null;
  /** 呼救类型 / chief-complaint category, when the source records one. */
  callType?: string | null;
  /** The ending: task_complete or a void ending (refused, gone_on_arrival, dead_not_transported, aborted). */
  outcome?: string | null;
}

/** The stored task columns the indicators read (libs/persistence TaskRow has them). */
export interface StoredTaskTimes {
  id: string;
  unitId: string | null;
  stationId: string | null;
  state: string;
  emergency: boolean;
  outcome: string | null;
  callTakenAt: number;
  orderReceivedAt: number | null;
  departedAt: number | null;
  onSceneAt: number | null;
  leftSceneAt: number | null;
  atHospitalAt: number | null;
  endedAt: number | null;
  source?: string;
  callRingAt?: number | null;
  callAnsweredAt?: number | null;
  orderSentAt?: number | null;
  dispatcher?: string | null;
  callType?: string | null;
}

/**
 * An imported task's stored call_taken_at is a stand-in (answer, else ring, else order sent) so the
 * row can be placed in time; its indicators read the recorded answer time instead, and a task without
 * one is listed as missing it, not measured from another time.
 */
export function taskTimesOf(t: StoredTaskTimes): TaskTimes {
  const imported = t.source === 'import';
  return {
    taskId: t.id, stationId: t.stationId, emergency: t.emergency, dispatched: t.state !== 'unserved',
    callTakenAt: imported ? (t.callAnsweredAt ?? null) : t.callTakenAt,
    orderReceivedAt: t.orderReceivedAt, departedAt: t.departedAt, onSceneAt: t.onSceneAt, leftSceneAt: t.leftSceneAt, atHospitalAt: t.atHospitalAt,
    callRingAt: t.callRingAt ?? null, callAnsweredAt: imported ? (t.callAnsweredAt ?? null) : t.callTakenAt, orderSentAt: t.orderSentAt ?? null, endedAt: t.endedAt,
    callAt: t.callTakenAt,
    unitId: t.unitId, dispatcher: t.dispatcher ?? null, callType: t.callType ?? null,
    // An active task has no ending yet (null: listed as open); a finished one has its outcome.
    outcome: t.state === 'active' ? null : t.outcome,
  };
}

/** Void endings (domain.md §3, §4 void-trip rate). */
export const VOID_OUTCOMES = ['refused', 'gone_on_arrival', 'dead_not_transported', 'aborted'] as const;

export interface RateStat {
  /** Tasks that had the timestamps. */
  n: number;
  within: number;
  rate: number | null;
  missing: string[];
}

export interface MeanStat {
  /** Tasks that had the timestamps. */
  n: number;
  meanS: number | null;
  p90S?: number | null;
  /** Tasks lacking a timestamp this indicator needs. */
  missing: string[];
}

export interface Indicators {
  tasks: number;
  /** departed − order received ≤ 180 s, over real emergencies with both times. */
  departure3min: { n: number; within: number; rate: number | null; missing: string[] };
  /** on scene − call taken. */
  responseTime: MeanStat;
  /** on scene − departed. */
  roadTime: MeanStat;
  /** left scene − on scene. */
  onSceneTime: MeanStat;
  /** at hospital − departed. */
  onCallTime: MeanStat;
  /** dispatches / valid emergency requests. */
  demandSatisfaction: { requests: number; dispatched: number; rate: number | null };
  /** 10-s answer rate: calls with (answer − ring) ≤ 10 s / calls with both times (domain.md §4). */
  answer10s: RateStat;
  /** Dispatch time: order sent (派车) − call answered (受理), over dispatched tasks. */
  dispatchTime: MeanStat;
  /** 1-minute dispatch rate: dispatch time ≤ 60 s / dispatched tasks with both times. */
  dispatch1min: RateStat;
  /** Departure time: departed − order received, over dispatched tasks (Pingdingshan's 1.51 min). */
  departureTime: MeanStat;
  /** Void trips ÷ all dispatches, by reason; `open` are dispatches with no ending recorded (listed). */
  voidTrips: { dispatches: number; void: number; rate: number | null; byReason: Record<string, number>; open: string[] };
  /** Calls by type (呼救类型) when the source gives one; '(未填)' counts those without. */
  callsByType: Record<string, number>;
}

export const ANSWER_LIMIT_S = 10;
export const DISPATCH_LIMIT_S = 60;

export const DEPARTURE_LIMIT_S = 180;

type TimeField = 'callTakenAt' | 'orderReceivedAt' | 'departedAt' | 'onSceneAt' | 'leftSceneAt' | 'atHospitalAt' | 'callRingAt' | 'callAnsweredAt' | 'orderSentAt' | 'endedAt';

/**
 * 受理 (call answered). A source that does not record it separately (undefined: the live console)
 * stores the 受理 time as callTakenAt; a source that does (an import) has it or lacks it (null: listed).
 */
const answered = (t: TaskTimes): number | null => (t.callAnsweredAt === undefined ? t.callTakenAt : t.callAnsweredAt);

function durations(tasks: TaskTimes[], from: TimeField | ((t: TaskTimes) => number | null), to: TimeField): { values: number[]; missing: string[] } {
  const values: number[] = [];
  const missing: string[] = [];
  for (const t of tasks) {
    const a = typeof from === 'function' ? from(t) : (t[from] ?? null);
    const b = t[to] ?? null;
    if (a === null || b === null) missing.push(t.taskId);
    else values.push((b - a) / 1000);
  }
  return { values, missing };
}

/** Nearest-rank percentile (the value at rank ceil(p·n)), as dispatch software reports it. */
export function percentile(values: number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]!;
}

function mean(values: number[]): number | null {
  return values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length;
}

function rate(d: { values: number[]; missing: string[] }, limitS: number): RateStat {
  const within = d.values.filter((v) => v <= limitS).length;
  return { n: d.values.length, within, rate: d.values.length ? within / d.values.length : null, missing: d.missing };
}

function stat(tasks: TaskTimes[], from: TimeField | ((t: TaskTimes) => number | null), to: TimeField, withP90 = false): MeanStat {
  const { values, missing } = durations(tasks, from, to);
  return { n: values.length, meanS: mean(values), ...(withP90 ? { p90S: percentile(values, 0.9) } : {}), missing };
}

export function computeIndicators(all: TaskTimes[]): Indicators {
  const served = all.filter((t) => t.dispatched);
  const emergencies = served.filter((t) => t.emergency);
  const dep = durations(emergencies, 'orderReceivedAt', 'departedAt');
  const within = dep.values.filter((s) => s <= DEPARTURE_LIMIT_S).length;
  const requests = all.filter((t) => t.emergency).length;
  const dispatched = all.filter((t) => t.emergency && t.dispatched).length;
  return {
    tasks: all.length,
    departure3min: { n: dep.values.length, within, rate: dep.values.length ? within / dep.values.length : null, missing: dep.missing },
    responseTime: stat(served, 'callTakenAt', 'onSceneAt', true),
    roadTime: stat(served, 'departedAt', 'onSceneAt'),
    onSceneTime: stat(served, 'onSceneAt', 'leftSceneAt'),
    onCallTime: stat(served, 'departedAt', 'atHospitalAt'),
    demandSatisfaction: { requests, dispatched, rate: requests ? dispatched / requests : null },
    answer10s: rate(durations(all, 'callRingAt', 'callAnsweredAt'), ANSWER_LIMIT_S),
    dispatchTime: stat(served, answered, 'orderSentAt'),
    dispatch1min: rate(durations(served, answered, 'orderSentAt'), DISPATCH_LIMIT_S),
    departureTime: stat(served, 'orderReceivedAt', 'departedAt'),
    voidTrips: voidTrips(served),
    callsByType: countBy(all, (t) => t.callType || '(未填)'),
  };
}

function countBy(tasks: TaskTimes[], key: (t: TaskTimes) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const t of tasks) out[key(t)] = (out[key(t)] ?? 0) + 1;
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
}

function voidTrips(served: TaskTimes[]): Indicators['voidTrips'] {
  const byReason: Record<string, number> = Object.fromEntries(VOID_OUTCOMES.map((r) => [r, 0]));
  const open: string[] = [];
  let n = 0;
  for (const t of served) {
    if (t.outcome === undefined) continue; // a source without outcomes: not counted either way
    if (t.outcome === null) open.push(t.taskId);
    else if ((VOID_OUTCOMES as readonly string[]).includes(t.outcome)) {
      byReason[t.outcome]!++;
      n++;
    }
  }
  return { dispatches: served.length, void: n, rate: served.length ? n / served.length : null, byReason, open };
}

/** Groupings the centres report by (domain.md §4: stations and dispatchers ranked monthly). */
export const INDICATOR_GROUPINGS = ['station', 'dispatcher', 'unit', 'day', 'month'] as const;
export type IndicatorGrouping = (typeof INDICATOR_GROUPINGS)[number];

/** Calendar day or month of the call in the centre's time zone (Beijing, UTC+8, by default). */
export function callDay(t: TaskTimes, utcOffsetH = 8): string | null {
  const at = t.callAt ?? t.callTakenAt;
  return at === null ? null : new Date(at + utcOffsetH * 3_600_000).toISOString().slice(0, 10);
}

export function indicatorsBy(tasks: TaskTimes[], by: IndicatorGrouping, utcOffsetH = 8): Record<string, Indicators> {
  const key = (t: TaskTimes): string => {
    if (by === 'station') return t.stationId ?? '(none)';
    if (by === 'dispatcher') return t.dispatcher ?? '(none)';
    if (by === 'unit') return t.unitId ?? '(none)';
    const d = callDay(t, utcOffsetH) ?? '(none)';
    return by === 'day' ? d : d.slice(0, 7);
  };
  const groups = new Map<string, TaskTimes[]>();
  for (const t of tasks) {
    const k = key(t);
    const g = groups.get(k);
    if (g) g.push(t);
    else groups.set(k, [t]);
  }
  return Object.fromEntries([...groups.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, computeIndicators(v)]));
}

export interface StationRank {
  stationId: string;
  rank: number;
  tasks: number;
  departure3minRate: number | null;
  responseMeanS: number | null;
  dispatch1minRate: number | null;
  voidRate: number | null;
}

/**
 * The monthly station ranking (domain.md §4, Pingdingshan's 排名通报). Order: 3-minute departure rate
 * (higher first; the national target indicator), then mean response time (lower first), then id. The
 * criterion is this project's default, not a published formula: docs/indicators.md says so.
 */
export function rankStations(byStation: Record<string, Indicators>): StationRank[] {
  const rows = Object.entries(byStation).filter(([id]) => id !== '(none)').map(([stationId, i]) => ({
    stationId, rank: 0, tasks: i.tasks, departure3minRate: i.departure3min.rate, responseMeanS: i.responseTime.meanS,
    dispatch1minRate: i.dispatch1min.rate, voidRate: i.voidTrips.rate,
  }));
  const desc = (a: number | null, b: number | null) => (b ?? -1) - (a ?? -1);
  const asc = (a: number | null, b: number | null) => (a ?? Infinity) - (b ?? Infinity);
  rows.sort((a, b) => desc(a.departure3minRate, b.departure3minRate) || asc(a.responseMeanS, b.responseMeanS) || a.stationId.localeCompare(b.stationId));
  rows.forEach((r, i) => (r.rank = i + 1));
  return rows;
}

/** Overall and per station (the unit's station when it was assigned). */
export function indicatorsByStation(tasks: TaskTimes[]): { overall: Indicators; byStation: Record<string, Indicators> } {
  const groups = new Map<string, TaskTimes[]>();
  for (const t of tasks) {
    const key = t.stationId ?? '(none)';
    groups.set(key, [...(groups.get(key) ?? []), t]);
  }
  return {
    overall: computeIndicators(tasks),
    byStation: Object.fromEntries([...groups.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, computeIndicators(v)])),
  };
}

const CSV_COLUMNS = [
  'scope', 'tasks', 'departure3min_n', 'departure3min_within', 'departure3min_rate', 'departure3min_missing',
  'response_n', 'response_mean_s', 'response_p90_s', 'response_missing', 'road_n', 'road_mean_s', 'road_missing',
  'on_scene_n', 'on_scene_mean_s', 'on_scene_missing', 'on_call_n', 'on_call_mean_s', 'on_call_missing',
  'requests', 'dispatched', 'demand_satisfaction',
  'answer10s_n', 'answer10s_within', 'answer10s_rate', 'answer10s_missing', 'dispatch_n', 'dispatch_mean_s', 'dispatch_missing',
  'dispatch1min_rate', 'departure_n', 'departure_mean_s', 'departure_missing', 'dispatches', 'void', 'void_rate',
  ...VOID_OUTCOMES.map((r) => `void_${r}`),
];

function csvRow(scope: string, i: Indicators): string {
  const f = (v: number | null | undefined) => (v === null || v === undefined ? '' : Number(v.toFixed(3)).toString());
  return [
    scope, i.tasks, i.departure3min.n, i.departure3min.within, f(i.departure3min.rate), i.departure3min.missing.length,
    i.responseTime.n, f(i.responseTime.meanS), f(i.responseTime.p90S), i.responseTime.missing.length,
    i.roadTime.n, f(i.roadTime.meanS), i.roadTime.missing.length, i.onSceneTime.n, f(i.onSceneTime.meanS), i.onSceneTime.missing.length,
    i.onCallTime.n, f(i.onCallTime.meanS), i.onCallTime.missing.length,
    i.demandSatisfaction.requests, i.demandSatisfaction.dispatched, f(i.demandSatisfaction.rate),
    i.answer10s.n, i.answer10s.within, f(i.answer10s.rate), i.answer10s.missing.length, i.dispatchTime.n, f(i.dispatchTime.meanS), i.dispatchTime.missing.length,
    f(i.dispatch1min.rate), i.departureTime.n, f(i.departureTime.meanS), i.departureTime.missing.length, i.voidTrips.dispatches, i.voidTrips.void, f(i.voidTrips.rate),
    ...VOID_OUTCOMES.map((r) => i.voidTrips.byReason[r] ?? 0),
  ].map((v) => (/[",\n]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v))).join(',');
}

export function indicatorsCsv(r: { overall: Indicators; byStation: Record<string, Indicators> }): string {
  return [CSV_COLUMNS.join(','), csvRow('overall', r.overall), ...Object.entries(r.byStation).map(([k, v]) => csvRow(k, v))].join('\n') + '\n';
}

/** GET /indicators?by=…: the whole period and each group (per station also ranked). */
export function indicatorsGrouped(tasks: TaskTimes[], by: IndicatorGrouping, utcOffsetH = 8): { by: IndicatorGrouping; overall: Indicators; groups: Record<string, Indicators>; ranking?: StationRank[] } {
  const groups = indicatorsBy(tasks, by, utcOffsetH);
  return { by, overall: computeIndicators(tasks), groups, ...(by === 'station' ? { ranking: rankStations(groups) } : {}) };
}

/** The grouped indicators as CSV: the overall row, then one row per group (scope = the group's key). */
export function indicatorsGroupedCsv(r: { overall: Indicators; groups: Record<string, Indicators> }): string {
  return indicatorsCsv({ overall: r.overall, byStation: r.groups });
}
