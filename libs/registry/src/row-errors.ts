import type { Parsed } from './fields';
import { isProblem } from './fields';
import type { SourceRow } from './table-source';

/** What is wrong with one cell: row as the staff see it in their spreadsheet, column by its header. */
export interface RowError {
  row: number;
  column: string;
  message: string;
}

export function formatRowError(e: RowError): string {
  return `第 ${e.row} 行 "${e.column}" 列: ${e.message} (row ${e.row}, column ${e.column})`;
}

/**
 * Reads the cells of one row through the resolved columns, collecting every problem of the row
 * (not just the first), so one pass over a file shows the staff all they must fix.
 */
export class RowReader {
  readonly errors: RowError[] = [];

  constructor(
    readonly source: SourceRow,
    private readonly columns: Record<string, string | null>,
  ) {}

  /** The column a field is read from, for messages: the file's header, or the field's name if absent. */
  column(field: string): string {
    return this.columns[field] ?? field;
  }

  raw(field: string): string {
    const c = this.columns[field];
    return c ? (this.source.cells[c] ?? '') : '';
  }

  fail(field: string, message: string): void {
    this.errors.push({ row: this.source.row, column: this.column(field), message });
  }

  /** The parsed value, or undefined when empty (and not required) or wrong (the error is recorded). */
  get<T>(field: string, parse: (raw: string) => Parsed<T>, required = false): T | undefined {
    const raw = this.raw(field);
    if (raw === '') {
      if (required) this.fail(field, this.columns[field] ? '必填项为空 (required, empty)' : '文件中没有此列 (required column missing)');
      return undefined;
    }
    const v = parse(raw);
    if (isProblem(v)) {
      this.fail(field, v.message);
      return undefined;
    }
    return v;
  }
}
