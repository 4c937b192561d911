import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';

/**
 * The architecture rules of .dependency-cruiser.cjs (run on the real tree by `npm run lint`), run on
 * a fixture that breaks each of them on purpose: every deliberate violation must be reported, and
 * nothing else (the fixture's allowed imports show what the rules let through).
 */
const ROOT = resolve(__dirname, '../..');
const FIXTURE = join(__dirname, 'fixture');

interface Violation {
  rule: { name: string };
  from: string;
  to: string;
}

function depcruise(outputType: 'err' | 'json') {
  const bin = join(ROOT, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');
  const args = [bin, '--config', join(ROOT, '.dependency-cruiser.cjs'), '--output-type', outputType, 'apps', 'libs', 'test'];
  return spawnSync(process.execPath, args, { cwd: FIXTURE, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
}

/** Each violation as `rule: from → to`, a package shortened to npm:name. */
function violations(): string[] {
  const run = depcruise('json');
  if (!run.stdout) throw new Error(`depcruise printed nothing: ${run.stderr}`);
  const { summary } = JSON.parse(run.stdout) as { summary: { violations: Violation[] } };
  const short = (p: string) => p.replace(/^(\.\.\/)*node_modules\/((@[^/]+\/)?[^/]+).*$/, 'npm:$2');
  return summary.violations.map((v) => `${v.rule.name}: ${v.from} → ${short(v.to)}`).sort();
}

describe('architecture rules (.dependency-cruiser.cjs) on a fixture that breaks each one', () => {
  it('fails the lint run (the reporter npm run lint uses), naming each rule', () => {
    const run = depcruise('err');
    expect(run.status).toBe(14); // depcruise exits with the number of errors
    expect(run.stdout).toContain('error lib-imports-framework: libs/dispatch/src/index.ts');
  });

  it('reports exactly the deliberate violations', () => {
    expect(violations()).toEqual(
      [
        // no Nest, TypeORM, pg, PGlite, mqtt or aedes in a domain lib: static, type-only and dynamic imports
        'lib-imports-framework: libs/dispatch/src/index.ts → npm:@nestjs/common',
        'lib-imports-framework: libs/fleet/src/live-fleet.ts → npm:pg',
        'lib-imports-framework: libs/fleet/src/lazy.ts → npm:mqtt',
        // persistence may load typeorm, pg and PGlite (not reported) but no transport or Nest
        'persistence-imports-transport: libs/persistence/src/index.ts → npm:mqtt',
        'persistence-imports-transport: libs/persistence/src/index.ts → npm:@nestjs/common',
        'lib-imports-app: libs/dispatch/src/index.ts → apps/server/src/main.ts',
        // past another lib's index, by alias and by relative path
        'deep-import-into-lib: libs/dispatch/src/index.ts → libs/fleet/src/live-fleet.ts',
        'deep-import-into-lib: libs/dispatch/src/lifecycle.ts → libs/fleet/src/live-fleet.ts',
        'deep-import-from-outside: apps/server/src/main.ts → libs/routing/src/graph.ts',
        'deep-import-from-outside: test/dispatch-steps.ts → libs/routing/src/graph.ts',
        // test aids in production code (specs and tests may use them: not reported)
        'testing-entry-in-production: apps/server/src/main.ts → libs/routing/src/testing/index.ts',
        'testing-entry-in-production: libs/dispatch/src/index.ts → libs/routing/src/testing/index.ts',
        // a runtime cycle (the type-only cycle index ↔ order is not reported)
        'no-circular: libs/dispatch/src/index.ts → libs/dispatch/src/ranking.ts',
        'not-to-unresolvable: libs/dispatch/src/index.ts → left-pad-that-is-not-installed',
      ].sort(),
    );
  });
});
