import { DomainError } from '@rescue/common';
import { pipeline, type Readable, Transform } from 'node:stream';
import { parse as parseCsv } from 'csv-parse';
import ExcelJS from 'exceljs';

/**
 * One data row of an imported file, as the centre's staff see it: `row` is the spreadsheet row number
 * (the header is row 1, so the first data row is 2) or, in GeoJSON, the feature's position (1-based).
 * Cells are trimmed text keyed by the file's own header; a GeoJSON Point geometry comes as `point`.
 */
export interface SourceRow {
  row: number;
  cells: Record<string, string>;
  point?: { lat: number; lon: number } | null;
}

export const TABLE_FORMATS = ['csv', 'xlsx', 'geojson'] as const;
export type TableFormat = (typeof TABLE_FORMATS)[number];

/** A file that cannot be read at all (not a row's fault): wrong format, no header, broken zip. */
export class TableError extends DomainError<'BAD_IMPORT'> {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('BAD_IMPORT', message, details);
  }
}

export function formatFromName(name: string): TableFormat | null {
  const ext = /\.([a-z]+)$/i.exec(name)?.[1]?.toLowerCase();
  if (ext === 'csv' || ext === 'txt') return 'csv';
  if (ext === 'xlsx') return 'xlsx';
  if (ext === 'geojson' || ext === 'json') return 'geojson';
  return null;
}

/** Rows of a CSV, XLSX (first sheet) or GeoJSON stream, one at a time: CSV and XLSX are never held whole. */
export function readRows(input: Readable, format: TableFormat, opts: { maxGeoJsonBytes?: number } = {}): AsyncIterable<SourceRow> {
  if (format === 'csv') return csvRows(input);
  if (format === 'xlsx') return xlsxRows(input);
  return geoJsonRows(input, opts.maxGeoJsonBytes ?? 64 * 1024 * 1024);
}

function cellsOf(header: string[], values: string[]): Record<string, string> {
  const cells: Record<string, string> = {};
  header.forEach((h, i) => {
    if (h !== '') cells[h] = (values[i] ?? '').trim();
  });
  return cells;
}

function checkHeader(header: string[]): string[] {
  const h = header.map((x) => x.replace(/^\uFEFF/, '').trim());
  if (h.every((x) => x === '')) throw new TableError('row 1 (the header) is empty: the first row must name the columns');
  const seen = new Set<string>();
  for (const x of h) {
    if (x !== '' && seen.has(x)) throw new TableError(`row 1 (the header): column "${x}" appears twice`);
    seen.add(x);
  }
  return h;
}

/**
 * Text of a CSV in UTF-8 or GBK: Excel in a Chinese locale saves CSV as GBK (code page 936). The first
 * chunk decides: if it is not valid UTF-8, the whole stream is read as GBK.
 */
function decoding(): Transform {
  let decoder: InstanceType<typeof TextDecoder> | null = null;
  return new Transform({
    readableObjectMode: false,
    decodeStrings: true,
    transform(chunk: Buffer, _enc, done) {
      if (!decoder) {
        try {
          new TextDecoder('utf-8', { fatal: true }).decode(chunk, { stream: true });
          decoder = new TextDecoder('utf-8');
        } catch {
          decoder = new TextDecoder('gbk');
        }
      }
      done(null, decoder.decode(chunk, { stream: true }));
    },
    flush(done) {
      done(null, decoder ? decoder.decode() : '');
    },
  });
}

async function* csvRows(input: Readable): AsyncGenerator<SourceRow> {
  const parser = parseCsv({ bom: true, relax_column_count: true, skip_empty_lines: true, relax_quotes: true });
  // pipeline: an error anywhere (unreadable file, bad bytes) ends the parser's iteration with it.
  pipeline(input, decoding(), parser, () => undefined);
  let header: string[] | null = null;
  let row = 0;
  try {
    for await (const rec of parser as AsyncIterable<string[]>) {
      row++;
      if (!header) {
        header = checkHeader(rec);
        continue;
      }
      if (rec.every((v) => v.trim() === '')) continue;
      yield { row, cells: cellsOf(header, rec) };
    }
  } catch (e) {
    throw new TableError(`CSV unreadable near row ${row + 1}: ${(e as Error).message}`);
  }
  if (!header) throw new TableError('the file is empty: no header row');
}

/** A cell's value as text: rich text, hyperlinks and formula results as what Excel shows. Dates as ISO. */
export function cellText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) return `excel-date:${v.toISOString()}`;
  if (typeof v === 'object') {
    const o = v as { richText?: Array<{ text: string }>; text?: unknown; result?: unknown; error?: unknown };
    if (o.richText) return o.richText.map((r) => r.text).join('');
    if (o.result !== undefined) return cellText(o.result);
    if (o.text !== undefined) return cellText(o.text);
    if (o.error !== undefined) return '';
    return '';
  }
  return String(v);
}

async function* xlsxRows(input: Readable): AsyncGenerator<SourceRow> {
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(input, { sharedStrings: 'cache', styles: 'cache', hyperlinks: 'ignore', worksheets: 'emit', entries: 'emit' });
  let header: string[] | null = null;
  try {
    for await (const sheet of reader) {
      for await (const r of sheet) {
        // exceljs row.values is 1-based (index 0 unused) and sparse.
        const raw = r.values as unknown[];
        const values: string[] = [];
        for (let i = 1; i < raw.length; i++) values.push(cellText(raw[i]));
        if (!header) {
          if (r.number !== 1) throw new TableError(`the first sheet's row 1 (the header) is empty: the first row must name the columns`);
          header = checkHeader(values);
          continue;
        }
        if (values.every((v) => v.trim() === '')) continue;
        yield { row: r.number, cells: cellsOf(header, values) };
      }
      break; // the first sheet only
    }
  } catch (e) {
    if (e instanceof TableError) throw e;
    throw new TableError(`XLSX unreadable: ${(e as Error).message}`);
  }
  if (!header) throw new TableError('the workbook has no rows in its first sheet');
}

async function* geoJsonRows(input: Readable, maxBytes: number): AsyncGenerator<SourceRow> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of input) {
    const b = typeof c === 'string' ? Buffer.from(c) : (c as Buffer);
    size += b.length;
    if (size > maxBytes) throw new TableError(`GeoJSON larger than ${maxBytes} bytes: split it, or use CSV/XLSX (read as a stream)`);
    chunks.push(b);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(Buffer.concat(chunks).toString('utf8').replace(/^\uFEFF/, ''));
  } catch (e) {
    throw new TableError(`GeoJSON is not valid JSON: ${(e as Error).message}`);
  }
  const fc = doc as { type?: unknown; features?: unknown };
  if (typeof doc !== 'object' || doc === null || fc.type !== 'FeatureCollection' || !Array.isArray(fc.features)) {
    throw new TableError('GeoJSON: expected a FeatureCollection with a features array');
  }
  let n = 0;
  for (const f of fc.features as unknown[]) {
    n++;
    const feat = (f ?? {}) as { properties?: unknown; geometry?: { type?: unknown; coordinates?: unknown } | null };
    const props = (typeof feat.properties === 'object' && feat.properties !== null ? feat.properties : {}) as Record<string, unknown>;
    const cells: Record<string, string> = {};
    for (const [k, v] of Object.entries(props)) {
      cells[k] = Array.isArray(v) ? v.map((x) => String(x)).join(';') : v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v).trim();
    }
    const g = feat.geometry;
    let point: SourceRow['point'] = null;
    if (g && g.type === 'Point' && Array.isArray(g.coordinates) && typeof g.coordinates[0] === 'number' && typeof g.coordinates[1] === 'number') {
      point = { lon: g.coordinates[0], lat: g.coordinates[1] };
    }
    yield { row: n, cells, point };
  }
}
