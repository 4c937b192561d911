import type { RejectReason } from '../types';

/**
 * What a step returns when it refuses something. A class (not a plain object) so callers can tell it
 * from a decoded JSON value with one instanceof; allocated only on refusal, never for accepted input.
 */
export class Refusal {
  constructor(
    readonly reason: RejectReason,
    readonly detail: string,
  ) {}
}

/** Short JSON of an offending value for a detail message (bounded: details go to the dead-letter table). */
export function show(v: unknown): string {
  let s: string;
  try {
    if (nestedDeeperThan(v, MAX_SERIALISED_DEPTH)) throw new RangeError('too deep');
    s = v === undefined ? 'undefined' : JSON.stringify(v);
  } catch {
    // too deep to serialise (JSON.parse accepts nesting that JSON.stringify overflows on)
    s = Array.isArray(v) ? '[deeply nested array]' : '{deeply nested object}';
  }
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

/**
 * Nesting beyond which a decoded value is not re-serialised. JSON.parse accepts any depth, JSON.stringify
 * overflows the stack near 4,000 levels, and each overflow costs ~10 ms (the RangeError's stack): a
 * 256 KiB array of deep elements cost ~0.5 s of CPU per message before this check (found by fuzzing).
 */
export const MAX_SERIALISED_DEPTH = 1000;

/** Iterative (no recursion, so no overflow of its own); stops at the first path deeper than max. */
export function nestedDeeperThan(v: unknown, max: number): boolean {
  if (typeof v !== 'object' || v === null) return false;
  const stack: Array<[unknown, number]> = [[v, 1]];
  while (stack.length > 0) {
    const [x, d] = stack.pop()!;
    if (d > max) return true;
    const children = Array.isArray(x) ? x : Object.values(x as Record<string, unknown>);
    for (const c of children) if (typeof c === 'object' && c !== null) stack.push([c, d + 1]);
  }
  return false;
}
