import { type CanActivate, type ExecutionContext, HttpException, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { Counter, Registry } from 'prom-client';
import { type Access, type ApiKeyRing, decide, isSessionToken } from '@rescue/security';
import { sessionCookie } from '../accounts/session-cookie';
import { SessionService } from '../accounts/session.service';
import { ACCESS, type ApiCaller, CALLER, PASSWORD_CHANGE_EXEMPT, QUERY_TOKEN } from './access.decorators';
import { presentedKey } from './presented-key';

export const API_KEY_RING = Symbol('API_KEY_RING');
const DEFAULT_ACCESS: Access = { kind: 'authenticated' };

const SESSION_MESSAGES = {
  unknown: 'the session is not known (logged out?): log in again',
  idle: 'the session ended after being idle: log in again',
  max_age: 'the session reached its maximum lifetime: log in again',
  disabled: 'the account is disabled',
} as const;

/**
 * Global guard: every endpoint needs a caller unless marked @Public; @Roles narrows it. A caller is a
 * machine with an API key (`Authorization: Bearer rc_…` or `X-API-Key`) or a person with a session
 * (`Authorization: Bearer rcs_…`, or the console's session cookie). 401 (with WWW-Authenticate) for a
 * missing, unknown or expired credential, 403 for the wrong role, and 403 PASSWORD_CHANGE_REQUIRED for a
 * person who must change their password first.
 */
@Injectable()
export class ApiAuthGuard implements CanActivate {
  private readonly refused: Counter<'reason'>;

  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(API_KEY_RING) private readonly ring: ApiKeyRing,
    @Inject(SessionService) private readonly sessions: SessionService,
    @Inject(Registry) registry: Registry,
  ) {
    this.refused = new Counter({ name: 'rc_api_auth_refused_total', help: 'API calls refused: missing, unknown or expired credential (401), wrong role or password change pending (403)', labelNames: ['reason'], registers: [registry] });
    for (const r of ['missing', 'unknown', 'role', 'session_idle', 'session_max_age', 'password_change']) this.refused.inc({ reason: r }, 0);
  }

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    if (ctx.getType() !== 'http') return true;
    const targets = [ctx.getHandler(), ctx.getClass()];
    const access = this.reflector.getAllAndOverride<Access | undefined>(ACCESS, targets) ?? DEFAULT_ACCESS;
    if (access.kind === 'public') return true;
    const req = ctx.switchToHttp().getRequest<Request & Record<symbol, ApiCaller | undefined>>();
    const res = ctx.switchToHttp().getResponse<Response>();
    const presented = presentedKey(req, this.reflector.get<boolean | undefined>(QUERY_TOKEN, ctx.getHandler()) === true);
    const session = presented !== undefined ? (isSessionToken(presented) ? presented : undefined) : sessionCookie(req);
    let caller: ApiCaller | null | undefined;
    if (session !== undefined) {
      const r = await this.sessions.resolve(session);
      if ('refused' in r) {
        // An expired or ended session is refused even on an endpoint any caller may reach, so the console knows to log in again.
        const code = r.refused === 'idle' ? 'SESSION_IDLE' : r.refused === 'max_age' ? 'SESSION_EXPIRED' : 'UNAUTHENTICATED';
        this.refuse(res, 401, r.refused === 'idle' || r.refused === 'max_age' ? `session_${r.refused}` : 'unknown', code, SESSION_MESSAGES[r.refused]);
      }
      caller = r.caller;
    } else if (presented !== undefined) {
      const entry = this.ring.find(presented);
      caller = entry ? { kind: 'key', name: entry.name, role: entry.role } : null;
    }
    const d = decide(access, caller === undefined ? undefined : (caller?.role ?? null));
    if (!d.allow) this.refuse(res, d.status, d.reason, d.status === 401 ? 'UNAUTHENTICATED' : 'FORBIDDEN', d.message);
    if (caller?.mustChangePassword && this.reflector.get<boolean | undefined>(PASSWORD_CHANGE_EXEMPT, ctx.getHandler()) !== true) {
      this.refuse(res, 403, 'password_change', 'PASSWORD_CHANGE_REQUIRED', '请先修改密码 / change your password first: POST /auth/password');
    }
    if (caller) req[CALLER] = caller;
    return true;
  }

  private refuse(res: Response, status: 401 | 403, reason: string, code: string, message: string): never {
    this.refused.inc({ reason });
    if (status === 401) res.setHeader('WWW-Authenticate', 'Bearer realm="rescue-circle"');
    throw new HttpException({ statusCode: status, code, message }, status);
  }
}
