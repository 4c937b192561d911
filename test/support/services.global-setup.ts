import { Client } from 'pg';
import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { buildServer } from './build-server';

/**
 * Probes the real services once before the integration tier. A test of a real service that is not
 * reachable is skipped (and the skip says so), never faked; with CI=true it fails (see needs.ts).
 *   RC_TEST_PG_URL      admin URL of a reachable PostgreSQL (default postgres://postgres@127.0.0.1:5432/test)
 *   RC_TEST_MOSQUITTO   path of a mosquitto binary the tests may start with the shipped config
 */
export default async function globalSetup(): Promise<void> {
  // End-to-end tests run the compiled server as a child process (Nest 12 is ESM; Jest's runtime is not).
  buildServer();
  const url = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    process.env.RC_TEST_PG_URL = url;
  } catch (e) {
    process.stdout.write(`\n[integration] PostgreSQL at ${url} not reachable (${(e as Error).message}): its tests are skipped (fail with CI=true)\n`);
  } finally {
    await client.end().catch(() => undefined);
  }
  const mosquitto = ['/usr/sbin/mosquitto', '/usr/bin/mosquitto'].find((p) => existsSync(p)) ?? which('mosquitto');
  if (mosquitto) process.env.RC_TEST_MOSQUITTO = mosquitto;
  else process.stdout.write('\n[integration] no mosquitto binary: real-broker tests are skipped (fail with CI=true)\n');
}

function which(cmd: string): string | undefined {
  try {
    return execFileSync('which', [cmd], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}
