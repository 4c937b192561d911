// npm run graph -- build <extract> [--no-cache] | info <extract>
// Builds (or loads) the road graph of an OSM extract and prints counts, bbox and timings.
import { join } from 'node:path';
import { loadConfig } from '@rescue/config';
import { loadGraph, type LoadedGraph, RoutingError } from '@rescue/routing';

function usage(): never {
  process.stderr.write('usage: npm run graph -- build <extract.osm.pbf|.osm> [--no-cache]\n       npm run graph -- info <extract>\n');
  process.exit(2);
}

function report(r: LoadedGraph): void {
  const g = r.graph;
  const m = g.meta;
  const [minLon, minLat, maxLon, maxLat] = m.bbox;
  const lines = [
    `extract      ${m.source}`,
    `sha256       ${m.sourceSha256}`,
    `profile      ${m.profileName}`,
    `osm          ${m.osmNodes} nodes, ${m.highwayWays} highway ways, ${m.drivableWays} drivable`,
    `graph        ${g.vertexCount} vertices, ${g.edgeCount} directed edges, ${g.chainCount} road pieces, ${g.sLat.length} shape points`,
    `restrictions ${m.restrictionsApplied} applied, ${m.restrictionsSkipped} skipped (via-way or broken), ${m.turnSplitVertices} split vertices`,
    `hierarchy    ${g.ch ? `${g.ch.shortcuts} shortcuts, contracted in ${g.ch.buildMs.toFixed(0)} ms` : 'none'}`,
    `bbox         lat ${minLat.toFixed(5)}..${maxLat.toFixed(5)}  lon ${minLon.toFixed(5)}..${maxLon.toFixed(5)}`,
    `build time   ${m.buildMs.toFixed(0)} ms (when built)`,
    `this load    ${r.from === 'cache' ? 'from cache' : 'built'} in ${r.loadMs.toFixed(1)} ms${r.cachePath ? `  → ${r.cachePath}` : ''}`,
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

function main(): void {
  const [cmd, extract, ...rest] = process.argv.slice(2);
  if ((cmd !== 'build' && cmd !== 'info') || !extract) usage();
  const config = loadConfig();
  const cacheDir = rest.includes('--no-cache') ? null : join(config.dataDir, 'graph-cache');
  let lastPhase = '';
  const t0 = performance.now();
  const r = loadGraph(extract, {
    cacheDir,
    rebuild: cmd === 'build',
    onProgress: (phase, done, total) => {
      if (phase !== lastPhase) {
        lastPhase = phase;
        process.stdout.write(`[${((performance.now() - t0) / 1000).toFixed(2)}s] ${phase} ${done}/${total}\n`);
      }
    },
  });
  report(r);
}

try {
  main();
} catch (e) {
  if (!(e instanceof RoutingError)) throw e;
  process.stderr.write(`${e.code}: ${e.message}\n`);
  process.exit(1);
}
