import type { PositionPayload } from '@rescue/contracts';
import { TelemetryPipeline } from './pipeline';
import { json, sampleBytes } from './testing/samples';
import { shenzhenTaxiFixes } from './testing/shenzhen-trace';
import type { PipelineOutput, TelemetryConfig } from './types';

/** One table per filter, on real payload shapes: our fixes, OwnTracks samples, the Shenzhen taxi trace. */

const CFG: TelemetryConfig = { maxPayloadBytes: 65536, maxFutureS: 300, maxAgeS: 7 * 86400, maxSpeedKmh: 250, maxAccuracyM: 200 };
const T0 = Date.UTC(2026, 10, 23, 12, 0, 0);
const POS = 'ems/v1/units/amb-01/position';
const reasons = (o: PipelineOutput): string[] => o.rejections.map((r) => r.reason);
const fix = (over: Partial<PositionPayload> = {}): PositionPayload => ({ ts: T0, lat: 22.5325, lon: 114.0123, ...over });

describe('filter: null_island', () => {
  it.each<[string, PositionPayload, string[]]>([
    ['(0, 0)', fix({ lat: 0, lon: 0 }), ['null_island']],
    ['(-0, 0) float noise', fix({ lat: -0, lon: 1e-9 }), ['null_island']],
    ['(0, 114) on the equator', fix({ lat: 0, lon: 114 }), []],
    ['(22.5, 0) on the meridian', fix({ lat: 22.5, lon: 0 }), []],
  ])('%s', (_c, f, expected) => {
    expect(reasons(new TelemetryPipeline(CFG).process(POS, json(f), T0))).toEqual(expected);
  });

  it('an OwnTracks phone without fix sending (0, 0)', () => {
    const o = new TelemetryPipeline(CFG).process('owntracks/alice/pixel7', json({ _type: 'location', lat: 0, lon: 0, tst: T0 / 1000 }), T0);
    expect(reasons(o)).toEqual(['null_island']);
  });
});

describe('filter: future and too_old (limits relative to reception time)', () => {
  it.each<[string, number, string[]]>([
    ['on time', T0, []],
    ['exactly maxFutureS ahead', T0 + 300_000, []],
    ['1 ms beyond maxFutureS', T0 + 300_001, ['future']],
    ['a day ahead (terminal clock wrong)', T0 + 86_400_000, ['future']],
    ['exactly maxAgeS old (re-upload after a week offline)', T0 - 7 * 86_400_000, []],
    ['1 ms beyond maxAgeS', T0 - 7 * 86_400_000 - 1, ['too_old']],
    ['seconds sent instead of ms', Math.floor(T0 / 1000), ['too_old']],
  ])('%s', (_c, ts, expected) => {
    expect(reasons(new TelemetryPipeline(CFG).process(POS, json(fix({ ts })), T0))).toEqual(expected);
  });

  it('uses the clock only when receivedAt is not a number', () => {
    const p = new TelemetryPipeline(CFG, () => T0 + 86_400_000);
    expect(reasons(p.process(POS, json(fix({ ts: T0 + 86_400_000 })), Number.NaN))).toEqual([]);
    expect(reasons(p.process(POS, json(fix({ ts: T0 + 86_400_000 + 1000 })), T0))).toEqual(['future']);
  });

  it('the thresholds are configurable', () => {
    const strict = new TelemetryPipeline({ ...CFG, maxFutureS: 0, maxAgeS: 60 });
    expect(reasons(strict.process(POS, json(fix({ ts: T0 + 1 })), T0))).toEqual(['future']);
    expect(reasons(strict.process(POS, json(fix({ ts: T0 - 61_000 })), T0))).toEqual(['too_old']);
  });
});

describe('filter: poor_accuracy', () => {
  const tst = 1699882482; // l.json: acc 35 m
  const at = tst * 1000 + 5000;
  it.each<[number, string[]]>([
    [200, []],
    [35, []],
    [34.9, ['poor_accuracy']],
    [10, ['poor_accuracy']],
  ])('l.json (acc 35 m) with maxAccuracyM %d', (maxAccuracyM, expected) => {
    const o = new TelemetryPipeline({ ...CFG, maxAccuracyM }).process('owntracks/alice/pixel7', sampleBytes('protocol/owntracks/l.json'), at);
    expect(reasons(o)).toEqual(expected);
  });
  it('a fix without accuracy passes', () => {
    expect(reasons(new TelemetryPipeline({ ...CFG, maxAccuracyM: 1 }).process(POS, json(fix()), T0))).toEqual([]);
  });
  it('a cell-tower fix (1500 m) is refused', () => {
    expect(reasons(new TelemetryPipeline(CFG).process(POS, json(fix({ accuracyM: 1500 })), T0))).toEqual(['poor_accuracy']);
  });
});

describe('filter: duplicate', () => {
  it('a QoS 1 redelivery of the same message is refused the second time', () => {
    const p = new TelemetryPipeline(CFG);
    const msg = json(fix());
    expect(reasons(p.process(POS, msg, T0))).toEqual([]);
    const again = p.process(POS, msg, T0 + 2000);
    expect(again.fixes).toEqual([]);
    expect(again.rejections).toMatchObject([{ reason: 'duplicate', detail: expect.stringContaining('same fix') }]);
  });

  it('another position at an accepted time is refused, with its own detail', () => {
    const p = new TelemetryPipeline(CFG);
    p.process(POS, json(fix()), T0);
    const o = p.process(POS, json(fix({ lat: 22.5326 })), T0);
    expect(o.rejections).toMatchObject([{ reason: 'duplicate', detail: expect.stringContaining('another position') }]);
  });

  it('duplicates inside one re-upload array', () => {
    const o = new TelemetryPipeline(CFG).process(POS, json([fix({ ts: T0 - 1000 }), fix(), fix({ ts: T0 - 1000 })]), T0);
    expect(o.fixes.map((f) => f.ts)).toEqual([T0 - 1000, T0]);
    expect(reasons(o)).toEqual(['duplicate']);
  });

  it('the same time for two different units is no duplicate', () => {
    const p = new TelemetryPipeline(CFG);
    p.process(POS, json(fix()), T0);
    expect(reasons(p.process('ems/v1/units/amb-02/position', json(fix()), T0))).toEqual([]);
  });

  it('memory is bounded per unit: a duplicate older than the window is not recognised (storage key is the backstop)', () => {
    const p = new TelemetryPipeline({ ...CFG, duplicateWindow: 4 });
    const fixes = [0, 1, 2, 3, 4, 5].map((k) => fix({ ts: T0 - 60_000 + k * 10_000, lon: 114.0123 + k * 0.0005 }));
    expect(reasons(p.process(POS, json(fixes), T0))).toEqual([]);
    expect(reasons(p.process(POS, json(fixes[5]), T0))).toEqual(['duplicate']); // newest: remembered
    expect(reasons(p.process(POS, json(fixes[2]), T0))).toEqual(['duplicate']); // 4th newest: remembered
    expect(reasons(p.process(POS, json(fixes[1]), T0))).toEqual([]); // 5th newest: forgotten
  });

  it('memory is bounded across units: the least recently seen unit is forgotten', () => {
    const p = new TelemetryPipeline({ ...CFG, maxTrackedUnits: 2 });
    const unit = (id: string): string => `ems/v1/units/${id}/position`;
    p.process(unit('a'), json(fix()), T0);
    p.process(unit('b'), json(fix()), T0);
    expect(reasons(p.process(unit('a'), json(fix()), T0))).toEqual(['duplicate']); // a is now most recent
    p.process(unit('c'), json(fix()), T0); // evicts b
    expect(p.trackedUnits).toBe(2);
    expect(reasons(p.process(unit('a'), json(fix()), T0))).toEqual(['duplicate']);
    expect(reasons(p.process(unit('b'), json(fix()), T0))).toEqual([]); // b was forgotten
  });
});

describe('filter: speed_jump, on the Shenzhen taxi trace', () => {
  const trace = shenzhenTaxiFixes();
  const lastTs = trace[trace.length - 1]!.ts;
  const at = lastTs + 60_000;
  const feedOneByOne = (p: TelemetryPipeline, fixes: PositionPayload[]): PipelineOutput[] => fixes.map((f) => p.process(POS, json(f), at));

  it('the trace is read as 14 fixes in UTC (23:39:17 Beijing = 15:39:17Z)', () => {
    expect(trace).toHaveLength(14);
    expect(new Date(trace[0]!.ts).toISOString()).toBe('2014-10-22T15:39:17.000Z');
    expect(trace[0]).toMatchObject({ lat: 22.532499, lon: 114.012299, speedKmh: 27 });
  });

  it('all 14 real fixes pass at 250 km/h, one message each', () => {
    const p = new TelemetryPipeline({ ...CFG, maxAgeS: 3600 });
    const outs = feedOneByOne(p, trace);
    expect(outs.flatMap(reasons)).toEqual([]);
    expect(outs.flatMap((o) => o.fixes)).toHaveLength(14);
  });

  it('the check is live: at 40 km/h the fastest real stretches (~57 km/h) are refused', () => {
    const p = new TelemetryPipeline({ ...CFG, maxAgeS: 3600, maxSpeedKmh: 40 });
    const refused = feedOneByOne(p, trace).flatMap(reasons);
    expect(refused.length).toBeGreaterThan(0);
    expect(new Set(refused)).toEqual(new Set(['speed_jump']));
  });

  it('a fix teleported to Beijing in the middle of the trace is refused, the rest pass', () => {
    const withJump = [...trace.slice(0, 7), { ...trace[7]!, ts: trace[6]!.ts + 15_000, lat: 39.9, lon: 116.4 }, ...trace.slice(7)];
    const p = new TelemetryPipeline({ ...CFG, maxAgeS: 3600 });
    const outs = feedOneByOne(p, withJump);
    expect(outs.flatMap(reasons)).toEqual(['speed_jump']);
    expect(outs[7]!.rejections[0]!.detail).toMatch(/km\/h implied/);
    expect(outs.flatMap((o) => o.fixes)).toHaveLength(14);
  });

  it('late out-of-order re-upload: newest half live, then the older half buffered, reversed: all accepted', () => {
    const p = new TelemetryPipeline({ ...CFG, maxAgeS: 3600 });
    const live = feedOneByOne(p, trace.slice(7));
    const reupload = p.process(POS, json([...trace.slice(0, 7)].reverse()), at);
    expect([...live.flatMap(reasons), ...reasons(reupload)]).toEqual([]);
    expect(reupload.fixes.map((f) => f.ts)).toEqual(trace.slice(0, 7).map((f) => f.ts)); // sorted by time
  });

  it('a bad fix re-uploaded late is judged against its neighbours in time, not the newest fix', () => {
    const p = new TelemetryPipeline({ ...CFG, maxAgeS: 3600 });
    feedOneByOne(p, trace);
    // between fixes 3 and 4 (2 min apart, 150 m), 5 km away: impossible against its neighbours in time,
    // although plausible against the newest fix (18 min later, 5 km): a newest-only check would keep it
    const bad = { ts: trace[3]!.ts + 60_000, lat: trace[3]!.lat + 0.045, lon: trace[3]!.lon };
    expect(reasons(p.process(POS, json(bad), at))).toEqual(['speed_jump']);
    // a late fix that fits in the 7-minute gap before the last fix passes
    const ok = { ts: trace[12]!.ts + 200_000, lat: 22.5385, lon: 114.0155 };
    expect(reasons(p.process(POS, json(ok), at))).toEqual([]);
  });

  it('re-anchors after 3 consistent jumps (the remembered fix was the outlier)', () => {
    const p = new TelemetryPipeline({ ...CFG, maxAgeS: 3600 });
    // a cold-start fix 30 km off, then the real track
    const coldStart = { ts: trace[0]!.ts - 30_000, lat: 22.8, lon: 114.0 };
    expect(reasons(p.process(POS, json(coldStart), at))).toEqual([]);
    const outs = feedOneByOne(p, trace.slice(0, 5));
    expect(outs.map(reasons)).toEqual([['speed_jump'], ['speed_jump'], [], [], []]);
  });

  it('inconsistent jumps do not re-anchor (a terminal sending noise)', () => {
    const p = new TelemetryPipeline({ ...CFG, maxAgeS: 3600 });
    p.process(POS, json(trace[0]), at);
    const noise = [30, 31, 32, 33, 34].map((lat, k) => ({ ts: trace[0]!.ts + (k + 1) * 10_000, lat, lon: 114 + (k % 2) * 5 }));
    expect(feedOneByOne(p, noise).flatMap(reasons)).toEqual(['speed_jump', 'speed_jump', 'speed_jump', 'speed_jump', 'speed_jump']);
  });
});
