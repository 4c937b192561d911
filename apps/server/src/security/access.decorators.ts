import { createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';
import type { Access, Role } from '@rescue/security';

export const ACCESS = 'rc:access';
export const QUERY_TOKEN = 'rc:query-token';

/** Open to anyone: probes, the console's static files, the OpenAPI page. Never for personal data. */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata<string, Access>(ACCESS, { kind: 'public' });

/** Only these roles (admin always passes). Without a decorator, any valid key may call but an auditor (reading). */
export const Roles = (...roles: Role[]): MethodDecorator & ClassDecorator => SetMetadata<string, Access>(ACCESS, { kind: 'roles', roles });

/** Only these roles, admin not included: the audit trail, the auditor's alone (separation of duties). */
export const OnlyRoles = (...roles: Role[]): MethodDecorator & ClassDecorator => SetMetadata<string, Access>(ACCESS, { kind: 'roles', roles, exclusive: true });

/** Any known caller about itself (who am I, logout, password, second factor): the auditor included. */
export const Self = (): MethodDecorator & ClassDecorator => SetMetadata<string, Access>(ACCESS, { kind: 'self' });

/**
 * Any caller, the outside roles too (a receiving hospital): for what holds nobody's data and the
 * console needs to draw its map (basemap, stations, status labels, who am I).
 */
export const OpenToOutside = (): MethodDecorator => SetMetadata<string, Access>(ACCESS, { kind: 'authenticated', outside: true });

/**
 * The key may also come as `?access_token=`: only for the SSE stream, because a browser's EventSource
 * cannot set headers. Query strings end up in proxies' logs, so nowhere else.
 */
export const AllowQueryToken = (): MethodDecorator => SetMetadata(QUERY_TOKEN, true);

/**
 * Reachable by a person whose password must be changed first (first login, reset, expired): the auth
 * endpoints themselves. Everything else answers 403 PASSWORD_CHANGE_REQUIRED until it is changed.
 */
export const PASSWORD_CHANGE_EXEMPT = 'rc:password-change-exempt';
export const PasswordChangeExempt = (): MethodDecorator => SetMetadata(PASSWORD_CHANGE_EXEMPT, true);

/**
 * Who called, set on the request by the guard: a machine's API key (`key`) or a person's session
 * (`user`), by name, with its role. `sessionHash`: the session's token hash (people only).
 */
export interface ApiCaller {
  kind: 'key' | 'user';
  name: string;
  role: Role;
  sessionHash?: string;
  mustChangePassword?: boolean;
}

export const CALLER = Symbol('rc:caller');

/** The authenticated caller of this request (the guard ran before, so it is there). */
export const Caller = createParamDecorator((_: unknown, ctx: ExecutionContext): ApiCaller => {
  const caller = (ctx.switchToHttp().getRequest<Record<symbol, ApiCaller | undefined>>())[CALLER];
  if (!caller) throw new Error('no authenticated caller on this request (endpoint is @Public?)');
  return caller;
});

/** How a caller is named in the audit trail: `key:<key name>` for a machine, `user:<username>` for a person. */
export const auditActor = (c: ApiCaller): string => `${c.kind}:${c.name}`;
