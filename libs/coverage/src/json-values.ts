/**
 * Reading numbers and names out of uploaded JSON (GeoJSON properties, coordinates). String() and
 * Number() throw a TypeError on an object such as {"toString": 0}, which a request body can carry,
 * so only strings, numbers and booleans are converted; anything else is "not given" (null / NaN)
 * and the caller refuses it with the field's name.
 */
export function asNumber(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.trim() !== '') return Number(v);
  return Number.NaN;
}

export function asText(v: unknown): string | null {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return null;
}

/** A value quoted into an error message, short and never throwing. */
export function quoted(v: unknown): string {
  const s = typeof v === 'string' ? v : (JSON.stringify(v) ?? String(typeof v));
  return s.length > 60 ? `${s.slice(0, 60)}…` : s;
}
