import { TelemetryPipeline } from '../pipeline';
import type { FixCandidate, PipelineOutput, TelemetryConfig } from '../types';

/**
 * The track filters on late re-uploads (JT/T 808 0x0704 blind-area batches come through processFixes):
 * tables of fixes along a straight road in Shenzhen, x metres east and y metres north of a start point,
 * t seconds after the start. 250 km/h is the limit: 5 km in 1 s is 18,000 km/h.
 */

const CFG: TelemetryConfig = { maxPayloadBytes: 65536, maxFutureS: 300, maxAgeS: 7 * 86400, maxSpeedKmh: 250, maxAccuracyM: 200 };
const UNIT = 'amb-07';
const LAT0 = 22.5325;
const LON0 = 114.0123;
const M_PER_DEG_LAT = 111_320;
const M_PER_DEG_LON = M_PER_DEG_LAT * Math.cos((LAT0 * Math.PI) / 180);
/** Reception time of every message: the live track ends a minute before it. */
const NOW = Date.UTC(2026, 11, 7, 12, 0, 0);

/** [seconds after the start, metres east, metres north] */
type P = [t: number, x: number, y?: number];

function candidate(start: number, [t, x, y = 0]: P): FixCandidate {
  const fix = { unitId: UNIT, ts: start + t * 1000, lat: LAT0 + y / M_PER_DEG_LAT, lon: LON0 + x / M_PER_DEG_LON, speedKmh: null, headingDeg: null, accuracyM: null, altitudeM: null, stepM: 0 };
  return { fix, crs: 'WGS84', raw: `t=${t}` };
}

/** The t of every refused fix (its raw is "t=<t>"). */
const refusedAt = (outs: PipelineOutput[]): number[] => outs.flatMap((o) => o.rejections.map((r) => Number(r.raw.slice(2)))).sort((a, b) => a - b);
const acceptedAt = (outs: PipelineOutput[], start: number): number[] =>
  outs.flatMap((o) => o.fixes.map((f) => (f.ts - start) / 1000)).sort((a, b) => a - b);

/** 16 live fixes (the default window, full), 10 s apart at 36 km/h, ending a minute before NOW. */
function withFullWindow(): TelemetryPipeline {
  const p = new TelemetryPipeline(CFG);
  const start = NOW - 60_000 - 150_000;
  const live = Array.from({ length: 16 }, (_, k): P => [k * 10, 20_000 + k * 100]);
  const o = p.processFixes(UNIT, live.map((q) => candidate(start, q)), NOW);
  expect(o.fixes).toHaveLength(16);
  return p;
}

describe('track filters: a batch older than everything the window remembers is checked against its own neighbours', () => {
  const start = NOW - 3 * 3600_000; // a blind-area batch three hours old
  // [case, frames of the batch (one processFixes call each), refused t, accepted t]
  it.each<[string, P[][], number[], number[]]>([
    ['a drive at 50 km/h, one frame', [[[0, 0], [10, 140], [20, 280], [30, 420]]], [], [0, 10, 20, 30]],
    ['a 5 km jump in 1 s in the middle of the batch', [[[0, 0], [10, 140], [11, 5140], [20, 280], [30, 420]]], [11], [0, 10, 20, 30]],
    ['the jump reported in reverse order (re-uploads come in any order)', [[[30, 420], [20, 280], [11, 5140], [10, 140], [0, 0]]], [11], [0, 10, 20, 30]],
    ['a 5 km jump across two frames of the same batch', [[[0, 0], [10, 140]], [[11, 5140], [20, 280], [30, 420]]], [11], [0, 10, 20, 30]],
    ['a 300 m hop in 10 s (108 km/h) is no jump', [[[0, 0], [10, 300], [20, 440]]], [], [0, 10, 20]],
    ['a duplicate inside the old batch is still refused', [[[0, 0], [10, 140], [10, 140], [20, 280]]], [10], [0, 10, 20]],
  ])('%s', (_case, frames, refused, accepted) => {
    const p = withFullWindow();
    const outs = frames.map((f) => p.processFixes(UNIT, f.map((q) => candidate(start, q)), NOW));
    expect(refusedAt(outs)).toEqual(refused);
    expect(acceptedAt(outs, start)).toEqual(accepted);
    expect(outs.flatMap((o) => o.rejections.map((r) => r.reason))).toEqual(refused.map(() => expect.stringMatching(/^(speed_jump|duplicate)$/)));
  });

  it('the refusal names the batch neighbour, not the live fix hours later', () => {
    const p = withFullWindow();
    const o = p.processFixes(UNIT, [[0, 0], [10, 140], [11, 5140]].map((q) => candidate(start, q as P)), NOW);
    expect(o.rejections).toMatchObject([{ reason: 'speed_jump', detail: expect.stringContaining(`from the fix at ts ${start + 10_000}`) }]);
  });

  it('the live track still works after the old batch (its newest fixes are remembered)', () => {
    const p = withFullWindow();
    p.processFixes(UNIT, [[0, 0], [10, 140]].map((q) => candidate(start, q as P)), NOW);
    const liveStart = NOW - 60_000 - 150_000;
    // the newest live fix is at t=150 s, x=21,500 m: the same again is a duplicate, a jump is refused
    expect(p.processFixes(UNIT, [candidate(liveStart, [150, 21_500])], NOW).rejections.map((r) => r.reason)).toEqual(['duplicate']);
    expect(p.processFixes(UNIT, [candidate(liveStart, [160, 26_500])], NOW).rejections.map((r) => r.reason)).toEqual(['speed_jump']);
    expect(p.processFixes(UNIT, [candidate(liveStart, [160, 21_600])], NOW).fixes).toHaveLength(1);
  });
});

describe('track filters: the good fix after a glitch that follows a signal gap is not blamed (both neighbours)', () => {
  const start = NOW - 30 * 60_000;
  // A before a 10-minute tunnel; G the first fix out of it, 3 km north (18 km/h from A: passes alone);
  // then the true track 1 km east of A, 5 s after G (G to it: ~2,500 km/h)
  const A: P = [0, 0];
  const G: P = [600, 0, 3000];
  const afterGap: P[] = [[605, 1000], [615, 1100], [625, 1200]];
  // [case, fixes, 'live' (one message each) or 'batch' (one re-upload), refused t, accepted t]
  it.each<[string, P[], 'live' | 'batch', number[], number[]]>([
    ['live: the glitch is stored but forgotten, the good fixes after it pass', [A, G, ...afterGap], 'live', [], [0, 600, 605, 615, 625]],
    ['batch: the glitch is refused, seen against the next fixes of the batch', [A, G, ...afterGap], 'batch', [600], [0, 605, 615, 625]],
    ['batch, out of order: the same', [afterGap[2]!, G, A, afterGap[0]!, afterGap[1]!], 'batch', [600], [0, 605, 615, 625]],
    ['live, then the glitch re-uploaded late between its neighbours: refused', [A, ...afterGap, G], 'live', [600], [0, 605, 615, 625]],
    ['live: a glitch without a gap is refused against the fix before', [A, [10, 140], [20, 5140], [30, 420]], 'live', [20], [0, 10, 30]],
    ['batch: a glitch without a gap is refused against the fix before', [A, [10, 140], [20, 5140], [30, 420]], 'batch', [20], [0, 10, 30]],
    ['batch: a good fix after the gap, then a glitch: the glitch is refused', [A, [600, 1000], [605, 1000, 6000], [615, 1100]], 'batch', [605], [0, 600, 615]],
    // the limit of one fix per message: the glitch cannot be told from the good fix before it until the
    // next good fix comes; nothing good is lost, the glitch is stored (see refuseSpeedJump)
    ['live: a good fix after the gap, then a glitch: both kept', [A, [600, 1000], [605, 1000, 6000], [615, 1100]], 'live', [], [0, 600, 605, 615]],
    ['batch: two good fixes after the gap', [A, [600, 1000], [605, 1050]], 'batch', [], [0, 600, 605]],
    ['batch: a real 3 km hop after the gap, then the track goes on from there', [A, G, [605, 0, 3050], [615, 0, 3150]], 'batch', [], [0, 600, 605, 615]],
  ])('%s', (_case, fixes, mode, refused, accepted) => {
    const p = new TelemetryPipeline(CFG);
    const outs =
      mode === 'live' ? fixes.map((q) => p.processFixes(UNIT, [candidate(start, q)], NOW)) : [p.processFixes(UNIT, fixes.map((q) => candidate(start, q)), NOW)];
    expect(refusedAt(outs)).toEqual(refused);
    expect(acceptedAt(outs, start)).toEqual(accepted);
    expect(new Set(outs.flatMap((o) => o.rejections.map((r) => r.reason)))).toEqual(new Set(refused.length > 0 ? ['speed_jump'] : []));
  });

  it('the batch refusal says which fix it disagrees with', () => {
    const o = new TelemetryPipeline(CFG).processFixes(UNIT, [A, G, ...afterGap].map((q) => candidate(start, q)), NOW);
    expect(o.rejections).toMatchObject([
      { reason: 'speed_jump', detail: expect.stringContaining(`to the next fix at ts ${start + 605_000}, which agrees with the fix at ts ${start}`) },
    ]);
  });
});
