import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { type Need, verdict } from './needs';

const pg: Need = { service: 'PostgreSQL', present: false, hint: 'start it' };
const broker: Need = { service: 'Mosquitto', present: true, hint: 'install it' };

describe('a real-service test whose service is missing', () => {
  it('runs when every service is there', () => {
    expect(verdict([broker], {})).toEqual({ run: true });
    expect(verdict([broker], { CI: 'true' })).toEqual({ run: true });
  });

  it.each([{}, { CI: '' }, { CI: 'false' }, { CI: '0' }])('is skipped on a developer machine (env %j), saying what is missing', (env) => {
    expect(verdict([pg, broker], env)).toEqual({ run: false, fail: false, message: 'missing: PostgreSQL (start it); skipped' });
  });

  it.each(['true', '1', 'TRUE'])('fails under CI=%s, naming what is missing', (ci) => {
    expect(verdict([pg, broker], { CI: ci })).toEqual({ run: false, fail: true, message: 'CI=true and missing: PostgreSQL (start it)' });
  });

  it('fails a real Jest run under CI=true (suite and single test), without running their bodies', () => {
    const root = resolve(__dirname, '../..');
    const config = {
      rootDir: root,
      testMatch: ['<rootDir>/test/support/cases/ci-needs.case.ts'],
      transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.jest.json', diagnostics: false }] },
      testEnvironment: 'node',
    };
    const run = spawnSync(process.execPath, [join(root, 'node_modules/jest/bin/jest.js'), '--config', JSON.stringify(config), '--ci'], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, CI: 'true' },
    });
    const out = run.stderr;
    expect(run.status).toBe(1);
    expect(out).toMatch(/Tests:\s+2 failed, 1 passed, 3 total/);
    expect(out).toContain('CI=true and missing: Absent service (none, on purpose)');
    expect(out).not.toContain('absent ran');
  });
});
