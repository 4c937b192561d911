import { Client } from 'pg';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseTarget } from '@rescue/persistence';

export const realPgUrl = (): string | undefined => process.env.RC_TEST_PG_URL;

/** A scratch database on the real server, dropped by the returned cleanup. */
export async function scratchPostgres(prefix: string): Promise<{ target: DatabaseTarget; drop: () => Promise<void> }> {
  const admin = realPgUrl();
  if (!admin) throw new Error('no reachable PostgreSQL (RC_TEST_PG_URL unset)');
  const name = `${prefix}_${process.pid}_${Date.now()}`.toLowerCase().replace(/[^a-z0-9_]/g, '_');
  const c = new Client({ connectionString: admin });
  await c.connect();
  await c.query(`CREATE DATABASE ${name}`);
  await c.end();
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return {
    target: { databaseUrl: url.toString(), pgliteDir: '' },
    drop: async () => {
      const d = new Client({ connectionString: admin });
      await d.connect();
      await d.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await d.end();
    },
  };
}

/** An embedded PGlite+TimescaleDB in a temporary directory, removed by the returned cleanup. */
export function scratchPglite(): { target: DatabaseTarget; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'rc-pglite-'));
  return { target: { databaseUrl: null, pgliteDir: dir }, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
