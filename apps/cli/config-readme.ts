// npm run config:readme: rewrites README.md's configuration table from the key declarations in
// libs/config/src/keys.ts (libs/config/src/readme-table.spec.ts fails until it is run after a change).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { withConfigTable } from '@rescue/config';

const file = join(__dirname, '..', '..', 'README.md');
const before = readFileSync(file, 'utf8');
const after = withConfigTable(before);
if (after === before) {
  process.stdout.write('README.md: configuration table already up to date\n');
} else {
  writeFileSync(file, after);
  process.stdout.write('README.md: configuration table rewritten from libs/config/src/keys.ts\n');
}
