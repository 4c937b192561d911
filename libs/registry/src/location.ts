import { toWgs84 } from '@rescue/telemetry';
import { number } from './fields';
import type { RowReader } from './row-errors';

export const IMPORT_CRS = ['WGS84', 'GCJ02', 'BD09'] as const;
export type ImportCrs = (typeof IMPORT_CRS)[number];

export function isImportCrs(v: unknown): v is ImportCrs {
  return typeof v === 'string' && (IMPORT_CRS as readonly string[]).includes(v);
}

/** A stored location: WGS-84, with the numbers and the system it was given in (domain.md §6). */
export interface ImportedLocation {
  lat: number;
  lon: number;
  crs: ImportCrs;
  inputLat: number;
  inputLon: number;
}

export const LAT_HEADERS = ['纬度', 'latitude', '站点纬度'];
export const LON_HEADERS = ['经度', 'longitude', 'lng', '站点经度'];

/**
 * The row's location: the GeoJSON geometry, else the lat/lon columns (named by `prefix`), converted
 * from `crs` to WGS-84. Null without a location (an error if required).
 */
export function readLocation(r: RowReader, crs: ImportCrs, required: boolean, fields = { lat: 'lat', lon: 'lon' }): ImportedLocation | null {
  let lat: number | undefined;
  let lon: number | undefined;
  if (r.source.point !== undefined) {
    if (r.source.point === null) {
      if (required) r.fail('geometry', 'GeoJSON 要素需要 Point 几何 (a Point geometry is required)');
      return null;
    }
    ({ lat, lon } = r.source.point);
    if (!(lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180)) {
      r.fail('geometry', `坐标超出范围 [${lon}, ${lat}] (coordinates out of range; GeoJSON is [lon, lat])`);
      return null;
    }
  } else {
    lat = r.get(fields.lat, (s) => number(s, -90, 90), required);
    lon = r.get(fields.lon, (s) => number(s, -180, 180), required);
    if (lat === undefined || lon === undefined) {
      if (!required && (lat !== undefined || lon !== undefined)) r.fail(lat === undefined ? fields.lat : fields.lon, '经纬度须成对填写 (latitude and longitude go together)');
      return null;
    }
  }
  if (lat === 0 && lon === 0) {
    r.fail(fields.lat, '坐标为 (0, 0)，应为漏填 (0, 0 is a missing location)');
    return null;
  }
  const w = toWgs84({ lat, lon }, crs);
  return { lat: w.lat, lon: w.lon, crs, inputLat: lat, inputLon: lon };
}
