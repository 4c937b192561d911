import { UNIT_STATUSES } from '@rescue/contracts';
import { STRIPPED_KEYS } from './through-pipe';

/**
 * Hand-written statements of what each dispatch body may be, independent of class-validator: the fuzz
 * spec checks that nothing the pipe accepts breaks them (soundness), and that bodies built to satisfy
 * them are accepted (completeness).
 */
type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const absent = (v: unknown): boolean => v === undefined || v === null; // @IsOptional() skips both
/**
 * Keys the pipe drops rather than refuses: Nest strips __proto__, prototype and constructor, and
 * class-transformer skips a key naming a function the instance inherits (toString, valueOf, …).
 */
const dropped = (k: string): boolean => STRIPPED_KEYS.includes(k) || typeof (Object.prototype as Record<string, unknown>)[k] === 'function';
const keysWithin = (o: Obj, allowed: string[]): boolean => Object.keys(o).every((k) => allowed.includes(k) || dropped(k));
const intIn = (v: unknown, lo: number, hi: number): boolean => typeof v === 'number' && Number.isInteger(v) && v >= lo && v <= hi;
const CAPABILITY = /^[a-z][a-z0-9-]{0,39}$/;

export function validLocation(v: unknown): boolean {
  return (
    isObj(v) && keysWithin(v, ['lat', 'lon', 'crs']) &&
    typeof v['lat'] === 'number' && Number.isFinite(v['lat']) && Math.abs(v['lat']) <= 90 &&
    typeof v['lon'] === 'number' && Number.isFinite(v['lon']) && Math.abs(v['lon']) <= 180 &&
    (absent(v['crs']) || v['crs'] === 'WGS84' || v['crs'] === 'GCJ02' || v['crs'] === 'BD09')
  );
}

const validCapabilities = (v: unknown): boolean => absent(v) || (Array.isArray(v) && v.length <= 10 && v.every((c) => typeof c === 'string' && CAPABILITY.test(c)));
/** Soundness only for times: class-validator's ISO 8601 and Date.parse differ at the edges; the controller needs the latter. */
const timeOk = (v: unknown): boolean => absent(v) || (typeof v === 'string' && Date.parse(v) >= 0 && Date.parse(v) <= Date.UTC(9999, 11, 31, 23, 59, 59, 999));

export function validRecommendation(b: unknown): boolean {
  return isObj(b) && keysWithin(b, ['location', 'priority', 'requiredCapabilities', 'limit']) && validLocation(b['location']) &&
    (absent(b['priority']) || intIn(b['priority'], 1, 4)) && validCapabilities(b['requiredCapabilities']) && (absent(b['limit']) || intIn(b['limit'], 1, 50));
}

export function validCreateTask(b: unknown): boolean {
  return isObj(b) && keysWithin(b, ['unitId', 'location', 'priority', 'emergency', 'requiredCapabilities', 'callTakenAt']) && validLocation(b['location']) &&
    (absent(b['unitId']) || (typeof b['unitId'] === 'string' && /^[A-Za-z0-9_-]{1,64}$/.test(b['unitId']))) &&
    (absent(b['priority']) || intIn(b['priority'], 1, 4)) && (absent(b['emergency']) || typeof b['emergency'] === 'boolean') &&
    validCapabilities(b['requiredCapabilities']) && timeOk(b['callTakenAt']);
}

export function validTaskEvent(b: unknown): boolean {
  return isObj(b) && keysWithin(b, ['status', 'ts', 'reason']) && (UNIT_STATUSES as readonly unknown[]).includes(b['status']) && timeOk(b['ts']) &&
    (absent(b['reason']) || (typeof b['reason'] === 'string' && b['reason'].length <= 1000)) && // MaxLength counts a surrogate pair once
    (b['status'] !== 'aborted' || (typeof b['reason'] === 'string' && b['reason'] !== ''));
}
