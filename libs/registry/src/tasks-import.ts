import type { Readable } from 'node:stream';
import { DEFAULT_UTC_OFFSET_H, number, oneOf, Problem, text, timestamp } from './fields';
import { type ImportCrs, LAT_HEADERS, LON_HEADERS, readLocation } from './location';
import { type ColumnMapping, type FieldSpec, resolveColumns } from './mapping';
import { ImportError } from './registry-import';
import { formatRowError, type RowError, RowReader } from './row-errors';
import { readRows, type TableFormat } from './table-source';

/**
 * Historical tasks from the export of a centre's previous dispatch system (issue 13 item 2). Column
 * names default to what such exports call them; a mapping file names the others.
 */
export const TASK_FIELDS: readonly FieldSpec[] = [
  { name: 'externalId', headers: ['任务编号', '事件编号', '流水号', '任务单号', 'task_id', 'id'], required: true },
  { name: 'callRingAt', headers: ['来电时间', '振铃时间', '呼入时间', 'ring_at'] },
  { name: 'callAnsweredAt', headers: ['接听时间', '应答时间', '受理时间', 'answered_at'] },
  { name: 'orderSentAt', headers: ['派车时间', '调度时间', '发送指令时间', 'order_sent_at'] },
  { name: 'orderReceivedAt', headers: ['收到指令时间', '接收指令时间', '接令时间', 'order_received_at'] },
  { name: 'departedAt', headers: ['出车时间', '驶向现场时间', 'departed_at'] },
  { name: 'onSceneAt', headers: ['到达现场时间', '到达现场', 'on_scene_at'] },
  { name: 'leftSceneAt', headers: ['病人上车时间', '离开现场时间', 'patient_loaded_at'] },
  { name: 'atHospitalAt', headers: ['到达医院时间', '送达医院时间', 'at_hospital_at'] },
  { name: 'endedAt', headers: ['完成时间', '任务完成时间', '结束时间', 'ended_at'] },
  { name: 'outcome', headers: ['任务结果', '出车结果', '结果', 'outcome'] },
  { name: 'voidReason', headers: ['空车原因', '中止原因', 'void_reason'] },
  { name: 'unitId', headers: ['车辆编号', '车辆', 'unit_id'] },
  { name: 'stationId', headers: ['站点编号', '所属站点', '分站', 'station_id'] },
  { name: 'dispatcher', headers: ['调度员', '受理人', '调度员工号', 'dispatcher'] },
  { name: 'callType', headers: ['呼救类型', '主诉类别', '病种分类', 'call_type'] },
  { name: 'hospital', headers: ['送往医院', '目的医院', '接收医院', 'hospital'] },
  { name: 'priority', headers: ['病情分级', '优先级', 'priority'] },
  { name: 'emergency', headers: ['是否急救', '急救', 'emergency'] },
  { name: 'lat', headers: ['现场纬度', ...LAT_HEADERS] },
  { name: 'lon', headers: ['现场经度', ...LON_HEADERS] },
];

/** Outcomes: the lifecycle's endings (libs/contracts unit-status), with the words exports use. */
export const TASK_OUTCOMES: Record<string, readonly string[]> = {
  task_complete: ['完成', '正常', '送院', '任务完成', '已送达', 'completed'],
  refused: ['病人不去', '拒绝', '拒绝送院', '病人拒绝'],
  gone_on_arrival: ['车到人走', '人已走', '到达无人'],
  dead_not_transported: ['死亡不送', '死亡', '现场死亡'],
  aborted: ['中止', '取消', '中止/取消', '途中取消', '空车'],
};

const YES_NO: Record<string, readonly string[]> = { true: ['是', 'y', 'yes', '1', '急救'], false: ['否', 'n', 'no', '0', '非急救', '转院'] };

/** The task times in lifecycle order: each, when present, may not precede the one before it. */
export const TASK_TIMES = ['callRingAt', 'callAnsweredAt', 'orderSentAt', 'orderReceivedAt', 'departedAt', 'onSceneAt', 'leftSceneAt', 'atHospitalAt', 'endedAt'] as const;
export type TaskTimeField = (typeof TASK_TIMES)[number];

export interface ImportedTask {
  id: string;
  externalId: string;
  unitId: string | null;
  stationId: string | null;
  state: 'completed' | 'void' | 'unserved';
  outcome: string | null;
  outcomeReason: string | null;
  priority: number;
  emergency: boolean;
  dispatcher: string | null;
  callType: string | null;
  hospital: string | null;
  lat: number;
  lon: number;
  inputCrs: ImportCrs;
  inputLat: number;
  inputLon: number;
  /** 受理: answered, else ring, else order sent (the live code's call_taken_at is never empty). */
  callTakenAt: number;
  times: Record<TaskTimeField, number | null>;
}

const EXTERNAL_ID = /^[\p{L}\p{N}_.:/-]{1,64}$/u;

/** One row as a task, or null with its problems recorded on the reader. `units`: unit → its station. */
export function parseTaskRow(r: RowReader, crs: ImportCrs, units: ReadonlyMap<string, string | null>, utcOffsetH: number): ImportedTask | null {
  const externalId = r.get('externalId', (s) => (EXTERNAL_ID.test(s) ? s : new Problem(`任务编号 "${s}" 无效：1-64 个字母、数字或 _ . : / -`)), true);
  const times = {} as Record<TaskTimeField, number | null>;
  for (const f of TASK_TIMES) times[f] = r.get(f, (s) => timestamp(s, utcOffsetH)) ?? null;
  let prev: TaskTimeField | null = null;
  for (const f of TASK_TIMES) {
    const t = times[f];
    if (t === null) continue;
    if (prev !== null && t < times[prev]!) r.fail(f, `早于 "${r.column(prev)}" (earlier than ${prev})`);
    prev = f;
  }
  const outcome = r.get('outcome', (s) => oneOf(s, TASK_OUTCOMES, '任务结果'));
  const voidReason = r.get('voidReason', (s) => text(s, 200));
  const unitId = r.get('unitId', (s) => (units.has(s) ? s : new Problem(`车辆 ${s} 不在车辆登记中，请先导入车辆 (unit not in the registry)`)));
  const stationId = r.get('stationId', (s) => text(s, 64));
  const dispatcher = r.get('dispatcher', (s) => text(s, 64));
  const callType = r.get('callType', (s) => text(s, 64));
  const hospital = r.get('hospital', (s) => text(s, 100));
  const priority = r.get('priority', (s) => {
    const v = number(s, 1, 4);
    return v instanceof Problem || Number.isInteger(v) ? v : new Problem('病情分级应为 1-4 的整数');
  });
  const emergency = r.get('emergency', (s) => oneOf(s, YES_NO, '是否急救'));
  const loc = readLocation(r, crs, true);
  const callTakenAt = times.callAnsweredAt ?? times.callRingAt ?? times.orderSentAt;
  if (callTakenAt === null && r.errors.length === 0) r.fail('callAnsweredAt', '来电、接听、派车时间至少要有一个 (a call time is required)');
  if (r.errors.length > 0 || externalId === undefined || !loc || callTakenAt === null) return null;
  const isVoid = outcome !== undefined && outcome !== 'task_complete';
  const unit = unitId ?? null;
  return {
    id: `import-${externalId}`,
    externalId,
    unitId: unit,
    stationId: stationId ?? (unit ? (units.get(unit) ?? null) : null),
    state: unit === null ? 'unserved' : isVoid ? 'void' : 'completed',
    outcome: outcome ?? (unit !== null && (times.endedAt !== null || times.atHospitalAt !== null) ? 'task_complete' : null),
    outcomeReason: voidReason ?? null,
    priority: priority ?? 2,
    emergency: emergency === undefined ? true : emergency === 'true',
    dispatcher: dispatcher ?? null,
    callType: callType ?? null,
    hospital: hospital ?? null,
    lat: loc.lat,
    lon: loc.lon,
    inputCrs: loc.crs,
    inputLat: loc.inputLat,
    inputLon: loc.inputLon,
    callTakenAt,
    times,
  };
}

export interface TaskBatchResult {
  inserted: number;
  updated: number;
  unchanged: number;
}

export interface TasksTx {
  /** Every registered unit and its station. */
  units(): Promise<Map<string, string | null>>;
  /** Upserts by id; an unchanged task is left alone (its events too). */
  upsertTasks(batch: ImportedTask[]): Promise<TaskBatchResult>;
  auditImport(actor: string, detail: Record<string, unknown>): Promise<void>;
}

export interface TasksStore {
  /**
   * One transaction; a throw rolls it back. `exclusive`: the store may hold the task tables alone for the
   * transaction and check their references once, set-based, at its end instead of row by row (faster for a
   * large import; live writers wait meanwhile).
   */
  transaction<T>(work: (tx: TasksTx) => Promise<T>, opts?: { exclusive?: boolean }): Promise<T>;
}

export interface TasksImportOptions {
  format: Exclude<TableFormat, 'geojson'> | TableFormat;
  crs: ImportCrs;
  mapping: ColumnMapping;
  dryRun: boolean;
  actor: string;
  source: string;
  /** Hours east of UTC of times without a zone (default 8, Beijing). */
  utcOffsetH?: number;
  batchSize?: number;
  /**
   * Hold the task and unit tables alone for the import and check references once at its end: 1.2–1.7× as
   * fast in bench:import, but live dispatch waits until the import commits. For a centre's history before go-live, or off-peak.
   */
  exclusive?: boolean;
  /** Rejected rows listed in detail (all are counted). */
  maxErrors?: number;
  onProgress?: (rows: number) => void;
}

export interface TasksImportResult {
  kind: 'tasks';
  dryRun: boolean;
  rows: number;
  inserted: number;
  updated: number;
  unchanged: number;
  /** Rows not imported, each listed (up to maxErrors) with its problems. */
  rejected: number;
  errors: RowError[];
  applied: boolean;
}

class DryRunRollback extends Error {
  constructor(readonly result: TasksImportResult) {
    super('dry run');
  }
}

/**
 * Streams a task export into the database in one transaction: rows are read, checked and written in
 * batches (memory stays bounded by the batch); bad rows are rejected and listed, the rest imported. A
 * re-import of the same file inserts and updates nothing. A dry run does the same work and rolls back.
 */
export async function importTasks(store: TasksStore, input: Readable, opts: TasksImportOptions): Promise<TasksImportResult> {
  const batchSize = opts.batchSize ?? 2000;
  const maxErrors = opts.maxErrors ?? 1000;
  const offset = opts.utcOffsetH ?? DEFAULT_UTC_OFFSET_H;
  const result: TasksImportResult = { kind: 'tasks', dryRun: opts.dryRun, rows: 0, inserted: 0, updated: 0, unchanged: 0, rejected: 0, errors: [], applied: false };
  try {
    return await store.transaction(async (tx) => {
      const units = await tx.units();
      let columns: Record<string, string | null> | null = null;
      let batch: ImportedTask[] = [];
      const seen = new Set<string>();
      // The database writes one batch while the next is read and checked: one batch in flight at most,
      // so memory stays bounded by two batches.
      let inFlight: Promise<void> = Promise.resolve();
      const flush = async () => {
        if (batch.length === 0) return;
        const full = batch;
        batch = [];
        await inFlight;
        inFlight = tx.upsertTasks(full).then((r) => {
          result.inserted += r.inserted;
          result.updated += r.updated;
          result.unchanged += r.unchanged;
          opts.onProgress?.(result.rows);
        });
        // A failed write must stop the import now, not at the next batch: keep the rejection observed.
        inFlight.catch(() => undefined);
      };
      for await (const src of readRows(input, opts.format)) {
        if (!columns) {
          const c = resolveColumns(Object.keys(src.cells), TASK_FIELDS, opts.mapping);
          if (c.problems.length > 0) throw new ImportError(c.problems.join('; '));
          columns = c.columns;
        }
        result.rows++;
        const reader = new RowReader(src, columns);
        const task = parseTaskRow(reader, opts.crs, units, offset);
        if (task && seen.has(task.id)) reader.fail('externalId', `任务编号 ${task.externalId} 在文件中重复 (duplicate in the file)`);
        if (reader.errors.length > 0 || !task) {
          result.rejected++;
          for (const e of reader.errors) if (result.errors.length < maxErrors) result.errors.push(e);
          continue;
        }
        seen.add(task.id);
        batch.push(task);
        if (batch.length >= batchSize) await flush();
      }
      await flush();
      await inFlight;
      if (opts.dryRun) throw new DryRunRollback(result);
      await tx.auditImport(opts.actor, { source: opts.source, crs: opts.crs, rows: result.rows, inserted: result.inserted, updated: result.updated, unchanged: result.unchanged, rejected: result.rejected });
      result.applied = true;
      return result;
    }, { exclusive: opts.exclusive === true && !opts.dryRun }); // a dry run never holds the live tables
  } catch (e) {
    if (e instanceof DryRunRollback) return e.result;
    throw e;
  }
}

export function describeTasksImport(r: TasksImportResult, maxLines = 200): string[] {
  const lines = r.errors.slice(0, maxLines).map(formatRowError);
  if (r.errors.length > maxLines) lines.push(`…另有 ${r.errors.length - maxLines} 个错误 (${r.errors.length - maxLines} more)`);
  lines.push(`tasks: ${r.rows} 行，新增 ${r.inserted}，修改 ${r.updated}，未变 ${r.unchanged}，拒绝 ${r.rejected}；${r.dryRun ? '试运行，未写入 (dry run: nothing written)' : r.applied ? '已写入 (applied)' : '未写入'}`);
  return lines;
}
