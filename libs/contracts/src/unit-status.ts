/**
 * Unit status lifecycle of Chinese 120 dispatch (domain.md §3). The string values are the wire values
 * of `ems/v1/units/{unitId}/status` and the values stored; snake_case English so they are stable in
 * logs, SQL and metrics labels. The Chinese labels are what dispatchers see on their consoles.
 */
export const UNIT_STATUSES = [
  // the task cycle, in order
  'available_at_station',
  'order_received',
  'en_route',
  'on_scene',
  'patient_loaded',
  'at_hospital',
  'task_complete',
  'available_returning',
  'back_at_station',
  // void endings of a task
  'refused',
  'gone_on_arrival',
  'dead_not_transported',
  'aborted',
  // not available for dispatch
  'suspended',
  'maintenance',
  'off_duty',
] as const;

export type UnitStatus = (typeof UNIT_STATUSES)[number];

export const UNIT_STATUS_LABELS_ZH: Readonly<Record<UnitStatus, string>> = {
  available_at_station: '站内待命',
  order_received: '收到指令',
  en_route: '驶向现场',
  on_scene: '到达现场',
  patient_loaded: '病人上车',
  at_hospital: '到达医院',
  task_complete: '任务完成',
  available_returning: '途中待命',
  back_at_station: '返回站中',
  refused: '病人不去',
  gone_on_arrival: '车到人走',
  dead_not_transported: '死亡不送',
  aborted: '中止/取消',
  suspended: '暂停调用',
  maintenance: '维修',
  off_duty: '未值班',
};

/** Statuses that end a task without transport (病人不去, 车到人走, 死亡不送, 中止/取消). */
export const VOID_ENDINGS: readonly UnitStatus[] = ['refused', 'gone_on_arrival', 'dead_not_transported', 'aborted'];

/** Statuses in which a unit may not be dispatched at all. */
export const NOT_AVAILABLE: readonly UnitStatus[] = ['suspended', 'maintenance', 'off_duty'];

// A Set makes the hot-path membership test O(1) without scanning the array.
const STATUS_SET: ReadonlySet<string> = new Set(UNIT_STATUSES);

export function isUnitStatus(v: unknown): v is UnitStatus {
  return typeof v === 'string' && STATUS_SET.has(v);
}
