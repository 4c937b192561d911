import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT, type ServerProcess, startServer, writeTestApiKeyFile } from './support/server-process';
import { connectTerminals, type Terminals } from './support/terminals';
import { scratchPostgres } from './support/databases';
import { describeNeeding, needPostgres } from './support/needs';

/**
 * The restore drill (issue #18), for the embedded database and for PostgreSQL: a backup taken while
 * 100 units publish, restored into an empty data directory (or an empty database), holds every fix
 * committed before the backup started (a fix's PUBACK leaves after its commit), and the server starts on it.
 */
const UNITS = Array.from({ length: 100 }, (_, i) => `BK-${String(i + 1).padStart(3, '0')}`);

function npmRun(script: string, args: string[], env: Record<string, string>): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [join(REPO_ROOT, 'node_modules/tsx/dist/cli.mjs'), 'apps/cli/backup.ts', script, ...args], {
      cwd: REPO_ROOT, env: { ...process.env, NODE_OPTIONS: '', ...env }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (out += d.toString()));
    p.on('exit', (code) => resolve({ code: code ?? -1, out }));
  });
}


type Track = { properties: { times: string[] } };
const trackTimes = async (srv: ServerProcess, unit: string, from: number): Promise<Set<number>> =>
  new Set(((await (await srv.api(`/units/${unit}/track?from=${from}&to=${Date.now()}`)).json()) as Track).properties.times.map((t) => Date.parse(t)));

/**
 * Each unit reports once a second, moving a little, while `takeBackup` runs 8 s in (publishing goes on
 * during it and 2 s after). Returns, per unit, the fixes acknowledged before the backup began that the
 * live server stored (validation may refuse some), and where the tracks start.
 */
async function backupWhilePublishing(srv: ServerProcess, takeBackup: () => Promise<void>): Promise<{ expected: Map<string, number[]>; from: number }> {
  const terminals: Terminals = await connectTerminals(srv, UNITS);
  try {
    const acked = new Map<string, Array<{ ts: number; ackedAt: number }>>(UNITS.map((u) => [u, []]));
    let publishing = true;
    const t0 = Date.now() - 60_000;
    const loops = UNITS.map(async (unit, i) => {
      for (let n = 0; publishing; n++) {
        const ts = t0 + n * 1000;
        const fix = { ts, lat: 42.5 + i * 0.0005 + n * 0.00001, lon: 1.52 + n * 0.00001, accuracyM: 5 };
        await terminals.publishAsync(`ems/v1/units/${unit}/position`, JSON.stringify(fix), { qos: 1 });
        acked.get(unit)!.push({ ts, ackedAt: Date.now() });
        await new Promise((r) => setTimeout(r, 1000));
      }
    });
    await new Promise((r) => setTimeout(r, 8000));
    const backupStarted = Date.now();
    try {
      await takeBackup();
      await new Promise((r) => setTimeout(r, 2000));
    } finally {
      publishing = false;
      await Promise.all(loops);
    }
    const expected = new Map<string, number[]>();
    for (const unit of UNITS) {
      const stored = await trackTimes(srv, unit, t0 - 1000);
      expected.set(unit, acked.get(unit)!.filter((a) => a.ackedAt < backupStarted && stored.has(a.ts)).map((a) => a.ts));
    }
    return { expected, from: t0 - 1000 };
  } finally {
    await terminals.endAsync().catch(() => undefined);
  }
}

/** The expected fixes the restored server does not have, as unit@ts. */
async function missingFrom(restored: ServerProcess, expected: Map<string, number[]>, from: number): Promise<string[]> {
  const missing: string[] = [];
  for (const unit of UNITS) {
    const got = await trackTimes(restored, unit, from);
    for (const ts of expected.get(unit)!) if (!got.has(ts)) missing.push(`${unit}@${ts}`);
  }
  return missing;
}

const totalOf = (expected: Map<string, number[]>): number => [...expected.values()].reduce((s, v) => s + v.length, 0);

describe('backup and restore of the embedded database while 100 units publish', () => {
  let srv: ServerProcess | null = null;
  let restored: ServerProcess | null = null;
  const work = mkdtempSync(join(tmpdir(), 'rc-backup-'));

  afterAll(async () => {
    await srv?.stop();
    await restored?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it('restores every fix acknowledged before the backup began, and the server starts on it', async () => {
    srv = await startServer({ SIMULATOR: 'false' }, { timeoutMs: 150_000 });
    const live = srv;
    const file = join(work, 'backup.tar.gz');
    const { expected, from } = await backupWhilePublishing(live, async () => {
      const b = await npmRun('backup', ['--out', file], { RC_API_URL: live.url, RC_API_KEY: live.apiKeys.admin, DATA_DIR: live.dataDir });
      expect(b).toMatchObject({ code: 0 });
      expect(b.out).toContain('through the running server');
    });
    expect(statSync(file).size).toBeGreaterThan(0);
    expect(totalOf(expected)).toBeGreaterThanOrEqual(UNITS.length * 3);
    await srv.stop();
    srv = null;

    // Into an empty data directory, then a server on it.
    const dataDir = join(work, 'restored');
    const r = await npmRun('restore', [file], { DATA_DIR: dataDir });
    expect(r).toMatchObject({ code: 0 });
    // restoring over a database is refused
    expect((await npmRun('restore', [file], { DATA_DIR: dataDir })).code).toBe(1);
    restored = await startServer({ SIMULATOR: 'false', API_KEYS_FILE: writeTestApiKeyFile(work) }, { dataDir, timeoutMs: 150_000 });
    expect(await missingFrom(restored, expected, from)).toEqual([]);
    // the audit trail came along: the backup itself is on it
    const audit = (await (await restored.api('/audit?subject=database:embedded', {}, 'auditor')).json()) as { records: Array<{ action: string }> };
    expect(audit.records.map((x) => x.action)).toContain('backup.create');
  });
});

describeNeeding(needPostgres())('pg_dump and pg_restore of PostgreSQL while 100 units publish', () => {
  let srv: ServerProcess | null = null;
  let restored: ServerProcess | null = null;
  const drops: Array<() => Promise<void>> = [];
  const work = mkdtempSync(join(tmpdir(), 'rc-backup-pg-'));

  afterAll(async () => {
    await srv?.stop();
    await restored?.stop();
    for (const drop of drops) await drop().catch(() => undefined);
    rmSync(work, { recursive: true, force: true });
  });

  it('the client tools are the server\'s major version (15)', () => {
    const server = spawnSync('psql', ['-X', '-A', '-t', '-d', process.env.RC_TEST_PG_URL!, '-c', 'SHOW server_version_num'], { encoding: 'utf8' });
    const serverMajor = Math.floor(Number(server.stdout.trim()) / 10000);
    expect(serverMajor).toBe(15);
    for (const tool of ['pg_dump', 'pg_restore']) {
      expect(spawnSync(tool, ['--version'], { encoding: 'utf8' }).stdout).toMatch(new RegExp(`\\(PostgreSQL\\) ${serverMajor}\\.`));
    }
  });

  it('restores every fix committed before the backup began into an empty database, and the server starts on it', async () => {
    const source = await scratchPostgres('rc_backup_src');
    drops.push(source.drop);
    const target = await scratchPostgres('rc_backup_dst');
    drops.push(target.drop);
    srv = await startServer({ SIMULATOR: 'false', DATABASE_URL: source.target.databaseUrl! }, { timeoutMs: 150_000 });
    const file = join(work, 'rc.dump');
    const { expected, from } = await backupWhilePublishing(srv, async () => {
      const b = await npmRun('backup', ['--out', file], { DATABASE_URL: source.target.databaseUrl! });
      expect(b).toMatchObject({ code: 0 });
      expect(b.out).toContain('backup written');
    });
    expect(totalOf(expected)).toBeGreaterThanOrEqual(UNITS.length * 3);
    await srv.stop();
    srv = null;

    const r = await npmRun('restore', [file], { DATABASE_URL: target.target.databaseUrl! });
    expect(r).toMatchObject({ code: 0 });
    // an embedded restore of a pg_dump archive is refused with a reason
    const wrong = await npmRun('restore', [file], { DATABASE_URL: '', DATA_DIR: join(work, 'nowhere') });
    expect(wrong.code).toBe(1);
    expect(wrong.out).toContain('pg_dump archive');
    restored = await startServer({ SIMULATOR: 'false', DATABASE_URL: target.target.databaseUrl!, API_KEYS_FILE: writeTestApiKeyFile(work) }, { timeoutMs: 150_000 });
    expect(await missingFrom(restored, expected, from)).toEqual([]);
  });
});
