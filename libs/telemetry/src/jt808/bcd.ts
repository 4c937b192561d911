/** BCD digits of bytes[start, start+len), or null if a nibble is not a decimal digit. */
export function bcd(bytes: Uint8Array, start: number, len: number): string | null {
  let s = '';
  for (let i = start; i < start + len; i++) {
    const b = bytes[i]!;
    const hi = b >> 4;
    const lo = b & 0x0f;
    if (hi > 9 || lo > 9) return null;
    s += String.fromCharCode(48 + hi, 48 + lo);
  }
  return s;
}

const BEIJING_OFFSET_MS = 8 * 3600_000;

/**
 * YYMMDDhhmmss in Beijing time (UTC+8, no daylight saving since 1991) → epoch ms UTC; null if it is not
 * a real calendar time (e.g. all zeros from a terminal that never had a fix). Years are 2000-2099.
 */
export function beijingBcdTimeToUtc(t: string): number | null {
  const y = 2000 + Number(t.slice(0, 2));
  const mo = Number(t.slice(2, 4));
  const d = Number(t.slice(4, 6));
  const h = Number(t.slice(6, 8));
  const mi = Number(t.slice(8, 10));
  const s = Number(t.slice(10, 12));
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 59) return null;
  const local = Date.UTC(y, mo - 1, d, h, mi, s);
  if (new Date(local).getUTCDate() !== d) return null; // 31 February and the like
  return local - BEIJING_OFFSET_MS;
}
