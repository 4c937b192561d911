// The DTO classes carry OpenAPI decorators from @nestjs/swagger, an ESM package Jest cannot load; they
// only describe the API and take no part in validation, so they are stubbed here.
jest.mock('@nestjs/swagger', () => ({ ApiProperty: () => () => undefined, ApiPropertyOptional: () => () => undefined }));

import { BadInputError } from '@rescue/common';
import 'reflect-metadata'; // class-transformer's @Type reads design metadata, as in the app
import fc from 'fast-check';
import { classifierFromPolygons, CoverageError } from '@rescue/coverage';
import { parseAnalysisBody, parseMinutes, parseRuleParam, parseSitingBody, parseStationParam } from '../../coverage/coverage-request';
import { checkTaskEvent, MAX_TIME_MS, requestTime, toWgs84 } from '../../dispatch/dispatch-input';
import { CreateTaskDto, RecommendationRequestDto, TaskEventDto } from '../../dispatch/dispatch.dto';
import { parseTrackQuery } from '../../fleet/track-query';
import { parseLatLon, parseOptimize } from '../../routing/route-query';
import { parseCoordinate, parseKinds, parseLimit, parseRoadMaxM, parseSearchText } from '../../geocode/geocode-query';
import type { Entries } from './json-arbitraries';
import { analysisBody, bodies, queryValue, sitingBody, validBodies } from './http-arbitraries';
import { validCreateTask, validRecommendation, validTaskEvent } from './oracles';
import { type Outcome, parseBody, throughPipe } from './through-pipe';

/**
 * Issue #8 item 5, HTTP side: seeded property-based inputs for every JSON body and query parser of
 * the API, run through the same validation as the server (the edge checks, the ValidationPipe's
 * class-transformer + class-validator with the app's options, then the controllers' own checks).
 * Properties: nothing throws but the intended refusal; every refusal names the field; what is accepted
 * satisfies a hand-written oracle; valid bodies are accepted. FUZZ_SEED / FUZZ_SCALE replay or enlarge.
 */
const SEED = Number(process.env.FUZZ_SEED ?? 0x120_4080);
const SCALE = Number(process.env.FUZZ_SCALE ?? 1);
const runs = (n: number): number => Math.round(n * SCALE);
const NOW = Date.UTC(2026, 10, 23, 12);
let total = 0;

// ----------------------------------------------------------------------------------- checks
const FIELDS = ['body', 'location', 'lat', 'lon', 'crs', 'priority', 'requiredCapabilities', 'limit', 'unitId', 'emergency', 'callTakenAt', 'status', 'ts', 'reason', 'property '];

function refusalNamesField(o: Outcome<object>): boolean {
  if (o.ok) return true;
  if (o.stage === 'json') return o.messages.length === 1 && o.messages[0]!.startsWith('request body');
  return o.messages.length > 0 && o.messages.every((m) => FIELDS.some((f) => m.includes(f)));
}

type Counts = Map<string, number>;
const bump = (c: Counts, k: string): void => void c.set(k, (c.get(k) ?? 0) + 1);

async function fuzzDto<T extends object>(
  name: string, cls: new () => T, valid: fc.Arbitrary<Entries>, oracle: (parsed: unknown) => boolean, after: (dto: T) => void, n: number,
): Promise<Counts> {
  const counts: Counts = new Map();
  await fc.assert(
    fc.asyncProperty(bodies(valid), async ({ text, fromValid }) => {
      total++;
      const reparsed = (() => {
        try {
          return JSON.parse(text) as unknown;
        } catch {
          return undefined;
        }
      })();
      const o = await throughPipe(cls, text, after, BadInputError);
      bump(counts, o.ok ? 'accepted' : `refused_${o.stage}`);
      if (!refusalNamesField(o)) throw new Error(`${name}: a refusal that names no field: ${JSON.stringify(o)}`);
      if (o.ok && !oracle(reparsed)) throw new Error(`${name}: accepted a body the oracle refuses`);
      if (fromValid && !o.ok) throw new Error(`${name}: refused a valid body: ${o.messages.join('; ')}`);
      if (o.ok && Object.prototype.hasOwnProperty.call(o.dto, '__proto__')) throw new Error(`${name}: __proto__ reached the DTO`);
      if (({} as Record<string, unknown>)['polluted'] !== undefined) throw new Error('Object.prototype polluted');
    }),
    { numRuns: n, seed: SEED },
  );
  return counts;
}

function expectBothOutcomes(c: Counts): void {
  expect(c.get('accepted') ?? 0).toBeGreaterThan(0);
  expect((c.get('refused_pipe') ?? 0) + (c.get('refused_check') ?? 0)).toBeGreaterThan(0);
  expect(c.get('refused_json') ?? 0).toBeGreaterThan(0);
  expect(c.get('refused_shape') ?? 0).toBeGreaterThan(0);
}

const finiteWgs84 = (l: { lat: number; lon: number; crs?: 'WGS84' | 'GCJ02' | 'BD09' }): void => {
  const p = toWgs84(l);
  if (!Number.isFinite(p.lat) || !Number.isFinite(p.lon) || Math.abs(p.lat) > 90.01 || Math.abs(p.lon) > 180.01) throw new Error(`toWgs84 gave ${p.lat},${p.lon}`);
};

describe(`HTTP body fuzzing (fast-check, seed ${SEED})`, () => {
  const started = Date.now();

  it(`POST /dispatch/recommendations: ${runs(6000)} bodies`, async () => {
    const c = await fuzzDto('recommendation', RecommendationRequestDto, validBodies.recommendation, validRecommendation, (d) => finiteWgs84(d.location), runs(6000));
    expectBothOutcomes(c);
  });

  it(`POST /tasks: ${runs(6000)} bodies`, async () => {
    const c = await fuzzDto('createTask', CreateTaskDto, validBodies.createTask, validCreateTask, (d) => {
      finiteWgs84(d.location);
      requestTime('callTakenAt', d.callTakenAt, NOW);
    }, runs(6000));
    expectBothOutcomes(c);
  });

  it(`POST /tasks/:id/events: ${runs(4000)} bodies`, async () => {
    const c = await fuzzDto('taskEvent', TaskEventDto, validBodies.taskEvent, validTaskEvent, (d) => {
      checkTaskEvent(d.status, d.reason);
      requestTime('ts', d.ts, NOW);
    }, runs(4000));
    expectBothOutcomes(c);
    expect(c.get('refused_check') ?? 0).toBeGreaterThan(0);
  });

  // ------------------------------------------------------------------------------- coverage bodies
  const COVERAGE_FIELDS = ['body', 'rule', 'stations', 'demand', 'demandCrs', 'areas', 'populationTotal', 'ambulances', 'jurisdiction', 'k', 'candidates', 'timeLimitS'];
  async function fuzzCoverage(name: string, valid: fc.Arbitrary<Entries>, parse: (body: unknown) => unknown, n: number): Promise<Counts> {
    const counts: Counts = new Map();
    await fc.assert(
      fc.asyncProperty(bodies(valid), async ({ text, fromValid }) => {
        total++;
        const p = parseBody(text);
        if (!p.ok) return void bump(counts, `refused_${p.stage}`);
        try {
          parse(p.body);
          bump(counts, 'accepted');
        } catch (e) {
          if (!(e instanceof BadInputError) && !(e instanceof CoverageError)) throw new Error(`${name}: unexpected ${(e as Error).name}: ${(e as Error).message} on ${text.slice(0, 300)}`);
          if (!COVERAGE_FIELDS.some((f) => e.message.includes(f))) throw new Error(`${name}: a refusal that names no field: ${e.message}`);
          if (fromValid) throw new Error(`${name}: refused a valid body: ${e.message} on ${text.slice(0, 300)}`);
          bump(counts, 'refused_check');
        }
        await Promise.resolve();
      }),
      { numRuns: n, seed: SEED },
    );
    return counts;
  }

  it(`POST /coverage/analyses: ${runs(3000)} bodies (request parsing and the areas polygons)`, async () => {
    const c = await fuzzCoverage('analysis', analysisBody, (b) => {
      const cmd = parseAnalysisBody(b, '1030');
      if (typeof cmd.rule !== 'object' || cmd.rule === null || typeof cmd.rule.limits !== 'object') throw new Error(`rule is not a rule: ${typeof cmd.rule}`);
      if (cmd.areas !== null) classifierFromPolygons(cmd.areas, 'rural', 'body.areas');
    }, runs(3000));
    expect(c.get('accepted') ?? 0).toBeGreaterThan(0);
    expect(c.get('refused_check') ?? 0).toBeGreaterThan(0);
  });

  it(`POST /coverage/sitings: ${runs(2000)} bodies`, async () => {
    const c = await fuzzCoverage('siting', sitingBody, (b) => {
      const cmd = parseSitingBody(b, '1030');
      if (typeof cmd.rule !== 'object' || cmd.rule === null || typeof cmd.rule.limits !== 'object') throw new Error(`rule is not a rule: ${typeof cmd.rule}`);
    }, runs(2000));
    expect(c.get('accepted') ?? 0).toBeGreaterThan(0);
    expect(c.get('refused_check') ?? 0).toBeGreaterThan(0);
  });

  // ------------------------------------------------------------------------------- query strings
  function fuzzQuery(name: string, parse: (a: unknown, b: unknown) => void, refusal: new (...a: never[]) => Error, names: string[], n: number): Counts {
    const counts: Counts = new Map();
    fc.assert(
      fc.property(queryValue, queryValue, (a, b) => {
        total++;
        try {
          parse(a, b);
          bump(counts, 'accepted');
        } catch (e) {
          if (!(e instanceof refusal)) throw new Error(`${name}: unexpected ${(e as Error).name}: ${(e as Error).message} on ${JSON.stringify([a, b])}`);
          if (!names.some((f) => e.message.includes(f))) throw new Error(`${name}: a refusal that names no parameter: ${e.message}`);
          bump(counts, 'refused');
        }
      }),
      { numRuns: n, seed: SEED },
    );
    expect(counts.get('accepted') ?? 0).toBeGreaterThan(0);
    expect(counts.get('refused') ?? 0).toBeGreaterThan(0);
    return counts;
  }

  it(`query strings: routing from/to/optimize, track from/to, indicators from/to, coverage station/minutes/rule (${runs(7000)} pairs)`, () => {
    const n = runs(1000);
    fuzzQuery('routing', (a, b) => {
      for (const [k, v] of [['from', a], ['to', b]] as const) {
        const [la, lo] = parseLatLon(k, v);
        if (!(Math.abs(la) <= 90 && Math.abs(lo) <= 180)) throw new Error(`parseLatLon let ${la},${lo} through`);
      }
    }, BadInputError, ['from', 'to'], n);
    fuzzQuery('optimize', (a) => void parseOptimize(a), BadInputError, ['optimize'], n);
    fuzzQuery('track', (a, b) => {
      const { from, to } = parseTrackQuery('AMB-01', a, b, NOW);
      // `from` defaults to an hour before `to`, so it may precede 1970; both stay Date-representable.
      if (!(Number.isFinite(from) && from < to && to <= MAX_TIME_MS)) throw new Error(`track range ${from}..${to}`);
      new Date(from).toISOString(); // the controller does this: must not throw
      new Date(to).toISOString();
    }, BadInputError, ['from', 'to'], n);
    fuzzQuery('indicators', (a, b) => {
      const from = requestTime('from', a, 0);
      const to = requestTime('to', b, NOW);
      new Date(from).toISOString();
      new Date(to).toISOString();
    }, BadInputError, ['from', 'to'], n);
    fuzzQuery('station', (a) => {
      const s = parseStationParam(a);
      if (s.kind === 'point' && !(Math.abs(s.lat) <= 90 && Math.abs(s.lon) <= 180)) throw new Error(`station point ${s.lat},${s.lon}`);
    }, BadInputError, ['station'], n);
    fuzzQuery('minutes', (a) => {
      const m = parseMinutes(a);
      if (!m.every(Number.isFinite)) throw new Error(`minutes ${m.join(',')}`);
    }, BadInputError, ['minutes'], n);
    fuzzQuery('rule', (a) => {
      const r = parseRuleParam(a, '1030');
      if (typeof r !== 'object' || r === null || typeof r.limits !== 'object') throw new Error(`rule ${typeof r}`);
    }, BadInputError, ['rule'], n);
  });

  it(`query strings: geocode q/limit, kind/maxM, lat/lon (${runs(3000)} pairs)`, () => {
    const n = runs(1000);
    fuzzQuery('geocode search', (a, b) => {
      const q = parseSearchText(a);
      const limit = parseLimit(b);
      if (q.trim() === '' || !(Number.isInteger(limit) && limit >= 1 && limit <= 50)) throw new Error(`search q=${q} limit=${limit}`);
    }, BadInputError, ['q:', 'limit='], n);
    fuzzQuery('geocode kind/maxM', (a, b) => {
      parseKinds(a);
      const m = parseRoadMaxM(b);
      if (!(m >= 1 && m <= 10_000)) throw new Error(`maxM ${m}`);
    }, BadInputError, ['kind', 'maxM='], n);
    fuzzQuery('geocode reverse', (a, b) => {
      const lat = parseCoordinate('lat', a), lon = parseCoordinate('lon', b);
      if (!(Math.abs(lat) <= 90 && Math.abs(lon) <= 180)) throw new Error(`reverse ${lat},${lon}`);
    }, BadInputError, ['lat=', 'lon='], n);
  });

  // What the fuzzing found (each was a TypeError or a wrong acceptance, i.e. an HTTP 500 or a bad job), kept as cases.
  const noPrimitive = { toString: 0, valueOf: 0 };
  const fc1 = (props: object, geometry: object = { type: 'Point', coordinates: [1.5, 42.5] }) => ({ type: 'FeatureCollection', features: [{ type: 'Feature', geometry, properties: props }] });
  it.each([
    ['rule named after an Object.prototype member', () => parseSitingBody({ rule: 'hasOwnProperty' }, '1030')],
    ['demandCrs that String() cannot print', () => parseAnalysisBody({ demand: fc1({}), demandCrs: noPrimitive }, '1030')],
    ['demand CSV header with an open quote', () => parseAnalysisBody({ demand: { csv: '"lat,lon\n1,2' } }, '1030')],
    ['station id that String() cannot print', () => parseAnalysisBody({ stations: fc1({ id: noPrimitive }) }, '1030')],
    ['station without numeric coordinates', () => parseAnalysisBody({ stations: fc1({}, { type: 'Point', coordinates: ['x', null] }) }, '1030')],
    ['demand population that Number() cannot read', () => parseAnalysisBody({ demand: fc1({ population: noPrimitive }) }, '1030')],
    ['demand geometry type that String() cannot print', () => parseAnalysisBody({ demand: fc1({}, { type: noPrimitive }) }, '1030')],
    ['areas position that is not a list', () => classifierFromPolygons(fc1({ areaClass: 'urban' }, { type: 'Polygon', coordinates: [[1, 2, 3, 4]] }), 'rural', 'body.areas')],
  ])('refuses with a coverage error, naming the field: %s', (_name, f) => {
    let err: unknown;
    try {
      f();
    } catch (e) {
      err = e;
    }
    expect(err instanceof BadInputError || err instanceof CoverageError).toBe(true);
  });

  it('refuses a location given as a list (the pipe used to validate each element and pass it)', async () => {
    const o = await throughPipe(RecommendationRequestDto, '{"location":[{"lat":42.5,"lon":1.5}]}', () => undefined, BadInputError);
    expect(o.ok).toBe(false);
  });

  it('ran at least 20,000 inputs in all, in seconds', () => {
    const s = (Date.now() - started) / 1000;
    process.stdout.write(`HTTP input fuzz: ${total.toLocaleString('en')} inputs in ${s.toFixed(1)} s (seed ${SEED})\n`);
    expect(total).toBeGreaterThanOrEqual(runs(20_000));
  });
});
