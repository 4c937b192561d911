import 'reflect-metadata';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import type { Extension } from '@electric-sql/pglite';
import { PGliteDriver } from 'typeorm-pglite';
import { MIGRATIONS } from './migrations';
import { ExclusivePGlitePool } from './pglite-exclusive-pool';
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

/** Builds a DataSource for either target; schema comes only from MIGRATIONS (synchronize off). */
export async function createDataSource(target: DatabaseTarget): Promise<DataSource> {
  const common = {
    type: 'postgres' as const,
    synchronize: false,
    migrations: MIGRATIONS,
    migrationsTransactionMode: 'each' as const,
    logging: false,
  };
  if (target.databaseUrl) {
    return new DataSource({ ...common, url: target.databaseUrl, extra: { max: 8 } });
  }
  if (!target.pgliteDir.startsWith('memory://')) mkdirSync(target.pgliteDir, { recursive: true });
  // Loaded lazily: the WASM build is large and a real-server deployment never needs it. (A require,
  // because the subpath export is invisible to this project's node10 type resolution.)
  const { timescaledb } = require('@electric-sql/pglite/timescaledb') as { timescaledb: Extension };
  new PGliteDriver({ dataDir: target.pgliteDir, extensions: { timescaledb } }); // sets the instance options
  return new DataSource({ ...common, driver: { Pool: ExclusivePGlitePool } });
}

/** Opens the database, runs pending migrations and says which storage engine is in use. */
export async function openDatabase(target: DatabaseTarget): Promise<{ dataSource: DataSource; info: StorageInfo }> {
  const dataSource = await createDataSource(target);
  await dataSource.initialize();
  if (!target.databaseUrl) {
    // PGlite has no shared_preload_libraries: on a reopened data directory TimescaleDB's hooks are not
    // active until the library is loaded, and inserts into a hypertable fail. Load it first thing.
    await dataSource.query(`LOAD 'timescaledb'`);
  }
  await dataSource.runMigrations();
  return {
    dataSource,
    info: { engine: target.databaseUrl ? 'postgresql' : 'pglite', timescale: await timescaleVersion(dataSource) },
  };
}

/** Closes a data source; the embedded PGlite is a process-wide singleton and must be released too. */
export async function closeDatabase(dataSource: DataSource): Promise<void> {
  if (dataSource.isInitialized) await dataSource.destroy();
  const { PGliteInstance } = await import('typeorm-pglite/dist/pglite-instance');
  await PGliteInstance.close();
}

export function pgliteDirFor(dataDir: string): string {
  return join(dataDir, 'pglite');
}
