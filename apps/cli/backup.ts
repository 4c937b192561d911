// npm run backup -- --out FILE       npm run restore -- FILE [--force]
// Backup and restore (issue #18). With DATABASE_URL: pg_dump (custom format, one consistent snapshot while
// ingest writes) and pg_restore. Without: the embedded database. Its server holds PGlite, so a backup is
// taken through the running server's admin API (GET /admin/backup, RC_API_URL, RC_API_KEY); with no server
// running, from the data directory directly. A restore goes into an empty DATA_DIR/pglite, server stopped.
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '@rescue/config';
import { backupKind, closeDatabase, dumpEmbeddedDatabase, openDatabase, pgliteDirFor, restoreEmbeddedDatabase, RestoreError } from '@rescue/persistence';
import { adminApiTarget, CliError, runCli } from './admin-api';

const USAGE = `usage: npm run backup -- --out FILE     PostgreSQL (DATABASE_URL): pg_dump -Fc; embedded: a .tar.gz of the database,
                                         through the running server (RC_API_URL, RC_API_KEY) or, when none runs, from DATA_DIR
       npm run restore -- FILE [--force]  PostgreSQL: pg_restore --clean into DATABASE_URL; embedded: into an empty
                                         DATA_DIR/pglite (--force moves an existing one aside first); the server must be stopped`;

const say = (s: string): boolean => process.stderr.write(s + '\n');

function run(cmd: string, args: string[]): void {
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.error) throw new CliError(`${cmd}: ${r.error.message} (is the PostgreSQL client installed?)`);
  if (r.status !== 0) throw new CliError(`${cmd} failed with exit code ${r.status}`);
}

function psql(url: string, sql: string): string {
  const r = spawnSync('psql', ['-X', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-d', url, '-c', sql], { encoding: 'utf8' });
  if (r.status !== 0) throw new CliError(`psql: ${r.stderr.trim()}`);
  return r.stdout.trim();
}

/** The major version of a PostgreSQL client tool (`pg_dump (PostgreSQL) 15.20 (Debian …)` → 15). */
function clientMajor(tool: string): number {
  const r = spawnSync(tool, ['--version'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) throw new CliError(`${tool} not found (install the PostgreSQL client of the server's major version)`);
  const m = /\(PostgreSQL\)\s+(\d+)/.exec(r.stdout);
  if (!m) throw new CliError(`${tool} --version said ${JSON.stringify(r.stdout.trim())}: not a PostgreSQL client`);
  return Number(m[1]);
}

/**
 * pg_dump refuses a server newer than itself, and pg_restore an archive newer than itself: the client
 * tools must be at least the server's major version; the same major is what the drill tests.
 */
function checkClientVersion(tool: 'pg_dump' | 'pg_restore', url: string): void {
  const server = Math.floor(Number(psql(url, 'SHOW server_version_num')) / 10000);
  const client = clientMajor(tool);
  if (client < server) {
    throw new CliError(`${tool} is PostgreSQL ${client} but the server is ${server}: use the ${server} client tools (e.g. /usr/lib/postgresql/${server}/bin)`);
  }
  if (client > server) say(`note: ${tool} is PostgreSQL ${client}, the server ${server}; restore with pg_restore ${client} or newer`);
}

/** Written beside the target and renamed over it: a failed backup never leaves a truncated file under the name. */
function writeAtomically(path: string, data: Buffer): void {
  const tmp = `${path}.partial-${process.pid}`;
  writeFileSync(tmp, data, { mode: 0o600 });
  renameSync(tmp, path);
}

async function backup(out: string): Promise<void> {
  const cfg = loadConfig();
  const started = Date.now();
  if (cfg.databaseUrl) {
    checkClientVersion('pg_dump', cfg.databaseUrl);
    const tmp = `${out}.partial-${process.pid}`;
    run('pg_dump', ['--format=custom', '--no-owner', `--file=${tmp}`, cfg.databaseUrl]);
    renameSync(tmp, out);
  } else {
    const { base, key } = adminApiTarget(cfg);
    let res: Response | null = null;
    try {
      res = await fetch(`${base}/admin/backup`, { headers: key ? { authorization: `Bearer ${key}` } : {} });
    } catch {
      res = null; // no server: the data directory is free to open
    }
    if (res) {
      if (res.status === 401 || res.status === 403) throw new CliError(`the server at ${base} refused the backup (HTTP ${res.status}): set RC_API_KEY to an admin key`);
      if (!res.ok) throw new CliError(`backup failed: HTTP ${res.status} ${await res.text()}`);
      say(`taking the backup through the running server at ${base}`);
      writeAtomically(out, Buffer.from(await res.arrayBuffer()));
    } else {
      const dir = pgliteDirFor(cfg.dataDir);
      if (!existsSync(join(dir, 'PG_VERSION'))) throw new CliError(`no server at ${base} and no database in ${dir}: set RC_API_URL or DATA_DIR`);
      say(`no server at ${base}: reading ${dir} directly`);
      const { dataSource } = await openDatabase({ databaseUrl: null, pgliteDir: dir });
      try {
        writeAtomically(out, await dumpEmbeddedDatabase(dataSource));
      } finally {
        await closeDatabase(dataSource);
      }
    }
  }
  say(`backup written: ${out} (${statSync(out).size} bytes, ${((Date.now() - started) / 1000).toFixed(1)} s)`);
}

function head(file: string): Buffer {
  const fd = openSync(file, 'r');
  try {
    const b = Buffer.alloc(8);
    readSync(fd, b, 0, 8, 0);
    return b;
  } finally {
    closeSync(fd);
  }
}

async function restore(file: string, force: boolean): Promise<void> {
  if (!existsSync(file)) throw new CliError(`${file}: no such file`);
  const cfg = loadConfig();
  const kind = backupKind(head(file));
  if (kind === null) throw new CliError(`${file} is neither an embedded backup (.tar.gz) nor a pg_dump archive`);
  if (cfg.databaseUrl) {
    if (kind !== 'pg_dump') throw new CliError(`${file} is an embedded backup; unset DATABASE_URL to restore it into DATA_DIR`);
    checkClientVersion('pg_restore', cfg.databaseUrl);
    // A TimescaleDB server wants its restore mode around pg_restore (its catalog is restored as data).
    const timescale = psql(cfg.databaseUrl, `SELECT count(*) FROM pg_extension WHERE extname = 'timescaledb'`) === '1';
    if (timescale) psql(cfg.databaseUrl, 'SELECT timescaledb_pre_restore()');
    try {
      run('pg_restore', ['--clean', '--if-exists', '--no-owner', '--exit-on-error', '--single-transaction', `--dbname=${cfg.databaseUrl}`, file]);
    } finally {
      if (timescale) psql(cfg.databaseUrl, 'SELECT timescaledb_post_restore()');
    }
    say(`restored ${file} into the database at DATABASE_URL`);
    return;
  }
  if (kind !== 'embedded') throw new CliError(`${file} is a pg_dump archive; set DATABASE_URL to restore it into PostgreSQL`);
  const dir = pgliteDirFor(cfg.dataDir);
  if (existsSync(dir) && force) {
    const aside = `${dir}.before-restore-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    renameSync(dir, aside);
    say(`moved the existing database aside to ${aside}`);
  }
  try {
    const { bytes } = await restoreEmbeddedDatabase(file, dir);
    say(`restored ${file} (${bytes} bytes) into ${dir}; start the server with DATA_DIR=${cfg.dataDir}`);
  } catch (e) {
    if (e instanceof RestoreError) throw new CliError(e.message + (force ? '' : ' (or pass --force)'));
    throw e;
  }
}

async function main(): Promise<void> {
  const [cmd, ...args] = process.argv.slice(2);
  if (cmd === 'backup') {
    const i = args.indexOf('--out');
    const out = i >= 0 ? args[i + 1] : undefined;
    if (!out) throw new CliError('backup needs --out FILE');
    return backup(out);
  }
  if (cmd === 'restore') {
    const file = args.find((a) => !a.startsWith('--'));
    if (!file) throw new CliError('restore needs the backup FILE');
    return restore(file, args.includes('--force'));
  }
  say(USAGE);
  process.exit(2);
}

runCli(main);
