import type { StationInput } from './coverage-analysis';
import { bd09ToWgs84, gcj02ToWgs84 } from '@rescue/telemetry';
import { DEMAND_CRS, type DemandCrs, splitCsvLine } from './demand';
import { CoverageError } from './errors';
import { asNumber, asText } from './json-values';
import type { ExtractPoi } from './extract/extract-features';

export const MAX_STATIONS = 5000;

function check(list: StationInput[], source: string): StationInput[] {
  if (list.length === 0) throw new CoverageError('BAD_STATIONS', `${source}: no stations`);
  if (list.length > MAX_STATIONS) throw new CoverageError('BAD_STATIONS', `${source}: more than ${MAX_STATIONS} stations`);
  const seen = new Set<string>();
  for (const s of list) {
    if (seen.has(s.id)) throw new CoverageError('BAD_STATIONS', `${source}: station id "${s.id}" appears twice`);
    seen.add(s.id);
    if (!Number.isFinite(s.lat) || Math.abs(s.lat) > 90 || !Number.isFinite(s.lon) || Math.abs(s.lon) > 180) throw new CoverageError('BAD_STATIONS', `${source}: station ${s.id}: invalid coordinates ${s.lat},${s.lon}`);
    if (s.ambulances !== undefined && (!Number.isInteger(s.ambulances) || s.ambulances < 0)) throw new CoverageError('BAD_STATIONS', `${source}: station ${s.id}: ambulances must be a whole number ≥ 0`);
  }
  return list;
}

/** Stations as CSV (id,name,lat,lon[,ambulances]) or GeoJSON points (properties id, name, ambulances). */
export function parseStationsFile(name: string, text: string): StationInput[] {
  if (/\.csv$/i.test(name)) {
    const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/).filter((l) => l.trim() !== '' && !l.startsWith('#'));
    if (lines.length === 0) throw new CoverageError('BAD_STATIONS', `${name}: empty file`);
    const header = splitCsvLine(lines[0]!, ',').map((h) => h.toLowerCase());
    const col = (...n: string[]): number => header.findIndex((h) => n.includes(h));
    const [iId, iName, iLat, iLon, iAmb] = [col('id'), col('name'), col('lat', 'latitude'), col('lon', 'lng', 'longitude'), col('ambulances', 'units')];
    if (iLat < 0 || iLon < 0) throw new CoverageError('BAD_STATIONS', `${name}: header needs lat and lon columns`);
    return check(
      lines.slice(1).map((l, n) => {
        const f = splitCsvLine(l, ',');
        if (f.length !== header.length) throw new CoverageError('BAD_STATIONS', `${name} row ${n + 2}: ${f.length} fields, header has ${header.length}`);
        const id = iId >= 0 && f[iId] ? f[iId]! : `S${n + 1}`;
        const s: StationInput = { id, name: iName >= 0 && f[iName] ? f[iName]! : id, lat: Number(f[iLat]), lon: Number(f[iLon]) };
        if (iAmb >= 0 && f[iAmb] !== '') s.ambulances = Number(f[iAmb]);
        return s;
      }),
      name,
    );
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new CoverageError('BAD_STATIONS', `${name}: not JSON: ${(e as Error).message}`);
  }
  return check(stationsFromGeoJson(raw, name), name);
}

export function stationsFromGeoJson(raw: unknown, source = 'stations'): StationInput[] {
  const fc = raw as { type?: unknown; features?: unknown };
  if (typeof fc !== 'object' || fc === null || fc.type !== 'FeatureCollection' || !Array.isArray(fc.features)) throw new CoverageError('BAD_STATIONS', `${source}: expected a GeoJSON FeatureCollection of points`);
  const list = fc.features.map((f: unknown, i: number) => {
    const feat = f as { geometry?: { type?: unknown; coordinates?: unknown }; properties?: Record<string, unknown> | null };
    if (feat?.geometry?.type !== 'Point' || !Array.isArray(feat.geometry.coordinates)) throw new CoverageError('BAD_STATIONS', `${source} feature ${i}: expected a Point`);
    const [lon, lat] = feat.geometry.coordinates as [number, number];
    const p = feat.properties ?? {};
    for (const k of ['id', 'name']) if (p[k] !== undefined && p[k] !== null && asText(p[k]) === null) throw new CoverageError('BAD_STATIONS', `${source} feature ${i}: properties.${k} must be a string or a number`);
    const id = asText(p['id']) ?? `S${i + 1}`;
    const s: StationInput = { id, name: asText(p['name']) ?? id, lat: asNumber(lat), lon: asNumber(lon) };
    if (p['ambulances'] !== undefined) s.ambulances = asNumber(p['ambulances']);
    return s;
  });
  // Checked here too (a request body reaches this without parseStationsFile): coordinates, ids, counts.
  return check(list, source);
}

/** Stations at the hospitals and ambulance stations tagged in the extract (no planner list). */
export function stationsFromPois(pois: readonly ExtractPoi[]): StationInput[] {
  return pois.map((p) => ({ id: p.osmId, name: p.name, lat: p.lat, lon: p.lon }));
}

/**
 * Stations uploaded in GCJ-02 (AMap, Tencent) or BD-09 (Baidu), back in WGS-84 (the road graph's datum),
 * as demand is: a station 500 m off its street is snapped to the wrong road.
 */
export function stationsToWgs84(stations: StationInput[], crs: unknown, what = 'stations'): StationInput[] {
  if (typeof crs !== 'string' || !(DEMAND_CRS as readonly string[]).includes(crs)) {
    throw new CoverageError('BAD_INPUT', `${what} CRS ${typeof crs === 'string' ? crs.slice(0, 40) : (JSON.stringify(crs)?.slice(0, 40) ?? 'undefined')}: expected one of ${DEMAND_CRS.join(', ')}`);
  }
  if (crs === 'WGS84') return stations;
  const conv = (crs as DemandCrs) === 'GCJ02' ? gcj02ToWgs84 : bd09ToWgs84;
  return stations.map((s) => ({ ...s, ...conv({ lat: s.lat, lon: s.lon }) }));
}
