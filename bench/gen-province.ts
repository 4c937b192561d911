// npm run province [-- --anhui-copies N]
// Generates (or finds in .data/scale) the province-size test network: copies of the real extracts
// in data/osm joined by trunk roads, written as a .osm.pbf. Prints its path and size.
import { join } from 'node:path';
import { loadConfig } from '@rescue/config';
import { defaultProvinceSources, provinceFileLabel, provinceNetwork } from '@rescue/routing/testing';

const i = process.argv.indexOf('--anhui-copies');
const copies = i > 0 ? Number(process.argv[i + 1]) : 47;
if (!Number.isInteger(copies) || copies < 1 || copies > 400) {
  process.stderr.write('--anhui-copies: a whole number from 1 to 400\n');
  process.exit(2);
}
const t0 = performance.now();
const p = provinceNetwork(join(loadConfig().dataDir, 'scale'), {
  sources: defaultProvinceSources('data/osm', copies),
  onProgress: (phase, done, total) => process.stdout.write(`[${((performance.now() - t0) / 1000).toFixed(1)}s] ${phase} ${done}/${total}\n`),
});
process.stdout.write(`${p.fromCache ? 'cached' : 'generated'} in ${((performance.now() - t0) / 1000).toFixed(1)} s: ${provinceFileLabel(p)}\n${p.path}\n`);
