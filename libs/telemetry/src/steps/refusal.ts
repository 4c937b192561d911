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
    s = v === undefined ? 'undefined' : JSON.stringify(v);
  } catch {
    // too deep to serialise (JSON.parse accepts nesting that JSON.stringify overflows on)
    s = Array.isArray(v) ? '[deeply nested array]' : '{deeply nested object}';
  }
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}
