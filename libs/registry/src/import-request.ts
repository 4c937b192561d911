import { FIELDS, REGISTRY_KINDS, type RegistryKind } from './kinds';
import { IMPORT_CRS, type ImportCrs, isImportCrs } from './location';
import { type ColumnMapping, MappingError, parseMapping } from './mapping';
import { ImportError } from './registry-import';
import { TABLE_FORMATS, type TableFormat } from './table-source';
import { TASK_FIELDS } from './tasks-import';

export type ImportKind = RegistryKind | 'tasks';
export const IMPORT_KINDS: readonly ImportKind[] = [...REGISTRY_KINDS, 'tasks'];

/** What the CLI's flags and the API's query both come to, checked the same way. */
export interface ImportRequest {
  kind: ImportKind;
  format: TableFormat;
  crs: ImportCrs;
  mapping: ColumnMapping;
  dryRun: boolean;
  /** Tasks only: hold the task tables alone and check references once at the end (faster; live writers wait). */
  exclusive: boolean;
}

function flagValue(name: string, d: unknown): boolean {
  const on = d === true || d === 'true' || d === '1';
  if (d !== undefined && !on && d !== false && d !== 'false' && d !== '0') throw new ImportError(`${name}: true or false (got ${JSON.stringify(d)})`);
  return on;
}

export function importRequest(raw: { kind: unknown; format: unknown; crs?: unknown; mapping?: unknown; dryRun?: unknown; exclusive?: unknown }): ImportRequest {
  const kind = raw.kind;
  if (typeof kind !== 'string' || !(IMPORT_KINDS as readonly string[]).includes(kind)) throw new ImportError(`what to import: one of ${IMPORT_KINDS.join(', ')} (got ${JSON.stringify(kind)})`);
  const format = raw.format;
  if (typeof format !== 'string' || !(TABLE_FORMATS as readonly string[]).includes(format)) throw new ImportError(`format: one of ${TABLE_FORMATS.join(', ')} (got ${JSON.stringify(format)})`);
  if (kind === 'tasks' && format === 'geojson') throw new ImportError('tasks come as CSV or XLSX (an export table), not GeoJSON');
  const crs = raw.crs ?? 'WGS84';
  if (!isImportCrs(crs)) throw new ImportError(`crs: one of ${IMPORT_CRS.join(', ')} (WGS84 GPS, GCJ02 高德/腾讯, BD09 百度) (got ${JSON.stringify(crs)})`);
  let mapping: ColumnMapping = {};
  if (raw.mapping !== undefined && raw.mapping !== null) {
    try {
      mapping = parseMapping(raw.mapping, kind === 'tasks' ? TASK_FIELDS : FIELDS[kind as RegistryKind]);
    } catch (e) {
      if (e instanceof MappingError) throw new ImportError(e.message);
      throw e;
    }
  }
  const exclusive = flagValue('exclusive', raw.exclusive);
  if (exclusive && kind !== 'tasks') throw new ImportError('exclusive applies to tasks only (registry imports are small)');
  return { kind: kind as ImportKind, format: format as TableFormat, crs, mapping, dryRun: flagValue('dryRun', raw.dryRun), exclusive };
}
