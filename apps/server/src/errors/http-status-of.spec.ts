import { BadInputError, DomainError, NotFoundError } from '@rescue/common';
import { CoverageError } from '@rescue/coverage';
import { DispatchError } from '@rescue/dispatch';
import { RoutingError } from '@rescue/routing';
import { ImportError, MappingError, TableError } from '@rescue/registry';
import { QueueFullError } from '../coverage/coverage-jobs';
import { httpOf } from './http-status-of';

/** The statuses and bodies clients already rely on (test/dispatch, test/routing, test/coverage, http-input). */
describe('domain errors → HTTP, in one table', () => {
  it.each<[string, DomainError, number]>([
    ['bad input (any parser)', new BadInputError('from: required, as lat,lon'), 400],
    ['not found', new NotFoundError('analysis x: unknown or expired'), 404],
    ['a job result not ready', new DomainError('NOT_READY', 'analysis x has not finished'), 409],
    ['the job queue full', new QueueFullError('8 coverage jobs already waiting'), 429],
    ['routing: bad input', new RoutingError('BAD_INPUT', 'lat out of range'), 400],
    ['routing: too far from a road', new RoutingError('SNAP_TOO_FAR', 'nearest road 900 m'), 422],
    ['routing: no path', new RoutingError('UNREACHABLE', 'no path'), 422],
    ['coverage: a bad rule', new CoverageError('BAD_RULE', 'unknown rule x'), 400],
    ['coverage: a station off the roads', new CoverageError('NO_ROAD', 'station S off the network'), 422],
    ['coverage: the solver failed', new CoverageError('SOLVER_FAILED', 'no solution'), 500],
    ['dispatch: unknown unit', new DispatchError('UNIT_NOT_FOUND', 'unknown unit X'), 404],
    ['dispatch: unit busy', new DispatchError('UNIT_BUSY', 'unit X is on task T'), 409],
    ['dispatch: order_received without assignment', new DispatchError('NEEDS_ASSIGNMENT', 'use POST /tasks'), 422],
    ['dispatch: incident off the roads', new DispatchError('INCIDENT_NOT_ROUTABLE', 'too far'), 422],
    // the server's own classes (Jt808DirectoryError, LearningBusyError, ImportTooLarge) load Nest: their codes here
    ['JT/T 808: a bad phone', new DomainError('BAD_PHONE', '"0" is not a terminal phone'), 400],
    ['JT/T 808: no active terminal to revoke', new DomainError('NOT_PROVISIONED', 'unit X has no active JT/T 808 terminal'), 404],
    ['learning: a run in progress', new DomainError('BUSY', 'a learning run is already in progress'), 409],
    ['registry: a bad file', new ImportError('row 3: lat missing'), 400],
    ['registry: an unreadable table', new TableError('not a CSV'), 400],
    ['registry: a bad mapping', new MappingError('mapping: not valid JSON'), 400],
    ['registry: an upload over the limit', new DomainError('BODY_TOO_LARGE', 'file larger than 10 bytes'), 413],
    ['a code without a row (a bug)', new DomainError('SOMETHING_NEW', 'x'), 500],
  ])('%s', (_case, e, status) => {
    expect(httpOf(e)).toEqual({ status, body: { statusCode: status, code: e.code, message: e.message } });
  });

  it('details travel in the body beside the code', () => {
    const e = new DispatchError('UNIT_BUSY', 'unit A1 is on task T-1', { taskId: 'T-1' });
    expect(httpOf(e).body).toEqual({ statusCode: 409, code: 'UNIT_BUSY', message: 'unit A1 is on task T-1', taskId: 'T-1' });
  });

  it('every library error is a DomainError, with its own name', () => {
    for (const e of [new RoutingError('UNREACHABLE', 'x'), new CoverageError('NO_ROAD', 'x'), new DispatchError('TASK_ENDED', 'x'), new BadInputError('x')]) {
      expect(e).toBeInstanceOf(DomainError);
      expect(e.name).toBe(e.constructor.name);
    }
  });
});
