import { DomainError } from '@rescue/common';
/**
 * Which column of the centre's file holds which of our fields. Each field has default header names
 * (Chinese as the dispatch systems export them, and English); a mapping file (`--mapping columns.json`)
 * names the column for the fields whose header differs: `{"id": "站点ID", "lat": "纬度(高德)"}`, or the
 * same under a "columns" key.
 */
export interface FieldSpec {
  /** Our field name (also accepted as a header). */
  name: string;
  /** Header names recognised without a mapping, first is the one shown in messages and templates. */
  headers: readonly string[];
  required?: boolean;
}

export type ColumnMapping = Record<string, string>;

export class MappingError extends DomainError<'BAD_IMPORT'> {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('BAD_IMPORT', message, details);
  }
}

export function parseMapping(raw: unknown, fields: readonly FieldSpec[]): ColumnMapping {
  const obj = (typeof raw === 'object' && raw !== null && !Array.isArray(raw) && 'columns' in raw ? (raw as { columns: unknown }).columns : raw) as unknown;
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) throw new MappingError('mapping: expected a JSON object {"field": "column header", ...}');
  const known = fields.map((f) => f.name);
  const out: ColumnMapping = {};
  for (const [k, v] of Object.entries(obj)) {
    if (!known.includes(k)) throw new MappingError(`mapping: unknown field "${k}" (fields: ${known.join(', ')})`);
    if (typeof v !== 'string' || v.trim() === '') throw new MappingError(`mapping.${k}: expected the column header as text`);
    out[k] = v.trim();
  }
  return out;
}

/**
 * The header each field is read from, given the file's headers. A mapped column missing from the file
 * is an error (a typo in the mapping would otherwise import nothing for that field).
 */
export function resolveColumns(headers: readonly string[], fields: readonly FieldSpec[], mapping: ColumnMapping): { columns: Record<string, string | null>; problems: string[] } {
  const columns: Record<string, string | null> = {};
  const problems: string[] = [];
  const lower = new Map(headers.map((h) => [h.toLowerCase(), h]));
  for (const f of fields) {
    const mapped = mapping[f.name];
    if (mapped !== undefined) {
      if (!headers.includes(mapped)) problems.push(`映射的列 "${mapped}" (字段 ${f.name}) 不在文件中 (mapped column not in the file)`);
      columns[f.name] = headers.includes(mapped) ? mapped : null;
      continue;
    }
    const hit = [f.name, ...f.headers].map((h) => lower.get(h.toLowerCase())).find((h) => h !== undefined);
    columns[f.name] = hit ?? null;
  }
  return { columns, problems };
}
