import 'reflect-metadata';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { MIGRATIONS } from './migrations';
import { PgliteServer, startPgliteServer } from './pglite-server';
import { timescaleVersion } from './timescale';

export interface DatabaseTarget {
  /** postgres://… for a real server; null for the embedded PGlite with TimescaleDB. */
  databaseUrl: string | null;
  /** Where the embedded database lives ('memory://' keeps it in memory). */
  pgliteDir: string;
}

export interface StorageInfo {
  engine: 'postgresql' | 'pglite';
  /** Installed timescaledb version, or null when the schema fell back to plain tables. */
  timescale: string | null;
}

/** The embedded database thread behind each data source that uses one (stopped by closeDatabase). */
const embeddedServers = new WeakMap<DataSource, PgliteServer>();

/**
 * Builds a DataSource on a PostgreSQL URL; schema comes only from MIGRATIONS (synchronize off).
 * `poolSize` 1 for the embedded PGlite: it is a single backend session, so one query runner holds it
 * from connect to release and two transactions never interleave in it.
 */
export function createDataSource(url: string, poolSize = 8): DataSource {
  return new DataSource({
    type: 'postgres',
    url,
    synchronize: false,
    migrations: MIGRATIONS,
    migrationsTransactionMode: 'each',
    logging: false,
    // The embedded session stays open (idleTimeoutMillis 0): reconnecting costs a startup round trip.
    extra: poolSize === 1 ? { max: 1, idleTimeoutMillis: 0 } : { max: poolSize },
  });
}

/**
 * Opens the database, runs pending migrations and says which storage engine is in use. The embedded
 * PGlite runs in its own thread (pglite-server.ts) and is reached through `pg` like a real server.
 */
export async function openDatabase(target: DatabaseTarget): Promise<{ dataSource: DataSource; info: StorageInfo }> {
  const server = target.databaseUrl ? null : await startPgliteServer(target.pgliteDir);
  const dataSource = createDataSource(server ? server.url : target.databaseUrl!, server ? 1 : 8);
  try {
    await dataSource.initialize();
    if (server) embeddedServers.set(dataSource, server);
    await dataSource.runMigrations();
  } catch (err) {
    if (dataSource.isInitialized) await dataSource.destroy();
    await server?.stop();
    throw err;
  }
  return {
    dataSource,
    info: { engine: server ? 'pglite' : 'postgresql', timescale: await timescaleVersion(dataSource) },
  };
}

/** Closes a data source, and the embedded database thread behind it (PGlite flushes its files). */
export async function closeDatabase(dataSource: DataSource): Promise<void> {
  if (dataSource.isInitialized) await dataSource.destroy();
  const server = embeddedServers.get(dataSource);
  embeddedServers.delete(dataSource);
  await server?.stop();
}

/** The embedded database thread behind a data source (null for a real server). */
export function embeddedServerOf(dataSource: DataSource): PgliteServer | null {
  return embeddedServers.get(dataSource) ?? null;
}

export function pgliteDirFor(dataDir: string): string {
  return join(dataDir, 'pglite');
}
