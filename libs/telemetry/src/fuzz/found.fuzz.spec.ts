import { decodeJt808Frame } from '../jt808/decode';
import { jt808Escape, xorChecksum } from '../jt808/framing';
import { jt808LocationToCandidate } from '../jt808/to-fix';
import { TelemetryPipeline } from '../pipeline';
import { TOO_LARGE_RAW_BYTES } from '../steps/decode';
import { utf8 } from '../testing/samples';

/** The bugs the fuzzers found, as plain regression tests (each failed before its fix). */

const T0 = Date.UTC(2026, 10, 23, 12, 0, 0);
const FUZZ_CONFIG = { maxPayloadBytes: 256 * 1024, maxFutureS: 300, maxAgeS: 7 * 86_400, maxSpeedKmh: 250, maxAccuracyM: 200 };
const deep = (d: number): string => '['.repeat(d) + ']'.repeat(d);

describe('found by fuzzing', () => {
  it('array elements too deep to re-serialise keep a bounded raw each, not a copy of the whole payload each', () => {
    // before: 7 such elements of an 84 KB payload kept 7 × 84 KB of dead letters
    const payload = utf8(`[${new Array<string>(12).fill(deep(8000)).join(',')}]`);
    const o = new TelemetryPipeline(FUZZ_CONFIG).process('ems/v1/units/u1/position', payload, T0);
    expect(o.rejections).toHaveLength(12);
    for (const r of o.rejections) {
      expect(r).toMatchObject({ reason: 'schema', detail: expect.stringContaining('deeply nested') });
      expect(r.raw.length).toBeLessThanOrEqual(TOO_LARGE_RAW_BYTES);
    }
  });

  it('deep elements are refused without overflowing JSON.stringify once per element (~10 ms each before)', () => {
    const payload = utf8(`[${new Array<string>(30).fill(deep(4200)).join(',')}]`);
    const p = new TelemetryPipeline(FUZZ_CONFIG);
    // The cost was one stack overflow (a RangeError with its stack) per element: count those, not milliseconds.
    const stringify = jest.spyOn(JSON, 'stringify');
    try {
      const o = p.process('owntracks/alice/pixel7', payload, T0);
      expect(o.rejections).toHaveLength(30);
      expect(stringify.mock.results.filter((r) => r.type === 'throw')).toHaveLength(0);
    } finally {
      stringify.mockRestore();
    }
  });

  it('a JT/T 808 location with a DWORD longitude of 4294° is refused (out_of_range), not accepted as a fix', () => {
    // 2013 0x0200: positioned + west; lat 22.5°, lon 0xFFFFFFFC µ° = 4294.967292°
    const body = [0, 0, 0, 0, 0, 0, 0, 0x0a, 0x01, 0x57, 0x4d, 0xe0, 0xff, 0xff, 0xff, 0xfc, 0, 10, 0, 0, 0, 0, 0x26, 0x11, 0x23, 0x20, 0x00, 0x00];
    const content = [0x02, 0x00, 0x00, body.length, 0x01, 0x38, 0x33, 0x50, 0x17, 0x44, 0x00, 0x19, ...body];
    const r = decodeJt808Frame(jt808Escape(Uint8Array.from([...content, xorChecksum(Uint8Array.from(content))])));
    if (!r.ok || r.message.body.kind !== 'location') throw new Error(JSON.stringify(r));
    const loc = r.message.body.location;
    expect(loc.lon).toBeCloseTo(-4294.967292, 6);
    const o = new TelemetryPipeline(FUZZ_CONFIG).processFixes('amb-808', [jt808LocationToCandidate(loc, 'amb-808', 'frame')], loc.ts + 1000);
    expect(o.fixes).toEqual([]);
    expect(o.rejections).toMatchObject([{ reason: 'out_of_range', detail: expect.stringMatching(/^lon: -4294\.967292 outside/), unitId: 'amb-808', raw: 'frame' }]);
  });

  it('a JT/T 808 direction of 65535° or altitude of 65382 m (−154 m as an unsigned WORD) keeps the fix, with that measurement unknown', () => {
    const p = new TelemetryPipeline(FUZZ_CONFIG);
    const fix = { unitId: 'amb-808', ts: T0, lat: 22.5, lon: 114, speedKmh: 10, headingDeg: 65535, accuracyM: null, altitudeM: 65382, stepM: 0 };
    const o = p.processFixes('amb-808', [{ fix, crs: 'WGS84', raw: 'a' }], T0);
    expect(o.rejections).toEqual([]);
    expect(o.fixes).toMatchObject([{ lat: 22.5, lon: 114, speedKmh: 10, headingDeg: null, altitudeM: null }]);
  });
});
