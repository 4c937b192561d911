import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { DataSource } from 'typeorm';
import { AuditRepository, closeDatabase, CredentialsRepository, openDatabase, provisionUnitCredentials, revokeUnitCredentials } from '@rescue/persistence';
import { generatePassword, hashPassword } from '@rescue/security';
import { scratchPostgres } from './support/databases';
import { REPO_ROOT } from './support/server-process';
import { describeNeeding, needPostgres } from './support/needs';

const run = promisify(execFile);

/** `npm run units -- <args>` against the given database, as an operator would run it. */
async function unitsCli(databaseUrl: string, ...args: string[]): Promise<{ code: number; out: string }> {
  try {
    const { stdout } = await run(process.execPath, [join(REPO_ROOT, 'node_modules/tsx/dist/cli.mjs'), 'apps/cli/units.ts', ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, NODE_OPTIONS: '', DATABASE_URL: databaseUrl, LOG_LEVEL: 'warn' },
      timeout: 60_000,
    });
    return { code: 0, out: stdout };
  } catch (e) {
    const err = e as { code?: unknown; stdout?: string; stderr?: string };
    if (typeof err.code !== 'number') throw e;
    return { code: err.code, out: `${err.stdout ?? ''}${err.stderr ?? ''}` };
  }
}

/**
 * The audited credential changes (libs/persistence credential-changes): the server's CredentialsService
 * and the `npm run units` CLI share them, so both leave the same audit trail, and a change whose record
 * cannot be written does not happen.
 */
describeNeeding(needPostgres())('audited credential changes on the real PostgreSQL', () => {
  let ds: DataSource;
  let url: string;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    const scratch = await scratchPostgres('rc_credchg');
    url = scratch.target.databaseUrl!;
    drop = scratch.drop;
    ({ dataSource: ds } = await openDatabase(scratch.target));
  });

  afterAll(async () => {
    await closeDatabase(ds);
    await drop();
  });

  const trail = async (unitId: string) =>
    (await new AuditRepository(ds).list({ subject: `unit:${unitId}`, limit: 100 })).map((r) => ({ actor: r.actor, action: r.action, detail: r.detail }));

  it('the CLI and the server path write the same records: provision, revoke, rotate, by their actor', async () => {
    expect(await unitsCli(url, 'provision', 'CHG-1')).toMatchObject({ code: 0, out: expect.stringMatching(/CHG-1 \(new unit\): credentials provisioned/) });
    expect(await unitsCli(url, 'revoke', 'CHG-1')).toMatchObject({ code: 0, out: expect.stringMatching(/CHG-1: MQTT credentials revoked/) });
    expect(await unitsCli(url, 'revoke', 'CHG-1')).toMatchObject({ code: 1, out: expect.stringMatching(/had no active MQTT credentials/) }); // no record
    expect(await provisionUnitCredentials(ds, 'CHG-1', await hashPassword(generatePassword()), 'key:ops')).toEqual({ unitCreated: false, rotated: true });
    expect(await trail('CHG-1')).toEqual([
      { actor: 'system:cli', action: 'credential.provision', detail: { unitCreated: true } },
      { actor: 'system:cli', action: 'credential.revoke', detail: {} },
      { actor: 'key:ops', action: 'credential.rotate', detail: { unitCreated: false } },
    ]);
    expect((await new CredentialsRepository(ds).get('CHG-1'))?.revokedAt).toBeNull();
  });

  it('a change whose audit record cannot be written is rolled back', async () => {
    await provisionUnitCredentials(ds, 'CHG-2', await hashPassword(generatePassword()), 'key:ops');
    // Only in this scratch database: the audit insert of a revoke fails.
    await ds.query(`CREATE FUNCTION chg_refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'audit down'; END $$`);
    await ds.query(`CREATE TRIGGER chg_refuse BEFORE INSERT ON audit_log FOR EACH ROW WHEN (NEW.action = 'credential.revoke') EXECUTE FUNCTION chg_refuse()`);
    try {
      await expect(revokeUnitCredentials(ds, 'CHG-2', 'key:ops')).rejects.toThrow(/audit down/);
      const cli = await unitsCli(url, 'revoke', 'CHG-2');
      expect(cli.code).not.toBe(0);
      expect(cli.out).toMatch(/audit down/);
    } finally {
      await ds.query(`DROP TRIGGER chg_refuse ON audit_log`);
    }
    expect((await new CredentialsRepository(ds).get('CHG-2'))?.revokedAt).toBeNull();
    expect((await trail('CHG-2')).map((r) => r.action)).toEqual(['credential.provision']);
    expect(await revokeUnitCredentials(ds, 'CHG-2', 'key:ops')).toBe(true);
  });
});
