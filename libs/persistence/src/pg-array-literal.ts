/**
 * PostgreSQL array literals ('{1.5,NULL,"U1"}') built in one pass, for parameters cast in SQL
 * ($1::float8[], $2::text[]). node-postgres turns a JS array into the same literal, but through a
 * generic per-element path (type tests, escaping of every element, number → string) that was ~7 % of
 * the ingest consumer's CPU in bench:ingest; a string parameter also reaches PGlite unchanged.
 */

/** Numbers (null = SQL NULL). JS prints the shortest text that reads back as the same double, as node-postgres does. */
export function numberArrayLiteral(values: ReadonlyArray<number | null>): string {
  let s = '{';
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (i > 0) s += ',';
    s += v === null || v === undefined ? 'NULL' : String(v);
  }
  return s + '}';
}

const NEEDS_ESCAPE = /["\\]/;

/** Text (null = SQL NULL); every element quoted, so 'NULL', '' and commas stay text. */
export function textArrayLiteral(values: ReadonlyArray<string | null>): string {
  let s = '{';
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (i > 0) s += ',';
    if (v === null || v === undefined) s += 'NULL';
    else s += '"' + (NEEDS_ESCAPE.test(v) ? v.replace(/["\\]/g, '\\$&') : v) + '"';
  }
  return s + '}';
}
