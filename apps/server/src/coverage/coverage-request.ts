import { BadInputError } from '@rescue/common';
import { CoverageError, type CoverageRule, type DemandCrs, type DemandSet, demandToWgs84, parseDemandCsv, parseDemandGeoJson, resolveRule, type StationInput, stationsFromGeoJson, stationsToWgs84 } from '@rescue/coverage';


/** POST /coverage/analyses, validated into a typed command. */
export interface AnalysisCommand {
  rule: CoverageRule;
  /** Station ids to keep (of the registered ones), or explicit stations; null = all registered. */
  stationIds: string[] | null;
  stations: StationInput[] | null;
  /** null: the extract fallback (or the incidents below). */
  demand: DemandSet | null;
  /** Past incidents from the tasks table, by call time (epoch ms, [from, to)). */
  incidents: { from: number; to: number } | null;
  /** GeoJSON polygons with properties.areaClass; null: the density fallback. */
  areas: unknown;
  populationTotal: number | null;
  ambulances: number | null;
  jurisdiction: 'city' | 'county';
}

const KNOWN = ['rule', 'stations', 'stationsCrs', 'demand', 'demandCrs', 'areas', 'populationTotal', 'ambulances', 'jurisdiction'];

export function parseAnalysisBody(body: unknown, defaultRule: string): AnalysisCommand {
  if (body === undefined || body === null) body = {};
  if (typeof body !== 'object' || Array.isArray(body)) throw new BadInputError('body: expected a JSON object');
  const b = body as Record<string, unknown>;
  for (const k of Object.keys(b)) if (!KNOWN.includes(k)) throw new BadInputError(`body.${k}: unknown field (expected ${KNOWN.join(', ')})`);
  const rule = wrap(() => resolveRule(b['rule'] ?? defaultRule));
  let stationIds: string[] | null = null;
  let stations: StationInput[] | null = null;
  if (b['stations'] !== undefined) {
    const s = b['stations'];
    if (Array.isArray(s) && s.every((x) => typeof x === 'string')) {
      if (s.length === 0) throw new BadInputError('stations: empty list');
      stationIds = s as string[];
    } else if (typeof s === 'object' && s !== null && (s as { type?: unknown }).type === 'FeatureCollection') {
      stations = wrap(() => stationsFromGeoJson(s, 'body.stations'));
    } else throw new BadInputError('stations: expected a list of station ids or a GeoJSON FeatureCollection of points');
  }
  // Stations uploaded in GCJ-02 / BD-09 (AMap, Baidu) come back to WGS-84 before snapping, as demand does.
  if (stations && b['stationsCrs'] !== undefined) stations = wrap(() => stationsToWgs84(stations!, b['stationsCrs'], 'stations'));
  else if (b['stationsCrs'] !== undefined) throw new BadInputError('stationsCrs: only with stations given as points in the body');
  let demand: DemandSet | null = null;
  let incidents: AnalysisCommand['incidents'] = null;
  const d = b['demand'];
  if (d !== undefined) {
    const inc = typeof d === 'object' && d !== null ? (d as { incidents?: unknown }).incidents : undefined;
    if (inc !== undefined) incidents = parsePeriod(inc);
    else if (typeof d === 'object' && d !== null && typeof (d as { csv?: unknown }).csv === 'string') demand = wrap(() => parseDemandCsv((d as { csv: string }).csv, 'body.demand.csv'));
    else if (typeof d === 'object' && d !== null && (d as { type?: unknown }).type === 'FeatureCollection') demand = wrap(() => parseDemandGeoJson(d, 'body.demand'));
    else throw new BadInputError('demand: expected a GeoJSON FeatureCollection of points, {csv: "lat,lon,population\\n..."} or {incidents: {from, to}}');
  }
  // Demand supplied in GCJ-02 / BD-09 (AMap, Baidu) is converted to WGS-84 before snapping.
  const crs = b['demandCrs'] ?? 'WGS84';
  if (demand) demand = wrap(() => demandToWgs84(demand!, crs as DemandCrs));
  else if (b['demandCrs'] !== undefined) throw new BadInputError('demandCrs: only with demand points in the body');
  const num = (k: string, min: number, max: number, integer: boolean): number | null => {
    const v = b[k];
    if (v === undefined || v === null) return null;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max || (integer && !Number.isInteger(v))) throw new BadInputError(`${k}: expected ${integer ? 'a whole' : 'a'} number in [${min}, ${max}]`);
    return v;
  };
  const j = b['jurisdiction'] ?? 'city';
  if (j !== 'city' && j !== 'county') throw new BadInputError('jurisdiction: expected city or county');
  return {
    rule,
    stationIds,
    stations,
    demand,
    incidents,
    areas: b['areas'] ?? null,
    populationTotal: num('populationTotal', 1, 2e9, false),
    ambulances: num('ambulances', 0, 1e6, true),
    jurisdiction: j,
  };
}

/** {from, to} as ISO-8601 times, from < to, at most ten years. */
function parsePeriod(raw: unknown): { from: number; to: number } {
  const p = raw as { from?: unknown; to?: unknown };
  const t = (k: 'from' | 'to'): number => {
    const v = typeof p === 'object' && p !== null ? p[k] : undefined;
    const ms = typeof v === 'string' ? Date.parse(v) : Number.NaN;
    if (!Number.isFinite(ms)) throw new BadInputError(`demand.incidents.${k}: expected an ISO-8601 time`);
    return ms;
  };
  const from = t('from');
  const to = t('to');
  if (!(from < to) || to - from > 3653 * 86400_000) throw new BadInputError('demand.incidents: expected from < to, at most ten years apart');
  return { from, to };
}

/** POST /coverage/sitings: new stations for a rule. */
export interface SitingCommand {
  rule: CoverageRule;
  /** Best k new sites (maximal covering). */
  k: number;
  /** Candidate sites given, or how many to generate on the network. */
  candidates: StationInput[] | number;
  timeLimitS: number;
}

export function parseSitingBody(body: unknown, defaultRule: string): SitingCommand {
  if (body === undefined || body === null) body = {};
  if (typeof body !== 'object' || Array.isArray(body)) throw new BadInputError('body: expected a JSON object');
  const b = body as Record<string, unknown>;
  const known = ['rule', 'k', 'candidates', 'candidatesCrs', 'timeLimitS'];
  for (const k of Object.keys(b)) if (!known.includes(k)) throw new BadInputError(`body.${k}: unknown field (expected ${known.join(', ')})`);
  const k = b['k'] ?? 3;
  if (typeof k !== 'number' || !Number.isInteger(k) || k < 1 || k > 100) throw new BadInputError('k: expected a whole number in [1, 100]');
  const c = b['candidates'] ?? 200;
  let candidates: StationInput[] | number;
  if (typeof c === 'number') {
    if (!Number.isInteger(c) || c < 1 || c > 2000) throw new BadInputError('candidates: expected a whole number in [1, 2000] or a GeoJSON FeatureCollection of points');
    candidates = c;
  } else candidates = wrap(() => stationsToWgs84(stationsFromGeoJson(c, 'body.candidates'), b['candidatesCrs'] ?? 'WGS84', 'candidates'));
  if (typeof candidates === 'number' && b['candidatesCrs'] !== undefined) throw new BadInputError('candidatesCrs: only with candidate sites given as points');
  const tl = b['timeLimitS'] ?? 30;
  if (typeof tl !== 'number' || !(tl > 0 && tl <= 600)) throw new BadInputError('timeLimitS: expected seconds in (0, 600]');
  return { rule: wrap(() => resolveRule(b['rule'] ?? defaultRule)), k, candidates, timeLimitS: tl };
}

export function parseMinutes(raw: unknown): number[] {
  if (raw === undefined || raw === '') return [5, 10, 15, 30];
  if (typeof raw !== 'string') throw new BadInputError('minutes: expected a comma-separated list, e.g. 5,10,15,30');
  const list = raw.split(',').map((s) => (s.trim() === '' ? Number.NaN : Number(s)));
  if (list.some((m) => !Number.isFinite(m))) throw new BadInputError(`minutes=${raw}: expected numbers, e.g. 5,10,15,30`);
  return list;
}

/** `station` of GET /coverage/isochrones: a registered station id, or any point as lat,lon. */
export type StationParam = { kind: 'point'; text: string; lat: number; lon: number } | { kind: 'id'; id: string };

export function parseStationParam(raw: unknown): StationParam {
  if (typeof raw !== 'string' || raw.trim() === '') throw new BadInputError('station: required once (a station id or lat,lon)');
  if (raw.length > 200) throw new BadInputError('station: at most 200 characters');
  const m = /^\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*$/.exec(raw);
  if (!m) return { kind: 'id', id: raw };
  const lat = Number(m[1]);
  const lon = Number(m[2]);
  if (!(Math.abs(lat) <= 90 && Math.abs(lon) <= 180)) throw new BadInputError(`station=${raw}: latitude must be in [-90, 90] and longitude in [-180, 180]`);
  return { kind: 'point', text: raw.trim(), lat, lon };
}

export function parseRuleParam(raw: unknown, def: string): CoverageRule {
  if (raw !== undefined && typeof raw !== 'string') throw new BadInputError('rule: expected a preset name');
  return wrap(() => resolveRule(raw === undefined || raw === '' ? def : raw));
}

/** Domain validation errors found while parsing a request are the client's fault: 400. */
function wrap<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof CoverageError) throw new BadInputError(`${e.code}: ${e.message}`);
    throw e;
  }
}
