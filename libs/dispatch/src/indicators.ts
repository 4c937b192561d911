/**
 * Quality indicators by the formulas of domain.md §4, from stored task timestamps. A task missing a
 * timestamp an indicator needs is counted and listed under that indicator, never silently dropped.
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
}

export const DEPARTURE_LIMIT_S = 180;

function durations(tasks: TaskTimes[], from: keyof TaskTimes, to: keyof TaskTimes): { values: number[]; missing: string[] } {
  const values: number[] = [];
  const missing: string[] = [];
  for (const t of tasks) {
    const a = t[from] as number | null;
    const b = t[to] as number | null;
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

function stat(tasks: TaskTimes[], from: keyof TaskTimes, to: keyof TaskTimes, withP90 = false): MeanStat {
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
  };
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
];

function csvRow(scope: string, i: Indicators): string {
  const f = (v: number | null | undefined) => (v === null || v === undefined ? '' : Number(v.toFixed(3)).toString());
  return [
    scope, i.tasks, i.departure3min.n, i.departure3min.within, f(i.departure3min.rate), i.departure3min.missing.length,
    i.responseTime.n, f(i.responseTime.meanS), f(i.responseTime.p90S), i.responseTime.missing.length,
    i.roadTime.n, f(i.roadTime.meanS), i.roadTime.missing.length, i.onSceneTime.n, f(i.onSceneTime.meanS), i.onSceneTime.missing.length,
    i.onCallTime.n, f(i.onCallTime.meanS), i.onCallTime.missing.length,
    i.demandSatisfaction.requests, i.demandSatisfaction.dispatched, f(i.demandSatisfaction.rate),
  ].map((v) => (/[",\n]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v))).join(',');
}

export function indicatorsCsv(r: { overall: Indicators; byStation: Record<string, Indicators> }): string {
  return [CSV_COLUMNS.join(','), csvRow('overall', r.overall), ...Object.entries(r.byStation).map(([k, v]) => csvRow(k, v))].join('\n') + '\n';
}
