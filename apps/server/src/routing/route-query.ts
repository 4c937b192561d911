import { BadInputError } from '@rescue/common';
import type { Optimize } from '@rescue/routing';

/** Query-string parsing for /routing/route, kept apart so the controller stays thin and it is testable; a refusal is a BadInputError. */

export function parseLatLon(name: string, raw: unknown): [number, number] {
  if (typeof raw !== 'string' || raw.trim() === '') throw new BadInputError(`${name}: required, as lat,lon`);
  const parts = raw.split(',');
  const nums = parts.map((p) => (p.trim() === '' ? Number.NaN : Number(p)));
  if (parts.length !== 2 || nums.some((n) => !Number.isFinite(n))) throw new BadInputError(`${name}=${raw}: expected lat,lon in decimal degrees`);
  const [lat, lon] = nums as [number, number];
  if (Math.abs(lat) > 90 || Math.abs(lon) > 180) throw new BadInputError(`${name}=${raw}: latitude must be in [-90, 90] and longitude in [-180, 180]`);
  return [lat, lon];
}

export function parseOptimize(raw: unknown): Optimize {
  if (raw === undefined || raw === '') return 'time';
  if (raw === 'time' || raw === 'distance') return raw;
  throw new BadInputError(`optimize=${String(raw)}: expected time or distance`);
}

export function parseProfile(raw: unknown): 'static' | 'learned' {
  if (raw === undefined || raw === '') return 'static';
  if (raw === 'static' || raw === 'learned') return raw;
  throw new BadInputError(`profile=${String(raw)}: expected static or learned`);
}

export function parseTripKind(raw: unknown): 'emergency' | 'other' {
  if (raw === undefined || raw === '') return 'emergency';
  if (raw === 'emergency' || raw === 'other') return raw;
  throw new BadInputError(`trip=${String(raw)}: expected emergency or other`);
}

/** ISO 8601 time of the trip (learned times depend on the hour of the week); default now. */
export function parseAt(raw: unknown): number {
  if (raw === undefined || raw === '') return Date.now();
  const t = typeof raw === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(raw) ? Date.parse(raw) : Number.NaN;
  if (!Number.isFinite(t)) throw new BadInputError(`at=${String(raw)}: expected an ISO 8601 time such as 2026-01-05T08:00:00+08:00`);
  return t;
}
