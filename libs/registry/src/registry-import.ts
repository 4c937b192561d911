import { DomainError } from '@rescue/common';
import type { Readable } from 'node:stream';
import { FIELDS, parseRecord, type RegistryKind, type RegistryRecord } from './kinds';
import type { ImportCrs } from './location';
import { type ColumnMapping, resolveColumns } from './mapping';
import { formatRowError, type RowError, RowReader } from './row-errors';
import { readRows, type TableFormat } from './table-source';

/** One field that an import changes on an existing record. */
export interface FieldChange {
  field: string;
  from: unknown;
  to: unknown;
}

export interface PlannedChange {
  id: string;
  row: number;
  action: 'create' | 'update';
  /** Empty for a create. */
  changes: FieldChange[];
  record: RegistryRecord;
}

export interface RegistryImportResult {
  kind: RegistryKind;
  dryRun: boolean;
  /** Rows read (data rows, without the header). */
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
  /** When there are errors nothing was written. */
  errors: RowError[];
  changes: PlannedChange[];
  applied: boolean;
}

/**
 * Where registry records live. Implemented over the database in libs/persistence (registry-store.ts);
 * `transaction` runs everything in one database transaction so an import applies whole or not at all.
 */
export interface RegistryTx {
  existing(kind: RegistryKind, ids: string[]): Promise<Map<string, RegistryRecord>>;
  /** Station ids known to the registry (for units' station references). */
  stationIds(): Promise<Set<string>>;
  upsert(kind: RegistryKind, record: RegistryRecord, action: 'create' | 'update', changes: FieldChange[], actor: string): Promise<void>;
  auditImport(kind: RegistryKind, actor: string, detail: Record<string, unknown>): Promise<void>;
}

export interface RegistryStore {
  transaction<T>(work: (tx: RegistryTx) => Promise<T>): Promise<T>;
}

export interface RegistryImportOptions {
  format: TableFormat;
  crs: ImportCrs;
  mapping: ColumnMapping;
  dryRun: boolean;
  /** Who asked, as in the audit trail: `key:<name>`, `system:cli`. */
  actor: string;
  /** File name, recorded in the audit trail. */
  source: string;
  /** Registries are small; a file longer than this is refused rather than held (default 50,000 rows). */
  maxRows?: number;
}

/** Refusals of the whole import (not of a row): unreadable file, unknown mapping column. */
export class ImportError extends DomainError<'BAD_IMPORT'> {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('BAD_IMPORT', message, details);
  }
}

const same = (a: unknown, b: unknown): boolean => {
  if (typeof a === 'number' && typeof b === 'number') return Math.abs(a - b) < 1e-9;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && [...a].sort().join('\u0001') === [...b].sort().join('\u0001');
  return (a ?? null) === (b ?? null);
};

/** What an import would change on one record: only the fields the file has a column for. */
export function diffRecord(existing: RegistryRecord, incoming: RegistryRecord, present: ReadonlySet<string>): { merged: RegistryRecord; changes: FieldChange[] } {
  const merged: Record<string, unknown> = { ...existing };
  const changes: FieldChange[] = [];
  for (const [k, v] of Object.entries(incoming)) {
    if (!present.has(k)) continue;
    if (!same((existing as unknown as Record<string, unknown>)[k], v)) changes.push({ field: k, from: (existing as unknown as Record<string, unknown>)[k] ?? null, to: v });
    merged[k] = v;
  }
  return { merged: merged as unknown as RegistryRecord, changes };
}

/** Our record fields fed by each spreadsheet field (a location column feeds the WGS-84 and input fields). */
function presentFields(kind: RegistryKind, columns: Record<string, string | null>, geojson: boolean): Set<string> {
  const s = new Set<string>(['id']);
  for (const [f, c] of Object.entries(columns)) if (c !== null) s.add(f);
  const located = geojson || (s.has('lat') && s.has('lon'));
  s.delete('lat');
  s.delete('lon');
  if (kind !== 'units' && located) for (const f of ['lat', 'lon', 'inputCrs', 'inputLat', 'inputLon']) s.add(f);
  return s;
}

/**
 * Reads a registry file, checks every row, and applies it in one transaction: creates and updates by
 * the centre's own ids, nothing when any row is wrong (each error names its row and column), nothing on
 * a dry run (which still reports what would change). Re-importing the same file changes nothing.
 */
export async function importRegistry(store: RegistryStore, kind: RegistryKind, input: Readable, opts: RegistryImportOptions): Promise<RegistryImportResult> {
  const fields = FIELDS[kind];
  const maxRows = opts.maxRows ?? 50_000;
  const errors: RowError[] = [];
  const records: Array<{ row: number; record: RegistryRecord }> = [];
  let columns: Record<string, string | null> | null = null;
  let rows = 0;
  const firstRow = new Map<string, number>();
  for await (const src of readRows(input, opts.format)) {
    if (!columns) {
      const r = resolveColumns(Object.keys(src.cells), fields, opts.mapping);
      if (r.problems.length > 0) throw new ImportError(r.problems.join('; '));
      columns = r.columns;
    }
    if (++rows > maxRows) throw new ImportError(`more than ${maxRows} rows: a registry file this long is not a registry (split it, or import tasks with \`tasks\`)`);
    const reader = new RowReader(src, columns);
    const hasLocation = opts.format === 'geojson' || (columns['lat'] !== null && columns['lon'] !== null);
    const rec = parseRecord(kind, reader, opts.crs, hasLocation);
    errors.push(...reader.errors);
    if (!rec) continue;
    const prev = firstRow.get(rec.id);
    if (prev !== undefined) {
      errors.push({ row: src.row, column: reader.column('id'), message: `编号 ${rec.id} 与第 ${prev} 行重复 (duplicate of row ${prev})` });
      continue;
    }
    firstRow.set(rec.id, src.row);
    records.push({ row: src.row, record: rec });
  }
  const present = presentFields(kind, columns ?? {}, opts.format === 'geojson');
  return store.transaction(async (tx) => {
    const existing = await tx.existing(kind, records.map((r) => r.record.id));
    if (kind === 'units') {
      // A unit's station must be in the registry, or among the stations this very import adds... of
      // another kind: stations come first, units after (the order a centre sets up in).
      const stations = await tx.stationIds();
      for (const { row, record } of records) {
        const sid = (record as { stationId: string | null }).stationId;
        if (sid !== null && present.has('stationId') && !stations.has(sid)) errors.push({ row, column: columns?.['stationId'] ?? 'stationId', message: `站点 ${sid} 不在站点登记中，请先导入站点 (station not in the registry: import stations first)` });
      }
    }
    const changes: PlannedChange[] = [];
    let unchanged = 0;
    for (const { row, record } of records) {
      const old = existing.get(record.id);
      if (!old) {
        if (kind !== 'units' && !present.has('lat')) {
          errors.push({ row, column: 'lat', message: '新增记录需要经纬度 (a new record needs a location: add lat/lon columns)' });
          continue;
        }
        changes.push({ id: record.id, row, action: 'create', changes: [], record });
        continue;
      }
      const d = diffRecord(old, record, present);
      if (d.changes.length === 0) unchanged++;
      else changes.push({ id: record.id, row, action: 'update', changes: d.changes, record: d.merged });
    }
    errors.sort((a, b) => a.row - b.row);
    const result: RegistryImportResult = {
      kind,
      dryRun: opts.dryRun,
      rows,
      created: changes.filter((c) => c.action === 'create').length,
      updated: changes.filter((c) => c.action === 'update').length,
      unchanged,
      errors,
      changes,
      applied: false,
    };
    if (errors.length > 0 || opts.dryRun) return result;
    result.applied = true;
    // A re-import of the same file writes nothing at all, not even an audit record of nothing.
    if (changes.length === 0) return result;
    for (const c of changes) await tx.upsert(kind, c.record, c.action, c.changes, opts.actor);
    await tx.auditImport(kind, opts.actor, { source: opts.source, crs: opts.crs, rows, created: result.created, updated: result.updated, unchanged });
    return result;
  });
}

/** The result as the CLI prints it: Chinese first. */
export function describeRegistryImport(r: RegistryImportResult, maxLines = 200): string[] {
  const lines: string[] = [];
  for (const e of r.errors.slice(0, maxLines)) lines.push(formatRowError(e));
  if (r.errors.length > maxLines) lines.push(`…另有 ${r.errors.length - maxLines} 个错误 (${r.errors.length - maxLines} more errors)`);
  for (const c of r.changes.slice(0, maxLines)) {
    lines.push(c.action === 'create'
      ? `+ 新增 ${c.id} (第 ${c.row} 行)`
      : `~ 修改 ${c.id} (第 ${c.row} 行): ${c.changes.map((x) => `${x.field} ${JSON.stringify(x.from)} → ${JSON.stringify(x.to)}`).join(', ')}`);
  }
  if (r.changes.length > maxLines) lines.push(`…另有 ${r.changes.length - maxLines} 项变更 (${r.changes.length - maxLines} more changes)`);
  const verdict = r.errors.length > 0
    ? `有 ${r.errors.length} 个错误，未做任何修改 (${r.errors.length} errors: nothing changed)`
    : r.dryRun ? '试运行，未写入 (dry run: nothing written)' : r.changes.length === 0 ? '无变更 (nothing to change)' : '已写入 (applied)';
  lines.push(`${r.kind}: ${r.rows} 行，新增 ${r.created}，修改 ${r.updated}，未变 ${r.unchanged}；${verdict}`);
  return lines;
}
