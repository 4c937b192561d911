import { toWgs84 } from '../crs/chinese-datums';
import type { FixCandidate } from '../types';
import type { Refusal } from './refusal';

/**
 * GCJ-02 / BD-09 → WGS-84 for fixes flagged crs "GCJ02" (AMap/Tencent) or "BD09" (Baidu). Runs before the
 * stateful filters so that a unit's remembered fixes are all WGS-84: mixing datums would look like a
 * 500 m jump. Outside China GCJ-02 equals WGS-84 and the conversion leaves the point as it is.
 */
export function convertToWgs84(c: FixCandidate): Refusal | null {
  if (c.crs !== 'WGS84') {
    const w = toWgs84(c.fix, c.crs);
    c.fix.lat = w.lat;
    c.fix.lon = w.lon;
    c.crs = 'WGS84';
  }
  return null;
}
