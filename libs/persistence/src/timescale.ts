/** Anything that runs SQL: a DataSource, an EntityManager or a QueryRunner. */
export interface Queryable {
  query(sql: string, params?: unknown[]): Promise<any>;
}

/** Whether the server can give us TimescaleDB; migrations branch on it so one schema runs everywhere. */
export async function timescaleAvailable(q: Queryable): Promise<boolean> {
  const rows: unknown[] = await q.query(`SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb'`);
  return rows.length > 0;
}

/** Version of the installed timescaledb extension, or null when the schema uses plain tables. */
export async function timescaleVersion(q: Queryable): Promise<string | null> {
  const rows: Array<{ extversion: string }> = await q.query(
    `SELECT extversion FROM pg_extension WHERE extname = 'timescaledb'`,
  );
  return rows[0]?.extversion ?? null;
}
