import { BadInputError } from '@rescue/common';
/** Query parsing of GET /units/:id/track, plain so the fuzz spec runs it; a refusal is a BadInputError (400). */

export const UNIT_ID = /^[A-Za-z0-9_-]{1,64}$/;
const DEFAULT_TRACK_WINDOW_MS = 3600_000;
/** From 1970 to the end of 9999: beyond, new Date(t).toISOString() throws and PostgreSQL refuses. */
const MAX_TIME_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/** [from, to) in epoch ms; both optional (default: the hour before now). */
export function parseTrackQuery(id: string, fromQ: unknown, toQ: unknown, now: number): { from: number; to: number } {
  if (!UNIT_ID.test(id)) throw new BadInputError(`unit id must match ${UNIT_ID}`);
  const to = fromQ === undefined && toQ === undefined ? now : parseTime('to', toQ, now);
  const from = parseTime('from', fromQ, to - DEFAULT_TRACK_WINDOW_MS);
  if (from >= to) throw new BadInputError('`from` must be before `to`');
  return { from, to };
}

function parseTime(name: string, raw: unknown, fallback: number): number {
  if (raw === undefined || raw === '') return fallback;
  if (typeof raw !== 'string') throw new BadInputError(`\`${name}\`: give it once, as ISO 8601 or epoch ms`);
  const t = /^\d+$/.test(raw) ? Number(raw) : Date.parse(raw);
  if (!Number.isFinite(t) || t < 0 || t > MAX_TIME_MS) throw new BadInputError(`\`${name}\` is not a time from 1970 to 9999 (ISO 8601 or epoch ms): ${raw}`);
  return t;
}
