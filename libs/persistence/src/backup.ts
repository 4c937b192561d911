import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import type { Extension } from '@electric-sql/pglite';
import type { DataSource } from 'typeorm';
import { embeddedServerOf } from './data-source';

/**
 * Backups of the embedded database (PGlite): its whole data directory as a gzipped tarball, taken by the
 * process that holds it (PGlite is one process's), and restored into an empty directory. Consistent
 * while ingest runs: this holds the data source's one pooled connection (the embedded database is one
 * session, pool size 1) while the database thread checkpoints and reads its files, so no statement runs
 * meanwhile and a transaction is either whole in the backup or absent. Its commit is what the ingest
 * acknowledges, so an acknowledged fix is in every later backup. PostgreSQL: pg_dump (apps/cli/backup.ts).
 */
export async function dumpEmbeddedDatabase(ds: DataSource): Promise<Buffer> {
  const server = embeddedServerOf(ds);
  if (!server) throw new Error('not an embedded database: back PostgreSQL up with pg_dump');
  const qr = ds.createQueryRunner();
  await qr.connect(); // the one connection: ingest and every other query wait until release
  try {
    await qr.query('SELECT 1');
    return await server.dump();
  } finally {
    await qr.release();
  }
}

/** A gzip stream (an embedded backup) starts 1f 8b; a pg_dump custom-format archive with "PGDMP". */
export function backupKind(head: Buffer): 'embedded' | 'pg_dump' | null {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'embedded';
  if (head.subarray(0, 5).toString('latin1') === 'PGDMP') return 'pg_dump';
  return null;
}

export class RestoreError extends Error {}

/**
 * Restores an embedded backup into `pgliteDir`, which must not hold a database (never over a live one).
 * Opens it once, with TimescaleDB, so a damaged archive fails here rather than at the next start.
 */
export async function restoreEmbeddedDatabase(file: string, pgliteDir: string): Promise<{ bytes: number }> {
  if (existsSync(pgliteDir) && readdirSync(pgliteDir).length > 0) {
    throw new RestoreError(`${pgliteDir} is not empty: restore into an empty data directory (stop the server, move the old one aside)`);
  }
  const data = readFileSync(file);
  if (backupKind(data) !== 'embedded') throw new RestoreError(`${file} is not an embedded (PGlite) backup`);
  mkdirSync(pgliteDir, { recursive: true });
  const { PGlite } = await import('@electric-sql/pglite');
  const { timescaledb } = require('@electric-sql/pglite/timescaledb') as { timescaledb: Extension };
  const pg = await PGlite.create({ dataDir: pgliteDir, loadDataDir: new Blob([data]), extensions: { timescaledb } });
  try {
    await pg.query('SELECT 1');
  } finally {
    await pg.close();
  }
  return { bytes: data.length };
}
