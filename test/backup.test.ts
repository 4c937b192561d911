import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT, type ServerProcess, startServer, writeTestApiKeyFile } from './support/server-process';
import { connectTerminals, type Terminals } from './support/terminals';

/**
 * The restore drill (issue #18): a backup of the embedded database taken while 100 units publish,
 * restored into an empty data directory, holds every fix committed before the backup started (a fix's
 * PUBACK leaves after its commit), and the server starts on it.
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

describe('backup and restore of the embedded database while 100 units publish', () => {
  let srv: ServerProcess | null = null;
  let restored: ServerProcess | null = null;
  let terminals: Terminals | null = null;
  const work = mkdtempSync(join(tmpdir(), 'rc-backup-'));

  afterAll(async () => {
    await terminals?.endAsync().catch(() => undefined);
    await srv?.stop();
    await restored?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it('restores every fix acknowledged before the backup began, and the server starts on it', async () => {
    srv = await startServer({ SIMULATOR: 'false' }, { timeoutMs: 150_000 });
    terminals = await connectTerminals(srv, UNITS);
    // Each unit reports once a second, moving a little; the time each fix was acknowledged is kept.
    const acked = new Map<string, Array<{ ts: number; ackedAt: number }>>(UNITS.map((u) => [u, []]));
    let publishing = true;
    const t0 = Date.now() - 60_000;
    const loops = UNITS.map(async (unit, i) => {
      for (let n = 0; publishing; n++) {
        const ts = t0 + n * 1000;
        const fix = { ts, lat: 42.5 + i * 0.0005 + n * 0.00001, lon: 1.52 + n * 0.00001, accuracyM: 5 };
        await terminals!.publishAsync(`ems/v1/units/${unit}/position`, JSON.stringify(fix), { qos: 1 });
        acked.get(unit)!.push({ ts, ackedAt: Date.now() });
        await new Promise((r) => setTimeout(r, 1000));
      }
    });
    await new Promise((r) => setTimeout(r, 8000));
    const backupStarted = Date.now();
    const file = join(work, 'backup.tar.gz');
    const b = await npmRun('backup', ['--out', file], { RC_API_URL: srv.url, RC_API_KEY: srv.apiKeys.admin, DATA_DIR: srv.dataDir });
    expect(b).toMatchObject({ code: 0 });
    expect(b.out).toContain('through the running server');
    await new Promise((r) => setTimeout(r, 2000)); // publishing went on during and after the backup
    publishing = false;
    await Promise.all(loops);
    expect(statSync(file).size).toBeGreaterThan(0);

    // What the live server stored of the fixes acknowledged before the backup began (validation may refuse some).
    const expected = new Map<string, number[]>();
    for (const unit of UNITS) {
      const track = (await (await srv.api(`/units/${unit}/track?from=${t0 - 1000}&to=${Date.now()}`)).json()) as { properties: { times: string[] } };
      const stored = new Set(track.properties.times.map((t) => Date.parse(t)));
      expected.set(unit, acked.get(unit)!.filter((a) => a.ackedAt < backupStarted && stored.has(a.ts)).map((a) => a.ts));
    }
    const total = [...expected.values()].reduce((s, v) => s + v.length, 0);
    expect(total).toBeGreaterThanOrEqual(UNITS.length * 3);
    await terminals.endAsync();
    terminals = null;
    await srv.stop();
    srv = null;

    // Into an empty data directory, then a server on it.
    const dataDir = join(work, 'restored');
    const r = await npmRun('restore', [file], { DATA_DIR: dataDir });
    expect(r).toMatchObject({ code: 0 });
    // restoring over a database is refused
    expect((await npmRun('restore', [file], { DATA_DIR: dataDir })).code).toBe(1);
    restored = await startServer({ SIMULATOR: 'false', API_KEYS_FILE: writeTestApiKeyFile(work) }, { dataDir, timeoutMs: 150_000 });
    const missing: string[] = [];
    for (const unit of UNITS) {
      const track = (await (await restored.api(`/units/${unit}/track?from=${t0 - 1000}&to=${Date.now()}`)).json()) as { properties: { times: string[] } };
      const got = new Set(track.properties.times.map((t) => Date.parse(t)));
      for (const ts of expected.get(unit)!) if (!got.has(ts)) missing.push(`${unit}@${ts}`);
    }
    expect(missing).toEqual([]);
    // the audit trail came along: the backup itself is on it
    const audit = (await (await restored.api('/audit?subject=database:embedded')).json()) as { records: Array<{ action: string }> };
    expect(audit.records.map((x) => x.action)).toContain('backup.create');
  });
});
