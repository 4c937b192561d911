import { DomainError } from '@rescue/common';

/** Stable codes: callers (HTTP, dispatch) branch on these, never on messages. */
export type RoutingErrorCode =
  | 'SNAP_TOO_FAR' // no drivable road within the snap limit
  | 'UNREACHABLE' // both points snapped, but no road path (island, one-way trap, beyond the time limit)
  | 'BAD_EXTRACT' // the OSM file cannot be read or has no drivable road
  | 'BAD_CACHE' // a cache file is truncated or of another format; it is rebuilt
  | 'BAD_INPUT'; // coordinates or options out of range

export class RoutingError extends DomainError<RoutingErrorCode> {}
