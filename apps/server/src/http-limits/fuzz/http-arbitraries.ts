import fc from 'fast-check';
import { UNIT_STATUSES } from '@rescue/contracts';
import { MAX_TIME_MS } from '../../dispatch/dispatch-input';
import { edgeNumber, type Entries, jsonText, type Json, mutateEntries, mutateText, nastyString, obj } from './json-arbitraries';

/**
 * Valid bodies of every POST route (built from the DTOs' rules and the coverage parsers'), the
 * mutated and damaged bodies derived from them, and query-string values: shared by the fuzz spec
 * (in process) and the wire test (test/http-input.test.ts).
 */
const lat = fc.double({ min: -90, max: 90, noNaN: true });
const lon = fc.double({ min: -180, max: 180, noNaN: true });
const opt = <T>(key: string, a: fc.Arbitrary<T>): fc.Arbitrary<Entries> => fc.option(a.map((v): Entries => [[key, v as Json]]), { nil: [] as Entries }).map((e) => e ?? []);
const location: fc.Arbitrary<Json> = fc.tuple(lat, lon, opt('crs', fc.constantFrom('WGS84', 'GCJ02', 'BD09'))).map(([a, o, crs]) => obj([['lat', a], ['lon', o], ...crs]));
const capabilities = fc.array(fc.stringMatching(/^[a-z][a-z0-9-]{0,39}$/), { maxLength: 10 });
const isoTime = fc.date({ min: new Date(0), max: new Date(MAX_TIME_MS), noInvalidDate: true }).map((d) => d.toISOString());
const shuffled = (parts: fc.Arbitrary<Entries[]>): fc.Arbitrary<Entries> => parts.chain((ps) => fc.shuffledSubarray(ps.flat(), { minLength: ps.flat().length }));

export const validBodies = {
  recommendation: shuffled(fc.tuple(location.map((l): Entries => [['location', l]]), opt('priority', fc.integer({ min: 1, max: 4 })), opt('requiredCapabilities', capabilities), opt('limit', fc.integer({ min: 1, max: 50 })))),
  createTask: shuffled(fc.tuple(location.map((l): Entries => [['location', l]]), opt('unitId', fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/)), opt('priority', fc.integer({ min: 1, max: 4 })),
    opt('emergency', fc.boolean()), opt('requiredCapabilities', capabilities), opt('callTakenAt', isoTime))),
  taskEvent: fc.constantFrom(...UNIT_STATUSES).chain((status) =>
    shuffled(fc.tuple(fc.constant<Entries>([['status', status]]), opt('ts', isoTime), status === 'aborted' ? fc.string({ minLength: 1, maxLength: 500 }).map((r): Entries => [['reason', r]]) : opt('reason', fc.string({ maxLength: 500 }))))),
};

/** A valid body (sometimes), one mutated a step or two, or its JSON text damaged; as the text sent. */
export function bodies(valid: fc.Arbitrary<Entries>): fc.Arbitrary<{ text: string; fromValid: boolean }> {
  const mutated = valid.chain(mutateEntries);
  return fc.oneof(
    { arbitrary: valid.map((e) => ({ text: jsonText(obj(e)), fromValid: true })), weight: 2 },
    { arbitrary: mutated.map((e) => ({ text: jsonText(obj(e)), fromValid: false })), weight: 5 },
    { arbitrary: mutated.chain(mutateEntries).map((e) => ({ text: jsonText(obj(e)), fromValid: false })), weight: 2 },
    { arbitrary: valid.chain((e) => mutateText(jsonText(obj(e)))).map((text) => ({ text, fromValid: false })), weight: 1 },
  );
}

// coverage bodies
const point = (lo: number, la: number, props: Entries = []): Json => obj([['type', 'Feature'], ['geometry', obj([['type', 'Point'], ['coordinates', [lo, la]]])], ['properties', obj(props)]]);
const points = (props: fc.Arbitrary<Entries>) => fc.array(fc.tuple(lon, lat, props).map(([o, a, p]) => point(o, a, p)), { minLength: 1, maxLength: 5 }).map((f) => obj([['type', 'FeatureCollection'], ['features', f]]));
const square = (o: number, a: number): Json => [[[o, a], [o + 0.01, a], [o + 0.01, a + 0.01], [o, a + 0.01], [o, a]]];
const rule = fc.oneof(fc.constantFrom('1030', 'rescue-circle-15', 'national-2020', 'beijing-2011'),
  fc.tuple(fc.constantFrom('urban', 'rural', '*'), fc.integer({ min: 60, max: 14400 })).map(([cls, s]) => obj([['id', 'c'], ['limits', obj([[cls, obj([['maxTimeS', s]])]])]])));
export const analysisBody = shuffled(fc.tuple(
  opt('rule', rule),
  opt('stations', fc.oneof(fc.array(fc.constantFrom('ST-ALV', 'ST-SJL', 'ST-CAN'), { minLength: 1, maxLength: 3 }) as fc.Arbitrary<Json>, fc.array(fc.tuple(lon, lat), { minLength: 1, maxLength: 5 }).map((ps) => obj([['type', 'FeatureCollection'], ['features', ps.map(([o, a], i) => point(o, a, [['id', `S${i}`]]))]])))),
  fc.oneof(
    fc.constant<Entries>([]),
    fc.array(fc.tuple(lat, lon, fc.nat({ max: 5000 })), { minLength: 1, maxLength: 5 }).map((rows): Entries => [['demand', obj([['csv', `lat,lon,population\n${rows.map((r) => r.join(',')).join('\n')}`]])]]),
    points(fc.nat({ max: 500 }).map((p): Entries => [['population', p]])).chain((d) => opt('demandCrs', fc.constantFrom('WGS84', 'GCJ02', 'BD09')).map((crs): Entries => [['demand', d], ...crs])),
    fc.tuple(isoTime, isoTime).filter(([a, b]) => a < b && Date.parse(b) - Date.parse(a) < 3653 * 86400_000).map(([a, b]): Entries => [['demand', obj([['incidents', obj([['from', a], ['to', b]])]])]]),
  ),
  opt('areas', fc.tuple(fc.double({ min: -179, max: 179, noNaN: true }), fc.double({ min: -89, max: 89, noNaN: true }), fc.constantFrom('urban', 'rural'))
    .map(([o, a, cls]) => obj([['type', 'FeatureCollection'], ['features', [obj([['type', 'Feature'], ['geometry', obj([['type', 'Polygon'], ['coordinates', square(o, a)]])], ['properties', obj([['areaClass', cls]])]])]]]))),
  opt('populationTotal', fc.integer({ min: 1, max: 2e9 })),
  opt('ambulances', fc.integer({ min: 0, max: 1e6 })),
  opt('jurisdiction', fc.constantFrom('city', 'county')),
));
export const sitingBody = shuffled(fc.tuple(opt('rule', rule), opt('k', fc.integer({ min: 1, max: 100 })), opt('candidates', fc.oneof(fc.integer({ min: 1, max: 2000 }) as fc.Arbitrary<Json>, points(fc.constant([])))),
  opt('timeLimitS', fc.double({ min: 0.001, max: 600, noNaN: true }))));

/** What Express's query parser hands a controller: absent, one string, or several (a repeated key). */
export const queryValue = fc.oneof(
  { arbitrary: fc.constant(undefined), weight: 1 },
  { arbitrary: nastyString, weight: 4 },
  { arbitrary: fc.tuple(edgeNumber, edgeNumber).map(([a, b]) => `${a},${b}`), weight: 3 },
  { arbitrary: fc.tuple(fc.double({ min: -95, max: 95, noNaN: true }), fc.double({ min: -185, max: 185, noNaN: true })).map(([a, b]) => `${a},${b}`), weight: 3 },
  { arbitrary: fc.oneof(edgeNumber.map(String), isoTime, fc.integer({ min: -1, max: 9e15 }).map(String)), weight: 3 },
  { arbitrary: fc.array(nastyString, { minLength: 2, maxLength: 3 }), weight: 1 },
);

