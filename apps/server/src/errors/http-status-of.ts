import type { DomainError } from '@rescue/common';
import type { CoverageErrorCode } from '@rescue/coverage';
import type { DispatchErrorCode } from '@rescue/dispatch';
import type { RoutingErrorCode } from '@rescue/routing';

/** Every code a domain error can carry through HTTP; the table below must name each one. */
export type ServerErrorCode =
  | RoutingErrorCode
  | CoverageErrorCode
  | DispatchErrorCode
  | 'BAD_INPUT'
  | 'NOT_FOUND'
  | 'NOT_READY'
  | 'QUEUE_FULL'
  | 'NO_LEARNED_MODEL'
  | 'BAD_UNIT_ID'
  | 'NOT_PROVISIONED'
  | 'BAD_PHONE'
  | 'BUSY'
  | 'BAD_IMPORT'
  | 'BODY_TOO_LARGE';

/** The HTTP status of each code: the one place where domain refusals meet HTTP. */
export const HTTP_STATUS_OF: Readonly<Record<ServerErrorCode, number>> = {
  BAD_INPUT: 400,
  NOT_FOUND: 404,
  NOT_READY: 409,
  QUEUE_FULL: 429,
  // routing: a point or a path the road network cannot serve
  SNAP_TOO_FAR: 422,
  UNREACHABLE: 422,
  BAD_EXTRACT: 422,
  BAD_CACHE: 422,
  NO_LEARNED_MODEL: 409, // profile=learned before any model was built
  // coverage
  BAD_RULE: 400,
  BAD_AREAS: 400,
  BAD_DEMAND: 400,
  BAD_STATIONS: 400,
  NO_ROAD: 422,
  SOLVER_FAILED: 500,
  // dispatch
  UNIT_NOT_FOUND: 404,
  TASK_NOT_FOUND: 404,
  UNIT_BUSY: 409,
  UNIT_NOT_AVAILABLE: 409,
  ILLEGAL_TRANSITION: 409,
  NEEDS_ASSIGNMENT: 422,
  NO_ACTIVE_TASK: 409,
  WRONG_TASK: 409,
  TASK_ENDED: 409,
  STALE_REPORT: 409,
  INCIDENT_NOT_ROUTABLE: 422,
  // calls and the receiving hospital (board)
  CALL_NOT_FOUND: 404,
  CALL_CLOSED: 409,
  CALL_NOT_PENDING: 409,
  HOSPITAL_NOT_FOUND: 404,
  NO_HOSPITAL_ACCESS: 403,
  // unit credentials
  BAD_UNIT_ID: 400,
  NOT_PROVISIONED: 404,
  BAD_PHONE: 400, // JT/T 808 terminal phone
  // learning
  BUSY: 409, // a run already in progress
  // registry imports
  BAD_IMPORT: 400,
  BODY_TOO_LARGE: 413,
};

/** Status and body of a domain error (plain, so its spec runs without Nest): `{statusCode, code, message, ...details}`. */
export function httpOf(e: DomainError): { status: number; body: Record<string, unknown> } {
  const status = (HTTP_STATUS_OF as Readonly<Record<string, number>>)[e.code] ?? 500;
  return { status, body: { statusCode: status, code: e.code, message: e.message, ...e.details } };
}
