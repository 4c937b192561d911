import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

// Loaded by the integration globalSetup, where Jest applies no moduleNameMapper: no @rescue imports here.
export const REPO_ROOT = resolve(__dirname, '../..');
export const SERVER_MAIN = join(REPO_ROOT, 'dist/apps/server/apps/server/src/main.js');

/** Compiles the server once (nest build, ~5 s). Nest 12 is ESM, so the app runs as its own process. */
export function buildServer(): void {
  execFileSync(process.execPath, [join(REPO_ROOT, 'node_modules/@nestjs/cli/bin/nest.js'), 'build', 'server'], { cwd: REPO_ROOT, stdio: 'pipe' });
  if (!existsSync(SERVER_MAIN)) throw new Error(`nest build produced no ${SERVER_MAIN}`);
}
