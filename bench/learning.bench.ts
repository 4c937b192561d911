// Map matching: accuracy on simulated drives with known truth (1/5/15/30 s sampling × 10/30/50 m
// noise), the real GPX track, and throughput in fixes per second on one core.
// `npm run bench:learning` (add `-- --tracks N` for more drives per cell, default 12).
import { execSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { haversineM } from '@rescue/common';
import { loadGraph, matchTrack } from '@rescue/routing';
import { accuracy, simulateTrack } from '@rescue/routing/testing';

const arg = (name: string, def: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : def;
};
const TRACKS = arg('tracks', 12);
const pct = (x: number): string => `${(100 * x).toFixed(1)} %`;

function main(): void {
  console.log(`bench:learning at ${new Date().toISOString()}, load average ${execSync('cat /proc/loadavg').toString().trim()}`);
  for (const extract of ['data/osm/andorra.osm.pbf', 'data/osm/monaco.osm.pbf']) {
    const { graph } = loadGraph(extract, { cacheDir: '.data/graph-cache' });
    console.log(`\n${extract}: ${graph.vertexCount} vertices, ${graph.edgeCount} edges; ${TRACKS} simulated drives per cell (1.5–5 km, a third with a U-turn, half with a 60–120 s gap, stops)`);
    console.log('| sampling | noise σ/axis | true length matched | matched length wrong | wrong edges / drive | splits / drive | fixes | fixes/s |');
    console.log('|---|---|---|---|---|---|---|---|');
    let allFixes = 0;
    let allMs = 0;
    for (const dt of [1, 5, 15, 30]) {
      for (const noise of [10, 30, 50]) {
        let share = 0, wrong = 0, wrongEdges = 0, splits = 0, fixes = 0, ms = 0;
        for (let s = 0; s < TRACKS; s++) {
          const tr = simulateTrack(graph, { intervalS: dt, noiseM: noise, seed: 100000 + 1000 * dt + 10 * noise + s, uTurn: s % 3 === 0, gap: s % 2 === 1 });
          const t0 = performance.now();
          const m = matchTrack(graph, tr.points);
          ms += performance.now() - t0;
          fixes += tr.points.length;
          const acc = accuracy(graph, tr.truth, m.segments.flatMap((x) => x.edges));
          share += acc.matchedShare / TRACKS;
          wrong += acc.wrongShare / TRACKS;
          wrongEdges += acc.wrongEdges / TRACKS;
          splits += Math.max(0, m.segments.length - 1) / TRACKS;
        }
        allFixes += fixes;
        allMs += ms;
        console.log(`| ${dt} s | ${noise} m | ${pct(share)} | ${pct(wrong)} | ${wrongEdges.toFixed(1)} | ${splits.toFixed(2)} | ${fixes} | ${Math.round((fixes / ms) * 1000)} |`);
      }
    }
    console.log(`throughput over all cells: ${allFixes} fixes in ${(allMs / 1000).toFixed(2)} s = ${Math.round((allFixes / allMs) * 1000)} fixes/s (goal ≥ 20,000 on one core)`);
  }
  const { graph } = loadGraph('data/osm/andorra.osm.pbf', { cacheDir: '.data/graph-cache' });
  const gpx = readFileSync('data/traces/andorra_for_map_matching.gpx', 'utf8');
  const pts = [...gpx.matchAll(/<trkpt lat="([-\d.]+)" lon="([-\d.]+)"/g)].map((x) => ({ lat: Number(x[1]), lon: Number(x[2]) }));
  let gpxM = 0;
  for (let i = 1; i < pts.length; i++) gpxM += haversineM(pts[i - 1]!.lat, pts[i - 1]!.lon, pts[i]!.lat, pts[i]!.lon);
  const m = matchTrack(graph, pts);
  console.log(`\nreal track data/traces/andorra_for_map_matching.gpx (${pts.length} fixes, no times): ${m.segments.length} segment(s), ${m.unmatched.length} unmatched, matched ${m.distanceM.toFixed(0)} m vs ${gpxM.toFixed(0)} m of track (ratio ${(m.distanceM / gpxM).toFixed(3)}; GraphHopper's test wants < 1.5), σ estimated ${m.sigmaM.toFixed(1)} m, confidence ${m.confidence.toFixed(2)}`);
}

main();
