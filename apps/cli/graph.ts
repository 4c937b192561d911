// npm run graph -- build <extract> [--clip <boundary.geojson|minLon,minLat,maxLon,maxLat>] [--no-cache]
// npm run graph -- info <extract> [--clip ...]
// Builds (or loads) the road graph of an OSM extract and prints counts, bbox and timings. The extract
// is read in two streaming passes (ways, then road nodes), so a province file needs no more memory
// than its road network; --clip cuts a prefecture out of it during the same passes.
import { join } from 'node:path';
import { loadConfig } from '@rescue/config';
import { loadGraph, type LoadedGraph, parseClip, RoutingError } from '@rescue/routing';

function usage(): never {
  process.stderr.write(
    'usage: npm run graph -- build <extract.osm.pbf|.osm> [--clip <boundary.geojson|minLon,minLat,maxLon,maxLat>] [--no-cache]\n' +
      '       npm run graph -- info <extract> [--clip ...]\n',
  );
  process.exit(2);
}

function report(r: LoadedGraph): void {
  const g = r.graph;
  const m = g.meta;
  const [minLon, minLat, maxLon, maxLat] = m.bbox;
  const lines = [
    `extract      ${m.source}${m.clip ? `  clipped to ${m.clip.length > 80 ? `${m.clip.slice(0, 80)}…` : m.clip}` : ''}`,
    `sha256       ${m.sourceSha256}`,
    `profile      ${m.profileName}`,
    `osm          ${m.osmNodes} nodes, ${m.highwayWays} highway ways, ${m.drivableWays} drivable`,
    `graph        ${g.vertexCount} vertices, ${g.edgeCount} directed edges, ${g.chainCount} road pieces, ${g.sLat.length} shape points`,
    `restrictions ${m.restrictionsApplied} applied, ${m.restrictionsSkipped} skipped (via-way or broken), ${m.turnSplitVertices} split vertices`,
    `hierarchy    ${g.ch ? `${g.ch.shortcuts} shortcuts, contracted in ${g.ch.buildMs.toFixed(0)} ms` : 'none'}`,
    `bbox         lat ${minLat.toFixed(5)}..${maxLat.toFixed(5)}  lon ${minLon.toFixed(5)}..${maxLon.toFixed(5)}`,
    `build time   ${m.buildMs.toFixed(0)} ms (when built)`,
    `this load    ${r.from === 'cache' ? 'from cache' : 'built'} in ${r.loadMs.toFixed(1)} ms${r.cachePath ? `  → ${r.cachePath}` : ''}`,
    `peak RSS     ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`,
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

/**
 * Prints a phase when it starts and, for the byte-counted read passes, at most every 2 s with an ETA
 * from the rate of the last 10 s (blocks differ: the way pass skips node blocks quickly).
 */
function progressPrinter(): (phase: string, done: number, total: number) => void {
  const t0 = performance.now();
  let phase = '';
  let lastPrint = 0;
  let window: { t: number; done: number }[] = [];
  const at = (): string => `[${((performance.now() - t0) / 1000).toFixed(1)}s]`;
  return (p, done, total) => {
    const now = performance.now();
    if (p !== phase) {
      phase = p;
      lastPrint = now;
      window = [{ t: now, done }];
      process.stdout.write(`${at()} ${p}${p.startsWith('read') ? ` 0/${(total / 1e6).toFixed(1)} MB` : ` ${done}/${total}`}\n`);
      return;
    }
    if (!p.startsWith('read') || now - lastPrint < 2000) return;
    lastPrint = now;
    window.push({ t: now, done });
    while (window.length > 2 && now - window[0]!.t > 10_000) window.shift();
    const rate = (done - window[0]!.done) / Math.max(1, now - window[0]!.t);
    const eta = rate > 0 ? `~${((total - done) / rate / 1000).toFixed(0)} s` : 'unknown';
    process.stdout.write(`${at()} ${p} ${(done / 1e6).toFixed(1)}/${(total / 1e6).toFixed(1)} MB (${((100 * done) / total).toFixed(0)} %), this pass ends in ${eta}\n`);
  };
}

function main(): void {
  const [cmd, extract, ...rest] = process.argv.slice(2);
  if ((cmd !== 'build' && cmd !== 'info') || !extract) usage();
  let clipArg: string | undefined;
  for (let i = 0; i < rest.length; i++) {
    if (rest[i] === '--clip') {
      clipArg = rest[++i];
      if (clipArg === undefined) usage();
    } else if (rest[i] !== '--no-cache') usage();
  }
  const config = loadConfig();
  const cacheDir = rest.includes('--no-cache') ? null : join(config.dataDir, 'graph-cache');
  const r = loadGraph(extract, {
    cacheDir,
    rebuild: cmd === 'build',
    ...(clipArg !== undefined ? { clip: parseClip(clipArg) } : {}),
    onProgress: progressPrinter(),
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
