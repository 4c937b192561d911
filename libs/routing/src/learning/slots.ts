/**
 * Time slots of learned speeds. The finest is the hour of the week in the centre's local time
 * (China has one zone, UTC+8, no daylight saving; other deployments pass their offset). Where an
 * hour of the week has little data, the estimate leans on the same hour of a weekday/weekend day,
 * then on the edge's all-day figure, then on the static profile (see speed-model.ts).
 */
export const HOURS_PER_WEEK = 168;
export const CHINA_UTC_OFFSET_MIN = 480;

/** Hour of the week, 0 = Monday 00:00–00:59 local time. */
export function hourOfWeek(epochMs: number, utcOffsetMin = CHINA_UTC_OFFSET_MIN): number {
  const local = new Date(epochMs + utcOffsetMin * 60000);
  const dow = (local.getUTCDay() + 6) % 7; // Monday 0 … Sunday 6
  return dow * 24 + local.getUTCHours();
}

/** Coarser slot of an hour of the week: hour of day on weekdays (0–23) or weekends (24–47). */
export function dayTypeHour(how: number): number {
  const dow = Math.floor(how / 24);
  return (dow >= 5 ? 24 : 0) + (how % 24);
}
