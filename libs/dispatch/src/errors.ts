import { DomainError } from '@rescue/common';

/** Stable codes of dispatch refusals: clients branch on these, never on messages. */
export type DispatchErrorCode =
  | 'UNIT_NOT_FOUND'
  | 'TASK_NOT_FOUND'
  | 'UNIT_BUSY'
  | 'UNIT_NOT_AVAILABLE'
  | 'ILLEGAL_TRANSITION'
  | 'NEEDS_ASSIGNMENT'
  | 'NO_ACTIVE_TASK'
  | 'WRONG_TASK'
  | 'TASK_ENDED'
  | 'STALE_REPORT'
  | 'INCIDENT_NOT_ROUTABLE'
  | 'CALL_NOT_FOUND'
  | 'CALL_CLOSED'
  | 'CALL_NOT_PENDING'
  | 'HOSPITAL_NOT_FOUND'
  | 'NO_HOSPITAL_ACCESS';

/** A refusal of the dispatch domain; its HTTP status is decided by the server's DomainErrorFilter. */
export class DispatchError extends DomainError<DispatchErrorCode> {}
