import { TelemetryPipeline } from './pipeline';
import { json, utf8 } from './testing/samples';
import { REJECT_REASONS, type PipelineOutput } from './types';

/** process() never throws, and every message ends up accepted or refused with a known reason. */

const CFG = { maxPayloadBytes: 4096, maxFutureS: 300, maxAgeS: 7 * 86400, maxSpeedKmh: 250, maxAccuracyM: 200 };
const T0 = Date.UTC(2026, 10, 23, 12, 0, 0);

// deterministic PRNG (mulberry32) so a failure can be replayed
function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TOPICS = ['ems/v1/units/u1/position', 'ems/v1/units/u1/status', 'ems/v1/units/u1/presence', 'owntracks/a/b', 'ems/v1/units/u1/x', '#'];
const ODD_VALUES: unknown[] = [null, true, 0, -1, 1e308, -0, '', 'online', [], {}, [[]], { ts: null }, 'x'.repeat(10)];

function randomValue(r: () => number, depth = 0): unknown {
  const k = Math.floor(r() * 6);
  if (depth > 3 || k === 0) return ODD_VALUES[Math.floor(r() * ODD_VALUES.length)];
  if (k === 1) return Array.from({ length: Math.floor(r() * 4) }, () => randomValue(r, depth + 1));
  const o: Record<string, unknown> = {};
  for (const key of ['ts', 'lat', 'lon', 'speedKmh', 'crs', 'status', 'source', '_type', 'tst', 'acc']) {
    if (r() < 0.6) o[key] = r() < 0.5 ? randomValue(r, depth + 1) : (r() - 0.5) * 400;
  }
  return o;
}

function accountedFor(o: PipelineOutput): boolean {
  return o.fixes.length + o.rejections.length + (o.status ? 1 : 0) + (o.presence ? 1 : 0) > 0;
}

describe('robustness', () => {
  it('2,000 random JSON payloads on every topic: no throw, every message accounted for', () => {
    const r = prng(808);
    const p = new TelemetryPipeline(CFG);
    for (let i = 0; i < 2000; i++) {
      const topic = TOPICS[i % TOPICS.length]!;
      const o = p.process(topic, json(randomValue(r)), T0);
      expect(accountedFor(o)).toBe(true);
      for (const rej of o.rejections) expect(REJECT_REASONS).toContain(rej.reason);
    }
  });

  it('random bytes: no throw', () => {
    const r = prng(120);
    const p = new TelemetryPipeline(CFG);
    for (let i = 0; i < 500; i++) {
      const bytes = Uint8Array.from({ length: Math.floor(r() * 64) }, () => Math.floor(r() * 256));
      const o = p.process(TOPICS[i % 4]!, bytes, T0);
      expect(accountedFor(o)).toBe(true);
    }
  });

  it('deeply nested JSON is refused, not a crash', () => {
    const o = new TelemetryPipeline({ ...CFG, maxPayloadBytes: 1 << 20 }).process(TOPICS[0]!, utf8('['.repeat(100_000) + ']'.repeat(100_000)), T0);
    expect(o.fixes).toEqual([]);
    expect(o.rejections).toMatchObject([{ reason: 'schema', detail: expect.stringContaining('deeply nested') }]);
  });

  it('a caller bug (no payload) becomes an internal rejection instead of an exception', () => {
    const o = new TelemetryPipeline(CFG).process(TOPICS[0]!, null as unknown as Uint8Array, T0);
    expect(o.rejections).toMatchObject([{ reason: 'internal', unitId: 'u1' }]);
  });

  it('a bad configuration is refused at construction', () => {
    expect(() => new TelemetryPipeline({ ...CFG, maxSpeedKmh: 0 })).toThrow(/maxSpeedKmh/);
    expect(() => new TelemetryPipeline({ ...CFG, duplicateWindow: 1.5 })).toThrow(/duplicateWindow/);
  });
});
