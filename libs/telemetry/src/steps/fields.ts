import { RANGES, type RangedField } from './ranges';
import { Refusal, show } from './refusal';

/** Hand-written field checks shared by the validators: no allocation unless a field is refused. */

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A required number within its physical range. */
export function requiredRanged(o: Record<string, unknown>, key: string, field: RangedField): number | Refusal {
  const v = o[key];
  if (typeof v !== 'number') {
    return new Refusal('schema', v === undefined ? `${key}: required` : `${key}: expected a number, got ${show(v)}`);
  }
  const [min, max] = RANGES[field];
  if (!(v >= min && v <= max)) return new Refusal('out_of_range', `${key}: ${v} outside [${min}, ${max}]`);
  return v;
}

/** An optional number (absent or null = not measured) within its physical range. */
export function optionalRanged(o: Record<string, unknown>, key: string, field: RangedField): number | null | Refusal {
  const v = o[key];
  if (v === undefined || v === null) return null;
  if (typeof v !== 'number') return new Refusal('schema', `${key}: expected a number or null, got ${show(v)}`);
  const [min, max] = RANGES[field];
  if (!(v >= min && v <= max)) return new Refusal('out_of_range', `${key}: ${v} outside [${min}, ${max}]`);
  return v;
}

/** A required integer timestamp (the unit is the caller's: ms for our contract, s for OwnTracks). */
export function requiredInteger(o: Record<string, unknown>, key: string): number | Refusal {
  const v = o[key];
  if (typeof v !== 'number') {
    return new Refusal('schema', v === undefined ? `${key}: required` : `${key}: expected an integer, got ${show(v)}`);
  }
  if (!Number.isSafeInteger(v)) return new Refusal('schema', `${key}: expected an integer, got ${v}`);
  return v;
}
