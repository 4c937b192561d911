import { TelemetryPipeline } from './pipeline';
import { json, sampleBytes, sampleText, utf8 } from './testing/samples';
import { REJECT_REASONS, type PipelineOutput, type TelemetryConfig } from './types';

const CFG: TelemetryConfig = { maxPayloadBytes: 65536, maxFutureS: 300, maxAgeS: 7 * 86400, maxSpeedKmh: 250, maxAccuracyM: 200 };
const T0 = Date.UTC(2026, 10, 23, 12, 0, 0); // reception time of the synthetic cases
const POS = 'ems/v1/units/amb-01/position';

function run(topic: string, payload: Uint8Array | string | object, receivedAt = T0, cfg = CFG): PipelineOutput {
  const bytes = typeof payload === 'string' ? utf8(payload) : payload instanceof Uint8Array ? payload : json(payload);
  return new TelemetryPipeline(cfg).process(topic, bytes, receivedAt);
}

const reasons = (o: PipelineOutput): string[] => o.rejections.map((r) => r.reason);

describe('TelemetryPipeline: our position contract', () => {
  const good = { ts: T0 - 1000, lat: 22.5325, lon: 114.0123, speedKmh: 36.5, headingDeg: 90, accuracyM: 8, altitudeM: 12 };

  it('accepts a full fix and maps every field', () => {
    const o = run(POS, good);
    expect(o.rejections).toEqual([]);
    expect(o.fixes).toEqual([{ unitId: 'amb-01', ts: T0 - 1000, lat: 22.5325, lon: 114.0123, speedKmh: 36.5, headingDeg: 90, accuracyM: 8, altitudeM: 12, stepM: 0 }]);
  });

  it('accepts a minimal fix with nulls for what was not measured', () => {
    const o = run(POS, { ts: T0, lat: 40, lon: 116, speedKmh: null });
    expect(o.fixes[0]).toMatchObject({ speedKmh: null, headingDeg: null, accuracyM: null, altitudeM: null });
  });

  // validation table: [case, payload, reason, detail fragment]
  it.each<[string, unknown, string, string]>([
    ['ts missing', { lat: 40, lon: 116 }, 'schema', 'ts: required'],
    ['ts as ISO string', { ts: '2026-11-23T12:00:00Z', lat: 40, lon: 116 }, 'schema', 'ts: expected an integer'],
    ['ts fractional', { ts: T0 + 0.5, lat: 40, lon: 116 }, 'schema', 'ts: expected an integer'],
    ['lat missing', { ts: T0, lon: 116 }, 'schema', 'lat: required'],
    ['lat as string (transition-illegal-lat shape)', { ts: T0, lat: '61.195709', lon: 116 }, 'schema', 'lat: expected a number'],
    ['lon null', { ts: T0, lat: 40, lon: null }, 'schema', 'lon: expected a number'],
    ['lat 91', { ts: T0, lat: 91, lon: 116 }, 'out_of_range', 'lat: 91'],
    ['lon -180.5', { ts: T0, lat: 40, lon: -180.5 }, 'out_of_range', 'lon: -180.5'],
    ['negative speed', { ts: T0, lat: 40, lon: 116, speedKmh: -1 }, 'out_of_range', 'speedKmh'],
    ['speed 1200 km/h', { ts: T0, lat: 40, lon: 116, speedKmh: 1200 }, 'out_of_range', 'speedKmh'],
    ['heading 361', { ts: T0, lat: 40, lon: 116, headingDeg: 361 }, 'out_of_range', 'headingDeg'],
    ['negative accuracy', { ts: T0, lat: 40, lon: 116, accuracyM: -3 }, 'out_of_range', 'accuracyM'],
    ['altitude 20 km', { ts: T0, lat: 40, lon: 116, altitudeM: 20000 }, 'out_of_range', 'altitudeM'],
    ['speed as string', { ts: T0, lat: 40, lon: 116, speedKmh: '30' }, 'schema', 'speedKmh'],
    ['unknown crs', { ts: T0, lat: 40, lon: 116, crs: 'CGCS2000' }, 'schema', 'crs'],
    ['a bare number', 42, 'schema', 'expected a fix object'],
    ['empty array', [], 'schema', 'empty array'],
  ])('refuses %s', (_case, payload, reason, detail) => {
    const o = run(POS, payload as object);
    expect(o.fixes).toEqual([]);
    expect(o.rejections).toHaveLength(1);
    expect(o.rejections[0]).toMatchObject({ reason, unitId: 'amb-01' });
    expect(o.rejections[0]!.detail).toContain(detail);
  });

  it.each<[string, Uint8Array | string, string]>([
    ['truncated JSON', '{"ts": 1, "lat":', 'bad_json'],
    ['invalid UTF-8', new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]), 'bad_json'],
    ['oversize payload', utf8(`[${'1,'.repeat(40000)}1]`), 'too_large'],
  ])('refuses %s before parsing', (_case, payload, reason) => {
    const o = run(POS, payload);
    expect(reasons(o)).toEqual([reason]);
    expect(o.rejections[0]!.raw.length).toBeLessThanOrEqual(65536);
  });

  it('keeps the raw payload of a refused single fix', () => {
    const text = '{"ts":1,"lat":"x","lon":2}';
    expect(run(POS, text).rejections[0]!.raw).toBe(text);
  });

  it.each([
    ['ems/v1/units/amb 01/position'],
    ['ems/v1/units/救护车1/position'],
    ['ems/v1/units/amb-01/position/extra'],
    ['ems/v2/units/amb-01/position'],
    ['owntracks/alice'],
    ['owntracks/al-ice/phone'],
  ])('refuses topic %s as bad_topic with unitId null', (topic) => {
    const o = run(topic, good);
    expect(o.rejections).toMatchObject([{ reason: 'bad_topic', unitId: null }]);
    expect(o.fixes).toEqual([]);
  });

  it('array: good elements pass, each bad one is refused with its own raw', () => {
    const o = run(POS, [
      { ts: T0 - 3000, lat: 22.53, lon: 114.01 },
      { ts: T0 - 2000, lat: 0, lon: 0 },
      { ts: T0 - 1000, lat: 22.5301, lon: 114.0101 },
      { ts: T0, lat: 95, lon: 114 },
    ]);
    expect(o.fixes.map((f) => f.ts)).toEqual([T0 - 3000, T0 - 1000]);
    expect(o.rejections.map((r) => [r.reason, JSON.parse(r.raw)])).toEqual([
      ['out_of_range', { ts: T0, lat: 95, lon: 114 }],
      ['null_island', { ts: T0 - 2000, lat: 0, lon: 0 }],
    ]);
  });

  it('GCJ-02 fixes leave the pipeline in WGS-84 (published check inverted)', () => {
    const o = run(POS, { ts: T0, lat: 40.0013047896019, lon: 120.00567568355486, crs: 'GCJ02' });
    expect(o.fixes[0]!.lat).toBeCloseTo(40, 6);
    expect(o.fixes[0]!.lon).toBeCloseTo(120, 6);
  });

  it('BD-09 fixes (Baidu) leave the pipeline in WGS-84 (domain.md §6 published check inverted)', () => {
    const o = run(POS, { ts: T0, lat: 39.92196580126834, lon: 116.41661560068297, crs: 'BD09' });
    expect(o.fixes[0]!.lat).toBeCloseTo(39.914266, 6);
    expect(o.fixes[0]!.lon).toBeCloseTo(116.403988, 6);
  });

  it('WGS84 fixes are not shifted', () => {
    const o = run(POS, { ts: T0, lat: 40.0013047896019, lon: 120.00567568355486, crs: 'WGS84' });
    expect(o.fixes[0]).toMatchObject({ lat: 40.0013047896019, lon: 120.00567568355486 });
  });

  it('exports every reason once, as a closed list', () => {
    expect(new Set(REJECT_REASONS).size).toBe(REJECT_REASONS.length);
    expect(REJECT_REASONS).toEqual(expect.arrayContaining(['bad_topic', 'schema', 'duplicate', 'speed_jump', 'unsupported_type']));
  });
});

describe('TelemetryPipeline: status and presence', () => {
  const ST = 'ems/v1/units/amb-01/status';
  it('accepts every documented status field', () => {
    const o = run(ST, { ts: T0, status: 'en_route', taskId: 'task-20261123-0042', source: 'terminal' });
    expect(o.status).toEqual({ unitId: 'amb-01', ts: T0, status: 'en_route', taskId: 'task-20261123-0042', source: 'terminal' });
    expect(o.rejections).toEqual([]);
  });
  it('taskId is optional', () => {
    expect(run(ST, { ts: T0, status: 'off_duty', source: 'dispatcher' }).status).toMatchObject({ taskId: null });
  });
  it('a late status is still accepted (it dates a lifecycle step)', () => {
    expect(run(ST, { ts: T0 - 3 * 86400e3, status: 'at_hospital', source: 'terminal' }).status).not.toBeNull();
  });
  it.each<[string, unknown, string]>([
    ['unknown status', { ts: T0, status: 'driving', source: 'terminal' }, 'schema'],
    ['Chinese label instead of value', { ts: T0, status: '驶向现场', source: 'terminal' }, 'schema'],
    ['bad source', { ts: T0, status: 'en_route', source: 'phone' }, 'schema'],
    ['no ts', { status: 'en_route', source: 'terminal' }, 'schema'],
    ['taskId with a slash', { ts: T0, status: 'en_route', source: 'terminal', taskId: 'a/b' }, 'schema'],
    ['status from the future', { ts: T0 + 3600e3, status: 'en_route', source: 'terminal' }, 'future'],
  ])('refuses %s', (_c, payload, reason) => {
    const o = run(ST, payload as object);
    expect(o.status).toBeNull();
    expect(reasons(o)).toEqual([reason]);
  });

  const PR = 'ems/v1/units/amb-01/presence';
  it.each([
    ['online', true],
    ['offline', false],
  ])('presence %s', (text, online) => {
    expect(run(PR, text).presence).toEqual({ unitId: 'amb-01', online });
  });
  it.each([['"online"'], ['ONLINE'], [''], ['online\n']])('refuses presence %j', (text) => {
    const o = run(PR, text);
    expect(o.presence).toBeNull();
    expect(reasons(o)).toEqual(['schema']);
  });
});

describe('TelemetryPipeline: OwnTracks samples (data/protocol/owntracks)', () => {
  const OT = 'owntracks/alice/pixel7';
  const at = (tst: number): number => tst * 1000 + 5000; // received 5 s after the fix

  it('l.json: tst → ms, acc, alt; batt and tid ignored; unit = user-device', () => {
    const o = run(OT, sampleBytes('protocol/owntracks/l.json'), at(1699882482));
    expect(o.rejections).toEqual([]);
    expect(o.fixes).toEqual([
      { unitId: 'alice-pixel7', ts: 1699882482000, lat: 52.195913, lon: 7.688245, speedKmh: null, headingDeg: null, accuracyM: 35, altitudeM: 0, stepM: 0 },
    ]);
  });

  it('l2.json (vehicle tracker): acc -1 → unknown, vel 0, cog 80, alt 142.4', () => {
    const o = run(OT, sampleBytes('protocol/owntracks/l2.json'), at(1698947571));
    expect(o.fixes).toEqual([
      { unitId: 'alice-pixel7', ts: 1698947571000, lat: 53.026676, lon: 9.543561, speedKmh: 0, headingDeg: 80, accuracyM: null, altitudeM: 142.4, stepM: 0 },
    ]);
  });

  it.each<[string, number, Record<string, number | null>]>([
    ['location-5s.json', 1701263310, { lat: 53.430722, lon: 5.112126, accuracyM: 9, altitudeM: 93, speedKmh: 1, headingDeg: 252 }],
    ['location-sk.json', 1701258666, { lat: 71.215592, lon: 3.767957, accuracyM: 35, altitudeM: 40, speedKmh: null }],
    ['location-short.json', 1692430980, { lat: 44.221389, lon: 6.64635, accuracyM: null, altitudeM: null }],
  ])('%s is accepted with its fields mapped', (file, tst, fields) => {
    const o = run(OT, sampleBytes(`protocol/owntracks/${file}`), at(tst));
    expect(o.rejections).toEqual([]);
    expect(o.fixes).toHaveLength(1);
    expect(o.fixes[0]).toMatchObject({ ts: tst * 1000, ...fields });
  });

  it('lwt.json → presence offline, no fix, no rejection', () => {
    const o = run(OT, sampleBytes('protocol/owntracks/lwt.json'), at(1699882482));
    expect(o).toEqual({ fixes: [], status: null, presence: { unitId: 'alice-pixel7', online: false }, rejections: [] });
  });

  it('array.json: the location and the lwt both come through', () => {
    const o = run(OT, sampleBytes('protocol/owntracks/array.json'), at(1000));
    expect(o.rejections).toEqual([]);
    expect(o.fixes).toMatchObject([{ ts: 1_000_000, lat: 8, lon: 9 }]);
    expect(o.presence).toEqual({ unitId: 'alice-pixel7', online: false });
  });

  it('array.json is refused as too_old when received today (tst 1000 = 1970)', () => {
    expect(reasons(run(OT, sampleBytes('protocol/owntracks/array.json'), T0))).toEqual(['too_old']);
  });

  it('location-lat-missing.json → schema, raw kept verbatim', () => {
    const o = run(OT, sampleBytes('protocol/owntracks/location-lat-missing.json'), at(1699882482));
    expect(o.fixes).toEqual([]);
    expect(o.rejections).toEqual([
      { reason: 'schema', detail: 'lat: required', unitId: 'alice-pixel7', raw: sampleText('protocol/owntracks/location-lat-missing.json') },
    ]);
  });

  it.each([['transition.json'], ['transition-illegal-lat.json']])('%s → unsupported_type (kept, counted)', (file) => {
    const o = run(OT, sampleBytes(`protocol/owntracks/${file}`), at(1701264368));
    expect(o.fixes).toEqual([]);
    expect(o.rejections).toMatchObject([{ reason: 'unsupported_type', detail: expect.stringContaining('transition') }]);
  });

  it('an OwnTracks location with the illegal string lat of the sample is a schema error', () => {
    const bad = JSON.parse(sampleText('protocol/owntracks/transition-illegal-lat.json')) as Record<string, unknown>;
    const o = run(OT, { ...bad, _type: 'location' }, at(1701264368));
    expect(o.rejections).toMatchObject([{ reason: 'schema', detail: expect.stringContaining('lat') }]);
  });

  it('no _type → schema', () => {
    expect(reasons(run(OT, { lat: 1, lon: 2, tst: 3 }))).toEqual(['schema']);
  });
});
