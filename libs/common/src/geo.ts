/** Mean Earth radius (IUGG), metres; the same one pgRouting/osm2pgrouting-free checks use. */
export const EARTH_RADIUS_M = 6371008.8;
const RAD = Math.PI / 180;

/** Great-circle distance (haversine on the mean sphere); < 0.5 % from the ellipsoid, far below map error. */
export function haversineM(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const dLat = (lat2 - lat1) * RAD;
  const dLon = (lon2 - lon1) * RAD;
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * RAD) * Math.cos(lat2 * RAD) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(a)));
}

/** Initial bearing from point 1 to point 2, degrees clockwise from north in [0, 360). */
export function bearingDeg(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const p1 = lat1 * RAD;
  const p2 = lat2 * RAD;
  const dl = (lon2 - lon1) * RAD;
  const y = Math.sin(dl) * Math.cos(p2);
  const x = Math.cos(p1) * Math.sin(p2) - Math.sin(p1) * Math.cos(p2) * Math.cos(dl);
  return (Math.atan2(y, x) / RAD + 360) % 360;
}

/** Smallest absolute difference of two bearings, in [0, 180]. */
export function angleDiffDeg(a: number, b: number): number {
  const d = Math.abs(((a - b) % 360) + 360) % 360;
  return d > 180 ? 360 - d : d;
}

/**
 * Local equirectangular projection to metres around a reference latitude. Over the few hundred
 * metres a snap looks at, its distortion is below 0.01 %, and it keeps the spatial index in plain
 * floats.
 */
export function projX(lon: number, cosLat0: number): number {
  return lon * RAD * EARTH_RADIUS_M * cosLat0;
}
export function projY(lat: number): number {
  return lat * RAD * EARTH_RADIUS_M;
}
export function cosDeg(deg: number): number {
  return Math.cos(deg * RAD);
}
