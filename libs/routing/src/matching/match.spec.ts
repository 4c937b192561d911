import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RoutingError } from '../errors';
import { haversineM } from '@rescue/common';
import { loadGraph } from '../load-graph';
import { D, handGraph } from '../testing/hand-map';
import { accuracy, rng, simulateTrack } from '../testing/track-sim';
import { matchTrack, type TrackPoint } from './match';

const RES = { highway: 'residential' };
const PRI = { highway: 'primary' };
const T0 = Date.UTC(2026, 0, 5, 8);

/** Fixes every dt seconds along a straight line between two [lat, lon] points at speed m/s. */
function line(from: [number, number], to: [number, number], speed: number, dt: number, t0: number, noiseM = 0, seed = 1): TrackPoint[] {
  const r = rng(seed);
  const len = haversineM(from[0], from[1], to[0], to[1]);
  const n = Math.max(1, Math.round(len / speed / dt));
  const out: TrackPoint[] = [];
  for (let i = 0; i <= n; i++) {
    const f = i / n;
    const jitter = (): number => ((r() - 0.5) * 2 * noiseM) / (D * 1000);
    out.push({ lat: from[0] + f * (to[0] - from[0]) + jitter(), lon: from[1] + f * (to[1] - from[1]) + jitter(), ts: t0 + i * dt * 1000 });
  }
  return out;
}

describe('map matching on hand-drawn maps', () => {
  /*
   *   a ------------ b ------------ c        primary a-b-c along the equator, 2D each (≈ 222 m)
   *                  |
   *                  d                       residential side street b-d, D (≈ 111 m)
   */
  const g = handGraph(
    { a: [0, 0], b: [0, 0.002], c: [0, 0.004], d: [-0.001, 0.002] },
    [
      { id: 1, nodes: 'abc', tags: PRI },
      { id: 2, nodes: 'bd', tags: RES },
    ],
  );

  it('follows the main road past a side street, with edge times that add up to the drive', () => {
    // 10 m/s from just after a to just before c, one fix a second, ±8 m noise.
    const pts = line([0, 0.0002], [0, 0.0038], 10, 1, T0, 8, 3);
    const m = matchTrack(g, pts, { sigmaM: 5 });
    expect(m.segments).toHaveLength(1);
    expect(m.unmatched).toEqual([]);
    const s = m.segments[0]!;
    // The end fixes may sit up to 8 m (noise) before or after the true ends.
    expect(Math.abs(s.distanceM - 3.6 * D)).toBeLessThan(16);
    expect(new Set(s.edges.map((e) => e.wayId))).toEqual(new Set([1]));
    const driven = s.edges.reduce((x, e) => x + e.durationS!, 0);
    expect(driven).toBeCloseTo((pts[pts.length - 1]!.ts! - pts[0]!.ts!) / 1000, 3);
    // a→b and b→c are driven in order, entering the second as the first is left.
    expect(s.edges[0]!.exitTs).toBe(s.edges[1]!.enterTs);
    expect(s.edges[1]!.full).toBe(false);
    expect(s.confidence).toBeGreaterThan(0.5);
  });

  it('keeps a stop as dwell on the road, not as loops', () => {
    // Drive to the middle of a-b, stand 60 s with fixes scattering ±15 m, drive on to c.
    const r = rng(9);
    const stop: TrackPoint[] = [];
    for (let i = 1; i <= 60; i++) stop.push({ lat: ((r() - 0.5) * 30) / (D * 1000), lon: 0.001 + ((r() - 0.5) * 30) / (D * 1000), ts: T0 + 10000 + i * 1000 });
    const pts = [...line([0, 0], [0, 0.001], 11.1, 1, T0), ...stop, ...line([0, 0.0011], [0, 0.004], 11.1, 1, T0 + 71000)];
    const m = matchTrack(g, pts, { sigmaM: 10 });
    expect(m.segments).toHaveLength(1);
    const s = m.segments[0]!;
    expect(s.distanceM).toBeLessThan(4.2 * D);
    expect(s.distanceM).toBeGreaterThan(3.8 * D);
    // The 60 s stand lands on a-b: its traversal takes over a minute.
    const ab = s.edges.find((e) => e.wayId === 1 && e.distanceM > 1.5 * D)!;
    expect(ab.durationS!).toBeGreaterThan(60);
  });

  it('matches an out-and-back drive as a U-turn mid-road', () => {
    const pts = [...line([0, 0.0001], [0, 0.003], 10, 2, T0, 5, 4), ...line([0, 0.003], [0, 0.0005], 10, 2, T0 + 66000, 5, 5).slice(1)];
    const m = matchTrack(g, pts, { sigmaM: 5 });
    expect(m.segments).toHaveLength(1);
    const s = m.segments[0]!;
    expect(s.distanceM).toBeGreaterThan(5 * D);
    expect(s.distanceM).toBeLessThan(5.6 * D);
    const dirs = new Set(s.edges.map((e) => g.eDir[e.edge]));
    expect(dirs).toEqual(new Set([0, 1]));
  });

  it('splits where the track jumps to a road it cannot reach, and leaves out fixes far from any road', () => {
    /*
     *   a ---- b          e ---- f   (an island: no road joins them)
     */
    const g2 = handGraph({ a: [0, 0], b: [0, 0.003], e: [0, 0.02], f: [0, 0.023] }, [
      { id: 1, nodes: 'ab', tags: PRI },
      { id: 2, nodes: 'ef', tags: PRI },
    ]);
    const far: TrackPoint = { lat: 0.01, lon: 0.01, ts: T0 + 40000 };
    const pts = [...line([0, 0.0002], [0, 0.0028], 10, 3, T0), far, ...line([0, 0.0202], [0, 0.0228], 10, 3, T0 + 45000)];
    const m = matchTrack(g2, pts, { sigmaM: 5, maxSpeedMps: 40 });
    expect(m.segments).toHaveLength(2);
    expect(m.unmatched).toContain(pts.indexOf(far));
    expect(m.segments[0]!.edges.every((e) => e.wayId === 1)).toBe(true);
    expect(m.segments[1]!.edges.every((e) => e.wayId === 2)).toBe(true);
  });

  it('refuses invalid fixes and timestamps going back', () => {
    expect(() => matchTrack(g, [{ lat: 91, lon: 0 }])).toThrow(RoutingError);
    expect(() => matchTrack(g, [{ lat: 0, lon: 0, ts: 2000 }, { lat: 0, lon: 0.001, ts: 1000 }])).toThrow(/non-decreasing/);
  });
});

describe('map matching on Andorra', () => {
  const { graph } = loadGraph('data/osm/andorra.osm.pbf', { cacheDir: join('.data', 'graph-cache') });

  // Simulated drives with known truth (testing/track-sim.ts); floors a little under what was
  // measured (bench:learning prints the full table), so a regression in the model fails here.
  it.each([
    [1, 10, 0.97, 0.12],
    [5, 10, 0.93, 0.08],
    [15, 30, 0.9, 0.15],
    [30, 10, 0.88, 0.06],
    [30, 50, 0.82, 0.25],
  ])('sampling %i s, noise %i m: ≥ %d of the true length matched, ≤ %d of the matched length wrong', (dt, noise, minShare, maxWrong) => {
    let share = 0;
    let wrong = 0;
    const n = 6;
    for (let s = 0; s < n; s++) {
      const tr = simulateTrack(graph, { intervalS: dt, noiseM: noise, seed: 500 + s, uTurn: s % 3 === 0, gap: s % 2 === 1 });
      const m = matchTrack(graph, tr.points);
      const acc = accuracy(graph, tr.truth, m.segments.flatMap((x) => x.edges));
      share += acc.matchedShare / n;
      wrong += acc.wrongShare / n;
    }
    expect(share).toBeGreaterThanOrEqual(minShare);
    expect(wrong).toBeLessThanOrEqual(maxWrong);
  });

  it('matches the real hand-drawn GPX track near Soldeu without dead-end detours', () => {
    const gpx = readFileSync('data/traces/andorra_for_map_matching.gpx', 'utf8');
    const pts = [...gpx.matchAll(/<trkpt lat="([-\d.]+)" lon="([-\d.]+)"/g)].map((x) => ({ lat: Number(x[1]), lon: Number(x[2]) }));
    expect(pts).toHaveLength(21);
    const m = matchTrack(graph, pts);
    expect(m.segments).toHaveLength(1);
    expect(m.unmatched).toEqual([]);
    let gpxM = 0;
    for (let i = 1; i < pts.length; i++) gpxM += haversineM(pts[i - 1]!.lat, pts[i - 1]!.lon, pts[i]!.lat, pts[i]!.lon);
    // GraphHopper's test on this file: matched length under 1.5 × the track's (no detours).
    const ratio = m.segments[0]!.distanceM / gpxM;
    expect(ratio).toBeGreaterThan(0.9);
    expect(ratio).toBeLessThan(1.2);
    expect(m.segments[0]!.edges.every((e) => e.durationS === null)).toBe(true);
  });
});
