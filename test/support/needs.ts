import { existsSync } from 'node:fs';
import { realPgUrl } from './databases';
import { privatePostgresAvailable } from './private-postgres';

/**
 * Suites and tests that need a real service (the probes are in services.global-setup.ts). Where a
 * service is missing, a developer's run skips them and says so; with CI=true they fail instead,
 * naming what is missing, so that CI can never pass by skipping the real-service tests.
 */
export interface Need {
  service: string;
  present: boolean;
  /** How to make it present. */
  hint: string;
}

export const needPostgres = (): Need => ({
  service: 'PostgreSQL',
  present: realPgUrl() !== undefined,
  hint: 'start it, or set TEST_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test)',
});
export const needMosquitto = (): Need => ({ service: 'Mosquitto', present: Boolean(process.env.RC_TEST_MOSQUITTO), hint: 'apt-get install -y mosquitto' });
export const needPostgresBinaries = (): Need => ({
  service: 'PostgreSQL 15 server binaries',
  present: privatePostgresAvailable(),
  hint: 'apt-get install -y postgresql-15 (initdb and pg_ctl under /usr/lib/postgresql/15/bin)',
});
export const needChromium = (path: string): Need => ({ service: `Chromium (${path})`, present: existsSync(path), hint: 'apt-get install -y chromium, or set CHROMIUM_PATH' });

export type Verdict = { run: true } | { run: false; fail: boolean; message: string };

/** Run, skip or fail: CI=true (any value but '' , 'false' or '0') turns a skip into a failure. */
export function verdict(needs: Need[], env: NodeJS.ProcessEnv = process.env): Verdict {
  const missing = needs.filter((n) => !n.present);
  if (missing.length === 0) return { run: true };
  const fail = env.CI !== undefined && !['', 'false', '0'].includes(env.CI.toLowerCase());
  const what = missing.map((n) => `${n.service} (${n.hint})`).join('; ');
  return { run: false, fail, message: fail ? `CI=true and missing: ${what}` : `missing: ${what}; skipped` };
}

type Body = () => void;
type TestBody = jest.ProvidesCallback;

/** `describe` when every need is met; else `describe.skip`, or under CI a suite of one failing test. */
export function describeNeeding(...needs: Need[]): (name: string, body: Body) => void {
  const v = verdict(needs);
  if (v.run) return describe;
  return (name, body) => {
    if (!v.fail) {
      process.stdout.write(`\n[integration] ${name}: ${v.message}\n`);
      describe.skip(name, body);
      return;
    }
    describe(name, () => {
      it('has the services it needs', () => {
        throw new Error(v.message);
      });
    });
  };
}

/** `it` when every need is met; else `it.skip`, or under CI a failing test. */
export function itNeeding(...needs: Need[]): (name: string, body: TestBody, timeoutMs?: number) => void {
  const v = verdict(needs);
  if (v.run) return it;
  return (name, body, timeoutMs) => {
    if (!v.fail) {
      process.stdout.write(`\n[integration] ${name}: ${v.message}\n`);
      it.skip(name, body, timeoutMs);
      return;
    }
    it(name, () => {
      throw new Error(v.message);
    });
  };
}
