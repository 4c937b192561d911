import type { Queryable } from './timescale';

/**
 * Typed rows. TypeORM's query() returns `any`; here each statement names the row interface of its
 * columns as the driver hands them over, so a misspelt column or a forgotten conversion is a type
 * error instead of an `undefined` at run time. The conversion to the domain's types stays explicit.
 */
/** timestamptz: pg gives a Date, PGlite may give a string. */
export type DbTimestamp = Date | string;
/** bigint and numeric: strings from pg (they can exceed 2^53), numbers from PGlite. */
export type DbBigint = string | number;

export async function selectRows<R extends object>(db: Queryable, sql: string, params: readonly unknown[] = []): Promise<R[]> {
  return (await db.query(sql, params as unknown[])) as R[];
}

export async function selectRow<R extends object>(db: Queryable, sql: string, params: readonly unknown[] = []): Promise<R | null> {
  return (await selectRows<R>(db, sql, params))[0] ?? null;
}

export async function execute(db: Queryable, sql: string, params: readonly unknown[] = []): Promise<void> {
  await db.query(sql, params as unknown[]);
}

export const toMs = (v: DbTimestamp): number => new Date(v).getTime();
export const toMsOrNull = (v: DbTimestamp | null): number | null => (v === null ? null : toMs(v));
export const toIso = (ms: number): string => new Date(ms).toISOString();
