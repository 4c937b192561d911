import { bd09ToWgs84, gcj02ToWgs84 } from '@rescue/telemetry';
import { CoverageError } from './errors';
import { asNumber, asText, quoted } from './json-values';

/**
 * Where help is needed and how much. `weight` is what compliance is weighted by: people, past
 * incidents, or (fallback) metres of residential road. `population` is set only when the weight
 * is people, so the 1-per-30,000 ambulance rule can be checked.
 */
export interface DemandPoint {
  id: string;
  lat: number;
  lon: number;
  weight: number;
  population?: number;
  /** Area class given with the point; otherwise the classifier decides. */
  areaClass?: string;
}

export type DemandKind = 'population' | 'incidents' | 'weighted' | 'extract-residential-roads';

export interface DemandSet {
  kind: DemandKind;
  /** What one unit of weight is, for reports ("people", "incidents", "m of residential road"). */
  unit: string;
  /** How it was made (file name, fallback description). */
  source: string;
  points: DemandPoint[];
}

/** Largest demand file accepted (points); a county's 100 m population grid is well under this. */
export const MAX_DEMAND_POINTS = 200_000;

const LAT = ['lat', 'latitude', 'y'];
const LON = ['lon', 'lng', 'long', 'longitude', 'x'];
const WEIGHT = ['weight', 'count', 'incidents', 'value'];
const POP = ['population', 'pop', 'people'];

/** Split one CSV line honouring double quotes ("" inside quotes is a quote). */
export function splitCsvLine(line: string, sep: string): string[] {
  const out: string[] = [];
  let cur = '';
  let q = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (q) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') q = false;
      else cur += ch;
    } else if (ch === '"') q = true;
    else if (ch === sep) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  if (q) throw new Error('unterminated quote');
  out.push(cur);
  return out.map((s) => s.trim());
}

function checkPoint(where: string, lat: number, lon: number, weight: number): void {
  if (!Number.isFinite(lat) || lat < -90 || lat > 90) throw new CoverageError('BAD_DEMAND', `${where}: latitude ${lat} is not in [-90, 90]`);
  if (!Number.isFinite(lon) || lon < -180 || lon > 180) throw new CoverageError('BAD_DEMAND', `${where}: longitude ${lon} is not in [-180, 180]`);
  if (!Number.isFinite(weight) || weight < 0) throw new CoverageError('BAD_DEMAND', `${where}: weight must be a finite number ≥ 0`);
}

const num = (s: string | undefined): number => (s === undefined || s.trim() === '' ? Number.NaN : Number(s));

/**
 * CSV with a header row: lat/latitude, lon/lng/longitude, and population or weight/count
 * (optional; 1 per row means one incident per row). Optional id, area_class. Comma or semicolon.
 */
export function parseDemandCsv(text: string, source = 'demand.csv'): DemandSet {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const headerLine = lines.findIndex((l) => l.trim() !== '' && !l.startsWith('#'));
  if (headerLine < 0) throw new CoverageError('BAD_DEMAND', `${source}: empty file`);
  const sep = lines[headerLine]!.includes(';') && !lines[headerLine]!.includes(',') ? ';' : ',';
  let header: string[];
  try {
    header = splitCsvLine(lines[headerLine]!, sep).map((h) => h.toLowerCase());
  } catch (e) {
    // A malformed header is the file's fault like any row (it was a plain Error, i.e. an HTTP 500).
    throw new CoverageError('BAD_DEMAND', `${source} line ${headerLine + 1} (header): ${(e as Error).message}`);
  }
  const col = (names: string[]): number => header.findIndex((h) => names.includes(h));
  const iLat = col(LAT);
  const iLon = col(LON);
  if (iLat < 0 || iLon < 0) throw new CoverageError('BAD_DEMAND', `${source}: header must name a latitude column (${LAT.join('/')}) and a longitude column (${LON.join('/')}); got ${header.join(',')}`);
  const iPop = col(POP);
  const iW = col(WEIGHT);
  const iId = col(['id', 'name']);
  const iCls = col(['area_class', 'areaclass', 'class']);
  const points: DemandPoint[] = [];
  for (let n = headerLine + 1; n < lines.length; n++) {
    const line = lines[n]!;
    if (line.trim() === '' || line.startsWith('#')) continue;
    const where = `${source} line ${n + 1}`;
    let f: string[];
    try {
      f = splitCsvLine(line, sep);
    } catch (e) {
      throw new CoverageError('BAD_DEMAND', `${where}: ${(e as Error).message}`);
    }
    if (f.length !== header.length) throw new CoverageError('BAD_DEMAND', `${where}: ${f.length} fields, header has ${header.length}`);
    const lat = num(f[iLat]);
    const lon = num(f[iLon]);
    const pop = iPop >= 0 ? num(f[iPop]) : undefined;
    const weight = pop ?? (iW >= 0 ? num(f[iW]) : 1);
    checkPoint(where, lat, lon, weight);
    const p: DemandPoint = { id: iId >= 0 && f[iId] ? f[iId]! : `d${points.length + 1}`, lat, lon, weight };
    if (pop !== undefined) p.population = pop;
    if (iCls >= 0 && f[iCls]) p.areaClass = f[iCls]!;
    points.push(p);
    if (points.length > MAX_DEMAND_POINTS) throw new CoverageError('BAD_DEMAND', `${source}: more than ${MAX_DEMAND_POINTS} points; aggregate to a grid first`);
  }
  if (points.length === 0) throw new CoverageError('BAD_DEMAND', `${source}: no data rows`);
  const kind: DemandKind = iPop >= 0 ? 'population' : iW >= 0 ? 'weighted' : 'incidents';
  return { kind, unit: unitOf(kind), source, points };
}

/**
 * GeoJSON FeatureCollection of Point features (MultiPoint also accepted); weight from
 * properties.population, else properties.weight/count, else 1 (one incident per feature).
 */
export function parseDemandGeoJson(raw: unknown, source = 'demand.geojson'): DemandSet {
  if (typeof raw === 'string') {
    try {
      raw = JSON.parse(raw);
    } catch (e) {
      throw new CoverageError('BAD_DEMAND', `${source}: not JSON: ${(e as Error).message}`);
    }
  }
  const fc = raw as { type?: unknown; features?: unknown };
  if (typeof fc !== 'object' || fc === null || fc.type !== 'FeatureCollection' || !Array.isArray(fc.features)) {
    throw new CoverageError('BAD_DEMAND', `${source}: expected a GeoJSON FeatureCollection`);
  }
  if (fc.features.length > MAX_DEMAND_POINTS) throw new CoverageError('BAD_DEMAND', `${source}: more than ${MAX_DEMAND_POINTS} features`);
  const points: DemandPoint[] = [];
  let anyPop = false;
  let anyWeight = false;
  fc.features.forEach((f: unknown, i: number) => {
    const where = `${source} feature ${i}`;
    const feat = f as { type?: unknown; geometry?: { type?: unknown; coordinates?: unknown } | null; properties?: Record<string, unknown> | null; id?: unknown };
    if (typeof feat !== 'object' || feat === null || feat.type !== 'Feature' || !feat.geometry) throw new CoverageError('BAD_DEMAND', `${where}: expected a Feature with a geometry`);
    const props = feat.properties ?? {};
    const coords: unknown[] =
      feat.geometry.type === 'Point' ? [feat.geometry.coordinates] : feat.geometry.type === 'MultiPoint' && Array.isArray(feat.geometry.coordinates) ? feat.geometry.coordinates : [];
    if (coords.length === 0) throw new CoverageError('BAD_DEMAND', `${where}: geometry must be a Point or MultiPoint (got ${quoted(feat.geometry.type)})`);
    const popRaw = POP.map((k) => props[k]).find((v) => v !== undefined);
    const wRaw = WEIGHT.map((k) => props[k]).find((v) => v !== undefined);
    const pop = popRaw === undefined ? undefined : asNumber(popRaw);
    anyPop ||= pop !== undefined;
    anyWeight ||= wRaw !== undefined;
    const total = pop ?? (wRaw === undefined ? 1 : asNumber(wRaw));
    for (const c of coords) {
      if (!Array.isArray(c) || c.length < 2) throw new CoverageError('BAD_DEMAND', `${where}: coordinates must be [lon, lat]`);
      const [lon, lat] = [asNumber(c[0]), asNumber(c[1])];
      const weight = total / coords.length;
      checkPoint(where, lat, lon, weight);
      const id = asText(props['id'] ?? feat.id) ?? `f${i}`;
      const p: DemandPoint = { id: coords.length > 1 ? `${id}.${points.length}` : id, lat, lon, weight };
      if (pop !== undefined) p.population = weight;
      const cls = props['areaClass'] ?? props['area_class'];
      if (typeof cls === 'string' && cls !== '') p.areaClass = cls;
      points.push(p);
    }
  });
  if (points.length === 0) throw new CoverageError('BAD_DEMAND', `${source}: no features`);
  if (anyPop && points.some((p) => p.population === undefined)) throw new CoverageError('BAD_DEMAND', `${source}: population given on some features only`);
  const kind: DemandKind = anyPop ? 'population' : anyWeight ? 'weighted' : 'incidents';
  return { kind, unit: unitOf(kind), source, points };
}

/** Demand from a file, by extension. */
export function parseDemandFile(name: string, text: string): DemandSet {
  if (/\.csv$/i.test(name)) return parseDemandCsv(text, name);
  if (/\.(geo)?json$/i.test(name)) return parseDemandGeoJson(text, name);
  throw new CoverageError('BAD_DEMAND', `${name}: expected .csv, .geojson or .json`);
}

/** Past incident locations (e.g. from the tasks table), one point each, weight 1. */
export function demandFromIncidents(incidents: ReadonlyArray<{ id: string; lat: number; lon: number }>, source: string): DemandSet {
  if (incidents.length > MAX_DEMAND_POINTS) throw new CoverageError('BAD_DEMAND', `${source}: more than ${MAX_DEMAND_POINTS} incidents; choose a shorter period`);
  const points = incidents.map((i, n) => {
    checkPoint(`incident ${i.id}`, i.lat, i.lon, 1);
    return { id: i.id || `i${n}`, lat: i.lat, lon: i.lon, weight: 1 };
  });
  if (points.length === 0) throw new CoverageError('BAD_DEMAND', `${source}: no incidents`);
  return { kind: 'incidents', unit: 'incidents', source, points };
}

/**
 * Spread a known total population over a proxy demand in proportion to its weights (the fallback
 * weighs cells by residential road length). An approximation, labelled as such in reports.
 */
export function withPopulationTotal(d: DemandSet, total: number): DemandSet {
  if (!Number.isFinite(total) || total <= 0) throw new CoverageError('BAD_INPUT', 'population total must be a positive number');
  const sum = d.points.reduce((s, p) => s + p.weight, 0);
  if (sum <= 0) throw new CoverageError('BAD_DEMAND', `${d.source}: total weight is 0`);
  return {
    kind: 'population',
    unit: 'people',
    source: `${d.source}, population total ${total} spread in proportion to ${d.unit}`,
    points: d.points.map((p) => ({ ...p, weight: (p.weight / sum) * total, population: (p.weight / sum) * total })),
  };
}

function unitOf(kind: DemandKind): string {
  switch (kind) {
    case 'population':
      return 'people';
    case 'incidents':
      return 'incidents';
    case 'weighted':
      return 'weight';
    case 'extract-residential-roads':
      return 'm of residential road';
  }
}

/** Coordinate systems demand may arrive in: Chinese web maps give GCJ-02 (AMap, Tencent) or BD-09 (Baidu). */
export const DEMAND_CRS = ['WGS84', 'GCJ02', 'BD09'] as const;
export type DemandCrs = (typeof DEMAND_CRS)[number];

/**
 * Demand converted to WGS-84 (the road graph's datum) from the system it was supplied in; the
 * source line records the conversion. A 500 m shift in a Chinese city puts a point on the wrong street.
 */
export function demandToWgs84(d: DemandSet, crs: DemandCrs): DemandSet {
  // JSON.stringify: the CRS may come from a request body as any JSON value (String() throws on some objects).
  if (!(DEMAND_CRS as readonly string[]).includes(crs)) throw new CoverageError('BAD_INPUT', `demand CRS ${typeof crs === 'string' ? crs : (JSON.stringify(crs)?.slice(0, 80) ?? 'undefined')}: expected one of ${DEMAND_CRS.join(', ')}`);
  if (crs === 'WGS84') return d;
  const conv = crs === 'GCJ02' ? gcj02ToWgs84 : bd09ToWgs84;
  return { ...d, source: `${d.source} (converted ${crs} → WGS-84)`, points: d.points.map((p) => ({ ...p, ...conv({ lat: p.lat, lon: p.lon }) })) };
}
