import type { Optimize } from '@rescue/routing';

/** Query-string parsing for /routing/route, kept apart so the controller stays thin and it is testable. */
export class QueryError extends Error {}

export function parseLatLon(name: string, raw: unknown): [number, number] {
  if (typeof raw !== 'string' || raw.trim() === '') throw new QueryError(`${name}: required, as lat,lon`);
  const parts = raw.split(',');
  const nums = parts.map((p) => (p.trim() === '' ? Number.NaN : Number(p)));
  if (parts.length !== 2 || nums.some((n) => !Number.isFinite(n))) throw new QueryError(`${name}=${raw}: expected lat,lon in decimal degrees`);
  const [lat, lon] = nums as [number, number];
  if (Math.abs(lat) > 90 || Math.abs(lon) > 180) throw new QueryError(`${name}=${raw}: latitude must be in [-90, 90] and longitude in [-180, 180]`);
  return [lat, lon];
}

export function parseOptimize(raw: unknown): Optimize {
  if (raw === undefined || raw === '') return 'time';
  if (raw === 'time' || raw === 'distance') return raw;
  throw new QueryError(`optimize=${String(raw)}: expected time or distance`);
}
