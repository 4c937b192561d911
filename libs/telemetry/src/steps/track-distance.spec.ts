import { TelemetryPipeline } from '../pipeline';
import { json } from '../testing/samples';
import type { TelemetryConfig } from '../types';

const CFG: TelemetryConfig = { maxPayloadBytes: 65536, maxFutureS: 300, maxAgeS: 7 * 86400, maxSpeedKmh: 250, maxAccuracyM: 200 };
const T0 = Date.UTC(2026, 10, 23, 12, 0, 0);
const POS = (unit = 'amb-01') => `ems/v1/units/${unit}/position`;
/** Metres per degree of latitude (the haversine's sphere, R = 6,371,008.8 m). */
const M_PER_DEG = (6_371_008.8 * Math.PI) / 180;

/** A fix `north` metres north of 22.5 N 114 E, `s` seconds after T0 − 10 min. */
const fix = (s: number, north: number) => ({ ts: T0 - 600_000 + s * 1000, lat: 22.5 + north / M_PER_DEG, lon: 114 });

function steps(p: TelemetryPipeline, payload: object, unit = 'amb-01'): number[] {
  return p.process(POS(unit), json(payload), T0).fixes.map((f) => Math.round(f.stepM * 10) / 10);
}

describe('measureTrackDistance (track step)', () => {
  it('gives each fix the metres from the unit newest earlier fix; the first adds 0', () => {
    const p = new TelemetryPipeline(CFG);
    expect(steps(p, fix(0, 0))).toEqual([0]);
    expect(steps(p, fix(10, 100))).toEqual([100]);
    expect(steps(p, [fix(20, 150), fix(30, 350)])).toEqual([50, 200]);
    expect(steps(p, fix(10, 0), 'amb-02')).toEqual([0]); // another unit starts from nothing
  });

  it('a late re-upload adds 0 (never counts a stretch twice), and the next fix measures from the newest', () => {
    const p = new TelemetryPipeline(CFG);
    steps(p, fix(0, 0));
    steps(p, fix(60, 500));
    expect(steps(p, fix(30, 250))).toEqual([0]);
    expect(steps(p, fix(70, 600))).toEqual([100]);
  });

  it('a refused fix is not measured and does not move the reference', () => {
    const p = new TelemetryPipeline(CFG);
    steps(p, fix(0, 0));
    expect(steps(p, fix(1, 5000))).toEqual([]); // 18,000 km/h: speed_jump
    expect(steps(p, fix(0, 0))).toEqual([]); // duplicate
    expect(steps(p, fix(10, 100))).toEqual([100]);
  });

  it('the fix that re-anchors a unit after consistent speed jumps adds 0, and the next measures from it', () => {
    const p = new TelemetryPipeline(CFG);
    steps(p, fix(0, 0)); // a cold-start outlier, 50 km off the true track
    expect(steps(p, [fix(10, 50_000), fix(11, 50_010)])).toEqual([]);
    expect(steps(p, fix(12, 50_020))).toEqual([0]); // the third consistent one becomes the anchor
    expect(steps(p, fix(13, 50_030))).toEqual([10]);
  });
});
