/**
 * WGS-84 ⇄ GCJ-02 ⇄ BD-09 (domain.md §6). Written here rather than taken from gcoord/coordtransform:
 * it is ~60 lines of published formulas, and we need what those packages do not give together:
 * an iterative GCJ-02 → WGS-84 inverse to 1e-10° (coordtransform's inverse is a single step: up to 4.8 m
 * off, measured on a 0.4° grid over China), typed {lat, lon} objects (no [lon, lat] order to confuse),
 * and no dependency on the hot path.
 *
 * GCJ-02 is defined only inside China: the standard rectangle test below (the one every
 * implementation uses) leaves points outside it unshifted, in both directions.
 */

export interface LatLon {
  lat: number;
  lon: number;
}

// Krasovsky 1940 ellipsoid, as the GCJ-02 algorithm uses it.
const A = 6378245.0;
const EE = 0.00669342162296594323;
const PI = Math.PI;
// Baidu's constant for BD-09.
const X_PI = (PI * 3000.0) / 180.0;

export function isOutsideChina(lat: number, lon: number): boolean {
  return lon < 72.004 || lon > 137.8347 || lat < 0.8293 || lat > 55.8271;
}

function shiftLat(x: number, y: number): number {
  let r = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
  r += ((20.0 * Math.sin(6.0 * x * PI) + 20.0 * Math.sin(2.0 * x * PI)) * 2.0) / 3.0;
  r += ((20.0 * Math.sin(y * PI) + 40.0 * Math.sin((y / 3.0) * PI)) * 2.0) / 3.0;
  r += ((160.0 * Math.sin((y / 12.0) * PI) + 320 * Math.sin((y * PI) / 30.0)) * 2.0) / 3.0;
  return r;
}

function shiftLon(x: number, y: number): number {
  let r = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
  r += ((20.0 * Math.sin(6.0 * x * PI) + 20.0 * Math.sin(2.0 * x * PI)) * 2.0) / 3.0;
  r += ((20.0 * Math.sin(x * PI) + 40.0 * Math.sin((x / 3.0) * PI)) * 2.0) / 3.0;
  r += ((150.0 * Math.sin((x / 12.0) * PI) + 300.0 * Math.sin((x / 30.0) * PI)) * 2.0) / 3.0;
  return r;
}

/** The GCJ-02 offset (degrees) at a WGS-84 point inside China. */
function gcjOffset(lat: number, lon: number): LatLon {
  let dLat = shiftLat(lon - 105.0, lat - 35.0);
  let dLon = shiftLon(lon - 105.0, lat - 35.0);
  const radLat = (lat / 180.0) * PI;
  let magic = Math.sin(radLat);
  magic = 1 - EE * magic * magic;
  const sqrtMagic = Math.sqrt(magic);
  dLat = (dLat * 180.0) / (((A * (1 - EE)) / (magic * sqrtMagic)) * PI);
  dLon = (dLon * 180.0) / ((A / sqrtMagic) * Math.cos(radLat) * PI);
  return { lat: dLat, lon: dLon };
}

export function wgs84ToGcj02(p: LatLon): LatLon {
  if (isOutsideChina(p.lat, p.lon)) return { lat: p.lat, lon: p.lon };
  const d = gcjOffset(p.lat, p.lon);
  return { lat: p.lat + d.lat, lon: p.lon + d.lon };
}

/**
 * No closed form: fixed-point iteration w ← w + (g − gcj(w)). The offset varies slowly (~1e-5 per
 * degree), so it converges by ~1e3 per step: 2-4 steps reach 1e-10°.
 */
export function gcj02ToWgs84(p: LatLon): LatLon {
  if (isOutsideChina(p.lat, p.lon)) return { lat: p.lat, lon: p.lon };
  let lat = p.lat;
  let lon = p.lon;
  for (let i = 0; i < 10; i++) {
    const d = gcjOffset(lat, lon);
    const errLat = lat + d.lat - p.lat;
    const errLon = lon + d.lon - p.lon;
    lat -= errLat;
    lon -= errLon;
    if (Math.abs(errLat) < 1e-10 && Math.abs(errLon) < 1e-10) break;
  }
  return { lat, lon };
}

export function gcj02ToBd09(p: LatLon): LatLon {
  const x = p.lon;
  const y = p.lat;
  const z = Math.sqrt(x * x + y * y) + 0.00002 * Math.sin(y * X_PI);
  const theta = Math.atan2(y, x) + 0.000003 * Math.cos(x * X_PI);
  return { lat: z * Math.sin(theta) + 0.006, lon: z * Math.cos(theta) + 0.0065 };
}

/**
 * Baidu's published inverse is approximate (~1e-6°, 0.1 m); one or two fixed-point corrections
 * on top of it make it exact to 1e-10° so that round trips do not drift.
 */
export function bd09ToGcj02(p: LatLon): LatLon {
  const x = p.lon - 0.0065;
  const y = p.lat - 0.006;
  const z = Math.sqrt(x * x + y * y) - 0.00002 * Math.sin(y * X_PI);
  const theta = Math.atan2(y, x) - 0.000003 * Math.cos(x * X_PI);
  let lat = z * Math.sin(theta);
  let lon = z * Math.cos(theta);
  for (let i = 0; i < 5; i++) {
    const b = gcj02ToBd09({ lat, lon });
    const errLat = b.lat - p.lat;
    const errLon = b.lon - p.lon;
    lat -= errLat;
    lon -= errLon;
    if (Math.abs(errLat) < 1e-10 && Math.abs(errLon) < 1e-10) break;
  }
  return { lat, lon };
}

export function wgs84ToBd09(p: LatLon): LatLon {
  return gcj02ToBd09(wgs84ToGcj02(p));
}

export function bd09ToWgs84(p: LatLon): LatLon {
  return gcj02ToWgs84(bd09ToGcj02(p));
}

/** A point given in `crs` (WGS84, GCJ02 as AMap/Tencent, BD09 as Baidu) in WGS-84. */
export function toWgs84(p: LatLon, crs: 'WGS84' | 'GCJ02' | 'BD09'): LatLon {
  if (crs === 'GCJ02') return gcj02ToWgs84(p);
  if (crs === 'BD09') return bd09ToWgs84(p);
  return { lat: p.lat, lon: p.lon };
}
