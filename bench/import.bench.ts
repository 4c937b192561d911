// npm run bench:import: historical task import (issue 13 item 2), rows/s for a generated export of
// BENCH_IMPORT_TASKS (default 100,000) tasks, on PostgreSQL (PG_URL, default the local server; goal
// ≥ 10,000 rows/s) and on the embedded PGlite, with the process's peak RSS and heap (the file is
// streamed in batches, so memory must not grow with the file). Each stack runs twice: with the foreign keys
// checked row by row (the default, live writers unaffected) and --exclusive (keys checked once at the end). Baseline measured in the same run:
// reading and checking the rows without a database (the importer's own ceiling).
import { createReadStream, createWriteStream, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { closeDatabase, importedTasksStore, openDatabase, registryStore } from '@rescue/persistence';
import { importRegistry, importTasks, type TasksStore } from '@rescue/registry';
import { exportCsvLines, generateExport } from '@rescue/registry/testing';
import { positiveEnv } from './support/env';

const TASKS = positiveEnv('BENCH_IMPORT_TASKS', 100_000);
const PG_URL = process.env.PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const STATIONS = Array.from({ length: 20 }, (_, i) => `S${i + 1}`);
const UNITS = Array.from({ length: 60 }, (_, i) => ({ id: `U${i + 1}`, stationId: STATIONS[i % STATIONS.length]! }));
const out = (s: string) => process.stdout.write(s + '\n');

/** The generated export, cached under .data/ (gitignored): written once, streamed, never held. */
async function exportFile(): Promise<string> {
  const dir = join('.data', 'bench-import');
  const file = join(dir, `tasks-${TASKS}.csv`);
  if (existsSync(file)) return file;
  mkdirSync(dir, { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  const w = createWriteStream(tmp);
  Readable.from(exportCsvLines(generateExport({ month: '2026-11', tasks: TASKS, units: UNITS }))).pipe(w);
  await finished(w);
  renameSync(tmp, file);
  return file;
}

/** Peak RSS and heap of this process, sampled every 50 ms while `work` runs. */
async function measured<T>(work: () => Promise<T>): Promise<{ result: T; s: number; rssMB: number; heapMB: number }> {
  let rss = 0;
  let heap = 0;
  const sample = () => {
    const m = process.memoryUsage();
    rss = Math.max(rss, m.rss);
    heap = Math.max(heap, m.heapUsed);
  };
  const timer = setInterval(sample, 50);
  const t0 = process.hrtime.bigint();
  try {
    const result = await work();
    sample();
    return { result, s: Number(process.hrtime.bigint() - t0) / 1e9, rssMB: rss / 2 ** 20, heapMB: heap / 2 ** 20 };
  } finally {
    clearInterval(timer);
  }
}

async function seedRegistry(ds: DataSource): Promise<void> {
  const csv = (h: string, body: string[]) => Readable.from([[h, ...body].join('\n') + '\n']);
  const o = { format: 'csv' as const, crs: 'WGS84' as const, mapping: {}, dryRun: false, actor: 'system:bench', source: 'bench' };
  await importRegistry(registryStore(ds), 'stations', csv('站点编号,站点名称,经度,纬度', STATIONS.map((s, i) => `${s},${s},${113.5 + i * 0.01},34.75`)), o);
  await importRegistry(registryStore(ds), 'units', csv('车辆编号,所属站点', UNITS.map((u) => `${u.id},${u.stationId}`)), o);
}

/** A store that writes nothing: reading, checking and converting only. */
const nullStore: TasksStore = {
  transaction: (work) => work({ units: async () => new Map(UNITS.map((u) => [u.id, u.stationId])), upsertTasks: async (b) => ({ inserted: b.length, updated: 0, unchanged: 0 }), auditImport: async () => undefined }),
};

async function run(name: string, store: TasksStore, file: string, exclusive = false): Promise<number> {
  const m = await measured(() => importTasks(store, createReadStream(file), { format: 'csv', crs: 'GCJ02', mapping: {}, dryRun: false, actor: 'system:bench', source: 'bench', exclusive }));
  const r = m.result;
  const rate = r.rows / m.s;
  out(`${name.padEnd(28)} ${r.rows} rows in ${m.s.toFixed(1)} s = ${Math.round(rate).toLocaleString('en')} rows/s  (inserted ${r.inserted}, unchanged ${r.unchanged}, rejected ${r.rejected})  peak RSS ${m.rssMB.toFixed(0)} MB, heap ${m.heapMB.toFixed(0)} MB`);
  return rate;
}

async function main(): Promise<void> {
  out(`bench:import  ${new Date().toISOString()}  ${TASKS} generated tasks (2026-11, GCJ-02 locations, ~18 % void, a few % missing times)`);
  const file = await exportFile();
  out(`export ${file}: ${(statSync(file).size / 2 ** 20).toFixed(1)} MB`);
  const base = await run('baseline: read + check only', nullStore, file);

  const admin = new Client({ connectionString: PG_URL, connectionTimeoutMillis: 2000 });
  let pgOk = true;
  await admin.connect().catch((e: Error) => {
    pgOk = false;
    out(`[skip] PostgreSQL at ${PG_URL}: ${e.message}`);
  });
  if (pgOk) {
    /** A fresh database per mode, so each first import starts from the same empty tables. */
    const onPostgres = async (work: (ds: DataSource) => Promise<void>) => {
      const db = `rc_bench_import_${process.pid}`;
      await admin.query(`CREATE DATABASE ${db}`);
      const url = new URL(PG_URL);
      url.pathname = `/${db}`;
      const { dataSource } = await openDatabase({ databaseUrl: url.toString(), pgliteDir: '' });
      try {
        await seedRegistry(dataSource);
        await work(dataSource);
      } finally {
        await dataSource.destroy();
        await admin.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
      }
    };
    try {
      let shared = 0;
      let exclusive = 0;
      await onPostgres(async (ds) => {
        shared = await run('PostgreSQL: first import', importedTasksStore(ds), file);
        await run('PostgreSQL: re-import (no-op)', importedTasksStore(ds), file);
      });
      await onPostgres(async (ds) => {
        exclusive = await run('PostgreSQL: first, --exclusive', importedTasksStore(ds), file, true);
        await run('PostgreSQL: re-import, --exclusive', importedTasksStore(ds), file, true);
      });
      out(`  PostgreSQL first import / baseline = ${(shared / base).toFixed(2)} (row-by-row key checks), ${(exclusive / base).toFixed(2)} (--exclusive)`);
      out(`  goal ≥ 10,000 rows/s: row-by-row ${shared >= 10_000 ? 'met' : 'NOT met'}, --exclusive ${exclusive >= 10_000 ? 'met' : 'NOT met'}`);
    } finally {
      await admin.end();
    }
  }

  for (const exclusive of [false, true]) {
    const dir = mkdtempSync(join(tmpdir(), 'rc-bench-import-'));
    const { dataSource } = await openDatabase({ databaseUrl: null, pgliteDir: dir });
    const mode = exclusive ? ', --exclusive' : '';
    try {
      await seedRegistry(dataSource);
      const first = await run(`embedded PGlite: first${mode}`, importedTasksStore(dataSource), file, exclusive);
      await run(`embedded PGlite: re-import${mode}`, importedTasksStore(dataSource), file, exclusive);
      out(`  PGlite first import${mode} / baseline = ${(first / base).toFixed(2)}`);
    } finally {
      await closeDatabase(dataSource);
      rmSync(dir, { recursive: true, force: true });
    }
  }
}

main().catch((e: Error) => {
  process.stderr.write(`bench:import failed: ${e.stack ?? e.message}\n`);
  process.exit(1);
});
