import { ArgumentsHost, Catch, ExceptionFilter, HttpStatus } from '@nestjs/common';
import type { Response } from 'express';

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
  | 'INCIDENT_NOT_ROUTABLE';

/** A refusal of the dispatch domain with a stable code; HTTP status only at the edge. */
export class DispatchError extends Error {
  constructor(readonly code: DispatchErrorCode, message: string, readonly details: Record<string, unknown> = {}) {
    super(message);
  }
}

const STATUS: Record<DispatchErrorCode, number> = {
  UNIT_NOT_FOUND: HttpStatus.NOT_FOUND,
  TASK_NOT_FOUND: HttpStatus.NOT_FOUND,
  UNIT_BUSY: HttpStatus.CONFLICT,
  UNIT_NOT_AVAILABLE: HttpStatus.CONFLICT,
  ILLEGAL_TRANSITION: HttpStatus.CONFLICT,
  NEEDS_ASSIGNMENT: HttpStatus.UNPROCESSABLE_ENTITY,
  NO_ACTIVE_TASK: HttpStatus.CONFLICT,
  WRONG_TASK: HttpStatus.CONFLICT,
  TASK_ENDED: HttpStatus.CONFLICT,
  STALE_REPORT: HttpStatus.CONFLICT,
  INCIDENT_NOT_ROUTABLE: HttpStatus.UNPROCESSABLE_ENTITY,
};

@Catch(DispatchError)
export class DispatchErrorFilter implements ExceptionFilter {
  catch(e: DispatchError, host: ArgumentsHost): void {
    const status = STATUS[e.code];
    host.switchToHttp().getResponse<Response>().status(status).json({ statusCode: status, code: e.code, message: e.message, ...e.details });
  }
}
