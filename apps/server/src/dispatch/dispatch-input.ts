import { BadInputError } from '@rescue/common';
import { toWgs84 as datumToWgs84 } from '@rescue/telemetry';
import type { LocationDto } from './dispatch.dto';

/**
 * The checks the dispatch routes make after the validation pipe, in plain TypeScript so the body fuzz
 * spec runs them too. A refusal is a BadInputError (400).
 */

/** The times a task can carry: from 1970 to the end of 9999 (beyond, Date and PostgreSQL disagree or fail). */
export const MAX_TIME_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/** An ISO 8601 time (body field or query parameter), or `fallback` when absent. */
export function requestTime(name: string, raw: unknown, fallback: number): number {
  if (raw === undefined || raw === '') return fallback;
  const t = typeof raw === 'string' ? Date.parse(raw) : Number.NaN;
  if (!Number.isFinite(t) || t < 0 || t > MAX_TIME_MS) throw new BadInputError(`\`${name}\` is not an ISO 8601 time from 1970 to 9999: ${String(raw)}`);
  return t;
}

/** Stored WGS-84; the caller's system and its original numbers are kept with the task. */
export function toWgs84(l: LocationDto): { lat: number; lon: number; crs: string; inputLat: number; inputLon: number } {
  const crs = l.crs ?? 'WGS84';
  const p = datumToWgs84({ lat: l.lat, lon: l.lon }, crs);
  return { lat: p.lat, lon: p.lon, crs, inputLat: l.lat, inputLon: l.lon };
}

/** Aborting a task needs a reason (domain.md: cancellation or abort reason). */
export function checkTaskEvent(status: string, reason: string | undefined): void {
  if (status === 'aborted' && !reason) throw new BadInputError('aborting a task needs a reason');
}
