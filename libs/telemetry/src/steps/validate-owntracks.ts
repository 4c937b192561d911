import type { FixCandidate } from '../types';
import { isObject, requiredInteger, requiredRanged } from './fields';
import { RANGES, type RangedField } from './ranges';
import { Refusal, show } from './refusal';

/** An OwnTracks Last Will: the phone went offline. */
export const OWNTRACKS_OFFLINE = 'offline' as const;

/**
 * OwnTracks marks unknown values with negative numbers (e.g. `acc: -1` in l2.json, `vel: -1` from
 * iOS when not moving fast enough to measure): they become null, not a refusal.
 */
function sentinelOrRanged(o: Record<string, unknown>, key: string, field: RangedField): number | null | Refusal {
  const v = o[key];
  if (v === undefined || v === null) return null;
  if (typeof v !== 'number') return new Refusal('schema', `${key}: expected a number, got ${show(v)}`);
  if (v < 0 && field !== 'altitudeM') return null;
  const [min, max] = RANGES[field];
  if (!(v >= min && v <= max)) return new Refusal('out_of_range', `${key}: ${v} outside [${min}, ${max}]`);
  return v;
}

/**
 * Step 2 for `owntracks/{user}/{device}`. Mapping to our fix: tst (s) → ts (ms), lat, lon,
 * acc → accuracyM, alt → altitudeM, vel (km/h) → speedKmh, cog → headingDeg; OwnTracks reports WGS-84.
 * batt, tid and the rest are ignored. `_type: "lwt"` → presence offline. Any other _type (transition,
 * waypoint, card, cmd, encrypted, …) → unsupported_type: not a fault of the phone, but refused with a
 * counted reason and kept in the dead letters, so a phone configured to send them is visible.
 */
export function validateOwnTracks(
  el: unknown,
  unitId: string,
  raw: string | unknown,
): FixCandidate | typeof OWNTRACKS_OFFLINE | Refusal {
  if (!isObject(el)) return new Refusal('schema', `expected an OwnTracks object, got ${show(el)}`);
  const type = el['_type'];
  if (type === 'lwt') return OWNTRACKS_OFFLINE;
  if (type !== 'location') {
    if (typeof type !== 'string') return new Refusal('schema', `_type: required string, got ${show(type)}`);
    return new Refusal('unsupported_type', `_type "${type.slice(0, 40)}" is not ingested`);
  }
  const tst = requiredInteger(el, 'tst');
  if (tst instanceof Refusal) return tst;
  const lat = requiredRanged(el, 'lat', 'lat');
  if (lat instanceof Refusal) return lat;
  const lon = requiredRanged(el, 'lon', 'lon');
  if (lon instanceof Refusal) return lon;
  const accuracyM = sentinelOrRanged(el, 'acc', 'accuracyM');
  if (accuracyM instanceof Refusal) return accuracyM;
  const altitudeM = sentinelOrRanged(el, 'alt', 'altitudeM');
  if (altitudeM instanceof Refusal) return altitudeM;
  const speedKmh = sentinelOrRanged(el, 'vel', 'speedKmh');
  if (speedKmh instanceof Refusal) return speedKmh;
  const headingDeg = sentinelOrRanged(el, 'cog', 'headingDeg');
  if (headingDeg instanceof Refusal) return headingDeg;
  return { fix: { unitId, ts: tst * 1000, lat, lon, speedKmh, headingDeg, accuracyM, altitudeM, stepM: 0 }, crs: 'WGS84', raw };
}
