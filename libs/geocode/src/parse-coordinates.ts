import { BadInputError } from '@rescue/common';
import { isOutsideChina, type LatLon, toWgs84 } from '@rescue/telemetry';

/** The systems Chinese map apps give: GPS (WGS-84), AMap/Tencent (GCJ-02), Baidu (BD-09). */
export const DATUMS = ['WGS84', 'GCJ02', 'BD09'] as const;
export type Datum = (typeof DATUMS)[number];

const DATUM_NAMES: Readonly<Record<string, Datum>> = {
  wgs84: 'WGS84', gps: 'WGS84', epsg4326: 'WGS84',
  gcj02: 'GCJ02', amap: 'GCJ02', gaode: 'GCJ02', 高德: 'GCJ02', tencent: 'GCJ02', qq: 'GCJ02', 腾讯: 'GCJ02', 火星: 'GCJ02',
  bd09: 'BD09', bd09ll: 'BD09', baidu: 'BD09', 百度: 'BD09',
};

/** A datum by its name or the app that uses it (wgs84, gcj-02, amap, 高德, baidu, 百度…). */
export function parseDatum(raw: string): Datum {
  const d = DATUM_NAMES[raw.trim().toLowerCase().replace(/[-_\s]/g, '')];
  if (!d) throw new BadInputError(`坐标系 ${raw} 不支持 (unknown datum ${JSON.stringify(raw)}: expected WGS84, GCJ02 (AMap/Tencent) or BD09 (Baidu))`, { field: 'crs' });
  return d;
}

export type AxisOrder = 'lonlat' | 'latlon';

export interface ParsedCoordinates {
  /** The point in WGS-84, what the rest of the system uses. */
  wgs84: LatLon;
  /** The numbers as read, in the given datum. */
  input: LatLon;
  datum: Datum;
  /** Which number was the longitude: lonlat as AMap and Baidu show them, latlon as GPS devices and Google. */
  order: AxisOrder;
  /** What decided the order: labels (lat=, 经度, N/E), the ranges of the numbers, the region hint, or the default (lonlat). */
  orderFrom: 'labels' | 'range' | 'region' | 'default';
  /** The other reading in WGS-84, when both orders are plausible (then shown to the dispatcher). */
  alternative?: LatLon;
  /** Things the dispatcher should know (the point lies outside China, so GCJ-02/BD-09 shift nothing). */
  warnings: string[];
}

export interface ParseHint {
  /** The region served, [minLon, minLat, maxLon, maxLat]: a reading inside it wins an ambiguous order. */
  bbox?: readonly [number, number, number, number];
}

interface Component {
  value: number;
  axis: 'lat' | 'lon' | null;
  /** Written with a fraction or as degrees-minutes-seconds (not a zoom level or an id in a link). */
  precise: boolean;
}

const MAX_TEXT = 200;

/** Labels and symbols of the ways people write coordinates, rewritten to one notation. */
function normalize(text: string): { s: string; pairOrder: AxisOrder | null } {
  let s = text.normalize('NFKC')
    .replace(/北纬|北緯/g, ' N ').replace(/南纬|南緯/g, ' S ').replace(/东经|東經/g, ' E ').replace(/西经|西經/g, ' W ')
    .replace(/纬度|緯度/g, ' LAT ').replace(/经度|經度/g, ' LON ')
    .replace(/度/g, '°').replace(/[分′’‘]/g, "'").replace(/[秒″“”]/g, '"').replace(/''/g, '"')
    .replace(/[、；;|]/g, ',');
  let pairOrder: AxisOrder | null = null;
  // "latlng=39.9,116.4", "lng,lat: 116.4,39.9": one label naming both axes.
  s = s.replace(/\b(lat(?:itude)?)[\s,/_-]*(lng|lon(?:g(?:itude)?)?)\b/gi, () => {
    pairOrder = 'latlon';
    return ' ';
  }).replace(/\b(lng|lon(?:g(?:itude)?)?)[\s,/_-]*(lat(?:itude)?)\b/gi, () => {
    pairOrder = 'lonlat';
    return ' ';
  });
  s = s.replace(/\b(?:latitude|lat)\b/gi, ' LAT ').replace(/\b(?:longitude|long|lng|lon)\b/gi, ' LON ');
  return { s, pairOrder };
}

// A number with its optional label (LAT/LON), degrees-minutes-seconds, and hemisphere letter, which
// stands before the numbers ("N39.9 E116.4") or after them ("39.9N 116.4E"): one style per text, as
// "N 39.9 E 116.4" would otherwise read the E as the first number's suffix.
const NUMBER = String.raw`([+-]?\d+(?:\.\d+)?)(?:\s*°(?:\s*(\d+(?:\.\d+)?)\s*'(?:\s*(\d+(?:\.\d+)?)\s*"?)?)?)?`;
const LABEL = String.raw`(?:(LAT|LON)\s*[:=]?\s*)?`;
const HEMI_BEFORE = new RegExp(String.raw`${LABEL}(?:([NSEW])\s*)?${NUMBER}`, 'g');
const HEMI_AFTER = new RegExp(String.raw`${LABEL}${NUMBER}(?:\s*([NSEW])(?![A-Za-z]))?`, 'g');
const LETTER_FIRST = /^[^0-9]*\b[NSEW]\s*[+-]?\d/;

function components(s: string, raw: string): Component[] {
  const out: Component[] = [];
  const before = LETTER_FIRST.test(s);
  for (const m of s.matchAll(before ? HEMI_BEFORE : HEMI_AFTER)) {
    const [label, hemiBefore, deg, min, sec, hemiAfter] = before ? [m[1], m[2], m[3], m[4], m[5], undefined] : [m[1], undefined, m[2], m[3], m[4], m[5]];
    const hemi = hemiBefore ?? hemiAfter;
    let value = Number(deg);
    if (min !== undefined) {
      const mm = Number(min), ss = sec === undefined ? 0 : Number(sec);
      if (!Number.isInteger(value) || mm >= 60 || ss >= 60) throw new BadInputError(`无法识别坐标 (cannot read ${JSON.stringify(raw)}: minutes and seconds must be below 60 with whole degrees)`);
      value = Math.sign(value || 1) * (Math.abs(value) + mm / 60 + ss / 3600);
    }
    if (hemi === 'S' || hemi === 'W') value = -Math.abs(value);
    const axis = label === 'LAT' || hemi === 'N' || hemi === 'S' ? 'lat' : label === 'LON' || hemi === 'E' || hemi === 'W' ? 'lon' : null;
    if (label && hemi && (label === 'LAT') !== (hemi === 'N' || hemi === 'S')) throw new BadInputError(`无法识别坐标 (cannot read ${JSON.stringify(raw)}: label and hemisphere disagree)`);
    out.push({ value, axis, precise: deg!.includes('.') || min !== undefined });
  }
  return out;
}

const valid = (p: LatLon): boolean => Math.abs(p.lat) <= 90 && Math.abs(p.lon) <= 180;
const inside = (p: LatLon, b: readonly [number, number, number, number], padDeg: number): boolean =>
  p.lon >= b[0] - padDeg && p.lon <= b[2] + padDeg && p.lat >= b[1] - padDeg && p.lat <= b[3] + padDeg;

/**
 * A point pasted as a map app shows it, in the given datum, to WGS-84. Accepts "116.404,39.915"
 * (AMap, Baidu: longitude first), "39.915, 116.404" (GPS, Google: latitude first), labelled forms
 * ("lat=39.9&lng=116.4", "经度116.404 纬度39.915", "latlng=…"), hemispheres and degrees-minutes-
 * seconds ("39°54'54\"N 116°24'14\"E", "北纬39度54分54秒"), full-width digits and commas.
 *
 * Unlabelled, the order is read from the ranges: in China a latitude is below 56 and a longitude
 * above 72, so only one reading fits. Elsewhere (the Andorra demo) both may fit: the reading inside
 * the served region wins, else longitude first as the Chinese apps write it, with the other reading
 * returned as `alternative`.
 */
export function parseCoordinates(text: string, datum: Datum, hint: ParseHint = {}): ParsedCoordinates {
  const raw = text.trim();
  if (raw === '') throw new BadInputError('请输入坐标 (no coordinates given)');
  if (raw.length > MAX_TEXT) throw new BadInputError(`坐标文本过长 (text longer than ${MAX_TEXT} characters)`);
  const { s, pairOrder } = normalize(raw);
  let comps = components(s, raw);
  if (comps.length > 2) {
    // A pasted link holds other numbers (zoom, ids): keep the labelled or decimal ones if that leaves two.
    const keep = comps.filter((c) => c.axis !== null || c.precise);
    if (keep.length === 2) comps = keep;
  }
  if (comps.length !== 2) {
    if (comps.length > 0 && comps.every((c) => Math.abs(c.value) > 1000)) throw new BadInputError(`看起来是百度墨卡托坐标，请复制经纬度 (${JSON.stringify(raw)} looks like projected metres such as Baidu Mercator: copy longitude,latitude)`);
    throw new BadInputError(`需要经度和纬度两个数 (expected two numbers, longitude and latitude, in ${JSON.stringify(raw)}; found ${comps.length})`);
  }
  const [a, b] = comps as [Component, Component];
  if (Math.abs(a.value) > 1000 && Math.abs(b.value) > 1000) {
    throw new BadInputError(`看起来是百度墨卡托坐标，请复制经纬度 (${JSON.stringify(raw)} looks like projected metres such as Baidu Mercator: copy longitude,latitude)`);
  }
  const lonlat: LatLon = { lon: a.value, lat: b.value };
  const latlon: LatLon = { lat: a.value, lon: b.value };
  let order: AxisOrder;
  let orderFrom: ParsedCoordinates['orderFrom'];
  let alternative: LatLon | undefined;
  if (a.axis !== null || b.axis !== null) {
    const first = a.axis ?? (b.axis === 'lat' ? 'lon' : 'lat');
    const second = b.axis ?? (first === 'lat' ? 'lon' : 'lat');
    if (first === second) throw new BadInputError(`两个数都标为${first === 'lat' ? '纬度' : '经度'} (both numbers are labelled ${first === 'lat' ? 'latitude' : 'longitude'} in ${JSON.stringify(raw)})`);
    order = first === 'lon' ? 'lonlat' : 'latlon';
    orderFrom = 'labels';
  } else if (pairOrder !== null) {
    order = pairOrder;
    orderFrom = 'labels';
  } else {
    const fits = (['lonlat', 'latlon'] as const).filter((o) => valid(o === 'lonlat' ? lonlat : latlon));
    const china = fits.filter((o) => !isOutsideChina((o === 'lonlat' ? lonlat : latlon).lat, (o === 'lonlat' ? lonlat : latlon).lon));
    const region = hint.bbox ? fits.filter((o) => inside(o === 'lonlat' ? lonlat : latlon, hint.bbox!, 0.5)) : [];
    if (fits.length === 1) [order, orderFrom] = [fits[0]!, 'range'];
    else if (region.length === 1) [order, orderFrom] = [region[0]!, 'region'];
    else if (china.length === 1) [order, orderFrom] = [china[0]!, 'range'];
    else {
      [order, orderFrom] = ['lonlat', 'default'];
      if (fits.length === 2) alternative = toWgs84(latlon, datum);
    }
  }
  const input = order === 'lonlat' ? lonlat : latlon;
  if (!valid(input)) throw new BadInputError(`坐标超出范围 (latitude must be within ±90 and longitude within ±180: ${JSON.stringify(raw)})`);
  if (input.lat === 0 && input.lon === 0) throw new BadInputError('坐标为 (0, 0)，应为漏填 (0, 0 is a missing location, not a place)');
  const warnings: string[] = [];
  if (datum === 'GCJ02' && isOutsideChina(input.lat, input.lon)) warnings.push('点在中国境外，GCJ-02 不作偏移 (outside China: GCJ-02 equals WGS-84 there)');
  if (datum === 'BD09' && isOutsideChina(input.lat, input.lon)) warnings.push('点在中国境外，请确认是百度坐标 (outside China: Baidu maps there usually show WGS-84; check the datum)');
  if (alternative) warnings.push('经纬度顺序不确定，按“经度,纬度”读取 (order ambiguous: read as longitude,latitude; see alternative)');
  return { wgs84: toWgs84(input, datum), input, datum, order, orderFrom, ...(alternative ? { alternative } : {}), warnings };
}
