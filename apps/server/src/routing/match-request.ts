import type { MatchOptions, TrackPoint } from '@rescue/routing';
import { BadInputError } from '@rescue/common';

/** Most fixes one POST /routing/match may carry: an hour at 1 Hz plus margin, about a second of CPU. */
export const MATCH_MAX_POINTS = 5000;

export interface MatchRequest {
  points: TrackPoint[];
  options: MatchOptions;
}

/**
 * Body of POST /routing/match: {points: [{lat, lon, ts}], sigmaM?}. ts is epoch milliseconds or an
 * ISO 8601 string, on every point or on none (without times the match has no speed bound and no
 * edge times); times must not go back.
 */
export function parseMatchBody(body: unknown): MatchRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new BadInputError('body: expected {points: [{lat, lon, ts}]}');
  const b = body as Record<string, unknown>;
  for (const k of Object.keys(b)) if (k !== 'points' && k !== 'sigmaM') throw new BadInputError(`${k}: unknown field (expected points, sigmaM)`);
  const raw = b['points'];
  if (!Array.isArray(raw)) throw new BadInputError('points: required, an array of {lat, lon, ts}');
  if (raw.length < 2) throw new BadInputError('points: at least 2 fixes are needed to match a track');
  if (raw.length > MATCH_MAX_POINTS) throw new BadInputError(`points: at most ${MATCH_MAX_POINTS} fixes per request (got ${raw.length}); split the track`);
  const points: TrackPoint[] = [];
  let timed: boolean | null = null;
  raw.forEach((p: unknown, i) => {
    if (typeof p !== 'object' || p === null || Array.isArray(p)) throw new BadInputError(`points[${i}]: expected {lat, lon, ts}`);
    const o = p as Record<string, unknown>;
    for (const k of Object.keys(o)) if (k !== 'lat' && k !== 'lon' && k !== 'ts') throw new BadInputError(`points[${i}].${k}: unknown field`);
    const { lat, lon } = o;
    if (typeof lat !== 'number' || !Number.isFinite(lat) || Math.abs(lat) > 90) throw new BadInputError(`points[${i}].lat: a number in [-90, 90]`);
    if (typeof lon !== 'number' || !Number.isFinite(lon) || Math.abs(lon) > 180) throw new BadInputError(`points[${i}].lon: a number in [-180, 180]`);
    const ts = parseTs(o['ts'], i);
    if (timed === null) timed = ts !== undefined;
    else if (timed !== (ts !== undefined)) throw new BadInputError(`points[${i}].ts: give ts on every point or on none`);
    if (ts !== undefined && i > 0 && ts < points[i - 1]!.ts!) throw new BadInputError(`points[${i}].ts: earlier than points[${i - 1}]; sort the fixes by time`);
    points.push(ts === undefined ? { lat, lon } : { lat, lon, ts });
  });
  const options: MatchOptions = {};
  if (b['sigmaM'] !== undefined) {
    const s = b['sigmaM'];
    if (typeof s !== 'number' || !Number.isFinite(s) || s < 1 || s > 100) throw new BadInputError('sigmaM: GPS noise in metres, 1–100 (omit to estimate it from the track)');
    options.sigmaM = s;
  }
  return { points, options };
}

function parseTs(raw: unknown, i: number): number | undefined {
  if (raw === undefined || raw === null) return undefined;
  const ts = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(raw) ? Date.parse(raw) : Number.NaN;
  // 2000-01-01 .. 2100-01-01: catches seconds sent where milliseconds are expected.
  if (!Number.isFinite(ts) || ts < 946684800000 || ts > 4102444800000) throw new BadInputError(`points[${i}].ts: epoch milliseconds or an ISO 8601 time between 2000 and 2100`);
  return ts;
}
