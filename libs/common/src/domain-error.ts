/**
 * The one error model of the domain libraries: a refusal with a stable code that callers (the HTTP
 * layer, the CLIs, other libraries) branch on, never on the message, and details for the caller.
 * Which HTTP status a code means is decided in one place, the server's DomainErrorFilter.
 */
export class DomainError<C extends string = string> extends Error {
  constructor(
    readonly code: C,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Input refused at the boundary (a query parameter, a body field, an uploaded file): BAD_INPUT. */
export class BadInputError extends DomainError<'BAD_INPUT'> {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('BAD_INPUT', message, details);
  }
}

/** What the request names does not exist (or no longer: an expired job): NOT_FOUND. */
export class NotFoundError extends DomainError<'NOT_FOUND'> {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('NOT_FOUND', message, details);
  }
}
