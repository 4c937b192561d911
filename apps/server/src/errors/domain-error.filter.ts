import { ArgumentsHost, Catch, type ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import { DomainError } from '@rescue/common';
import { httpOf } from './http-status-of';

/** The one global filter: any DomainError that reaches a controller's caller becomes its HTTP answer. */
@Catch(DomainError)
export class DomainErrorFilter implements ExceptionFilter {
  catch(e: DomainError, host: ArgumentsHost): void {
    const { status, body } = httpOf(e);
    host.switchToHttp().getResponse<Response>().status(status).json(body);
  }
}
