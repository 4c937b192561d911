import { DEFAULT_CRS, isCrs } from '@rescue/contracts';
import type { FixCandidate } from '../types';
import { isObject, optionalRanged, requiredInteger, requiredRanged } from './fields';
import { RANGES } from './ranges';
import { Refusal, show } from './refusal';

/**
 * Step 2 for `ems/v1/units/{unitId}/position`: one fix object → a candidate in its declared CRS.
 * Unknown extra fields are ignored (terminals may add fields before the contract does).
 */
export function validatePositionFix(el: unknown, unitId: string, raw: string | unknown): FixCandidate | Refusal {
  if (!isObject(el)) return new Refusal('schema', `expected a fix object, got ${show(el)}`);
  const ts = requiredInteger(el, 'ts');
  if (ts instanceof Refusal) return ts;
  const lat = requiredRanged(el, 'lat', 'lat');
  if (lat instanceof Refusal) return lat;
  const lon = requiredRanged(el, 'lon', 'lon');
  if (lon instanceof Refusal) return lon;
  const speedKmh = optionalRanged(el, 'speedKmh', 'speedKmh');
  if (speedKmh instanceof Refusal) return speedKmh;
  const headingDeg = optionalRanged(el, 'headingDeg', 'headingDeg');
  if (headingDeg instanceof Refusal) return headingDeg;
  const accuracyM = optionalRanged(el, 'accuracyM', 'accuracyM');
  if (accuracyM instanceof Refusal) return accuracyM;
  const altitudeM = optionalRanged(el, 'altitudeM', 'altitudeM');
  if (altitudeM instanceof Refusal) return altitudeM;
  const crs = el['crs'] === undefined ? DEFAULT_CRS : el['crs'];
  if (!isCrs(crs)) return new Refusal('schema', `crs: expected "WGS84", "GCJ02" or "BD09", got ${show(crs)}`);
  return { fix: { unitId, ts, lat, lon, speedKmh, headingDeg, accuracyM, altitudeM, stepM: 0 }, crs, raw };
}

const OPTIONAL_FIELDS = ['speedKmh', 'headingDeg', 'accuracyM', 'altitudeM'] as const;

/**
 * Step 2 for fixes decoded outside the pipeline (processFixes: JT/T 808). Their decoders check the wire
 * format, not physical ranges: a JT/T 808 DWORD latitude reaches 4294.967295° (found by fuzzing: such a
 * fix was accepted). A position or time outside its range refuses the fix (out_of_range, as in the JSON
 * contract). An optional measurement outside its range becomes null (unknown) instead: third-party
 * terminals get these wrong while the position is good, e.g. the unsigned WORD altitude, where a
 * terminal in the Turpan depression (−154 m) sends 65382.
 */
export function checkCandidateRanges(c: FixCandidate): Refusal | null {
  const f = c.fix;
  if (!Number.isSafeInteger(f.ts)) return new Refusal('schema', `ts: expected an integer, got ${f.ts}`);
  for (const key of ['lat', 'lon'] as const) {
    const [min, max] = RANGES[key];
    if (!(f[key] >= min && f[key] <= max)) return new Refusal('out_of_range', `${key}: ${f[key]} outside [${min}, ${max}]`);
  }
  for (const key of OPTIONAL_FIELDS) {
    const v = f[key];
    const [min, max] = RANGES[key];
    if (v !== null && !(v >= min && v <= max)) f[key] = null;
  }
  return null;
}
