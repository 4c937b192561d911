import { TelemetryPipeline } from './pipeline';
import { utf8 } from './testing/samples';

/**
 * process() never throws, and every message ends up accepted or refused with a known reason. The random
 * payloads that used to be generated here (2,000 JSON values, 500 byte strings, hand PRNG) are now part of
 * the seeded fast-check run in fuzz/decoders.fuzz.spec.ts (100,000 inputs, same properties and more);
 * what stays are the named edge cases.
 */

const CFG = { maxPayloadBytes: 4096, maxFutureS: 300, maxAgeS: 7 * 86400, maxSpeedKmh: 250, maxAccuracyM: 200 };
const T0 = Date.UTC(2026, 10, 23, 12, 0, 0);

describe('robustness', () => {
  it('deeply nested JSON is refused, not a crash', () => {
    const o = new TelemetryPipeline({ ...CFG, maxPayloadBytes: 1 << 20 }).process('ems/v1/units/u1/position', utf8('['.repeat(100_000) + ']'.repeat(100_000)), T0);
    expect(o.fixes).toEqual([]);
    expect(o.rejections).toMatchObject([{ reason: 'schema', detail: expect.stringContaining('deeply nested') }]);
  });

  it('a caller bug (no payload) becomes an internal rejection instead of an exception', () => {
    const o = new TelemetryPipeline(CFG).process('ems/v1/units/u1/position', null as unknown as Uint8Array, T0);
    expect(o.rejections).toMatchObject([{ reason: 'internal', unitId: 'u1' }]);
  });

  it('a bad configuration is refused at construction', () => {
    expect(() => new TelemetryPipeline({ ...CFG, maxSpeedKmh: 0 })).toThrow(/maxSpeedKmh/);
    expect(() => new TelemetryPipeline({ ...CFG, duplicateWindow: 1.5 })).toThrow(/duplicateWindow/);
  });
});
