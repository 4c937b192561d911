import { createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';
import type { Access, Role } from '@rescue/security';

export const ACCESS = 'rc:access';
export const QUERY_TOKEN = 'rc:query-token';

/** Open to anyone: probes, the console's static files, the OpenAPI page. Never for personal data. */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata<string, Access>(ACCESS, { kind: 'public' });

/** Only these roles (admin always passes). Without a decorator, any valid key may call (reading). */
export const Roles = (...roles: Role[]): MethodDecorator & ClassDecorator => SetMetadata<string, Access>(ACCESS, { kind: 'roles', roles });

/**
 * The key may also come as `?access_token=`: only for the SSE stream, because a browser's EventSource
 * cannot set headers. Query strings end up in proxies' logs, so nowhere else.
 */
export const AllowQueryToken = (): MethodDecorator => SetMetadata(QUERY_TOKEN, true);

/** Who called: the key's name and role, set on the request by the guard. */
export interface ApiCaller {
  name: string;
  role: Role;
}

export const CALLER = Symbol('rc:caller');

/** The authenticated caller of this request (the guard ran before, so it is there). */
export const Caller = createParamDecorator((_: unknown, ctx: ExecutionContext): ApiCaller => {
  const caller = (ctx.switchToHttp().getRequest<Record<symbol, ApiCaller | undefined>>())[CALLER];
  if (!caller) throw new Error('no authenticated caller on this request (endpoint is @Public?)');
  return caller;
});

/** How an API caller is named in the audit trail. */
export const auditActor = (c: ApiCaller): string => `key:${c.name}`;
