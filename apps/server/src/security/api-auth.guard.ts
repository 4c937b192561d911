import { type CanActivate, type ExecutionContext, HttpException, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { Counter, Registry } from 'prom-client';
import { type Access, type ApiKeyRing, decide } from '@rescue/security';
import { ACCESS, type ApiCaller, CALLER, QUERY_TOKEN } from './access.decorators';
import { presentedKey } from './presented-key';

export const API_KEY_RING = Symbol('API_KEY_RING');
const DEFAULT_ACCESS: Access = { kind: 'authenticated' };

/**
 * Global guard: every endpoint needs a known API key unless marked @Public; @Roles narrows it.
 * 401 (with WWW-Authenticate) for a missing or unknown key, 403 for a key of the wrong role.
 */
@Injectable()
export class ApiAuthGuard implements CanActivate {
  private readonly refused: Counter<'reason'>;

  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(API_KEY_RING) private readonly ring: ApiKeyRing,
    @Inject(Registry) registry: Registry,
  ) {
    this.refused = new Counter({ name: 'rc_api_auth_refused_total', help: 'API calls refused: missing or unknown key (401), wrong role (403)', labelNames: ['reason'], registers: [registry] });
    for (const r of ['missing', 'unknown', 'role']) this.refused.inc({ reason: r }, 0);
  }

  canActivate(ctx: ExecutionContext): boolean {
    if (ctx.getType() !== 'http') return true;
    const targets = [ctx.getHandler(), ctx.getClass()];
    const access = this.reflector.getAllAndOverride<Access | undefined>(ACCESS, targets) ?? DEFAULT_ACCESS;
    if (access.kind === 'public') return true;
    const req = ctx.switchToHttp().getRequest<Request & Record<symbol, ApiCaller | undefined>>();
    const key = presentedKey(req, this.reflector.get<boolean | undefined>(QUERY_TOKEN, ctx.getHandler()) === true);
    const entry = key === undefined ? undefined : this.ring.find(key);
    const d = decide(access, entry === undefined ? undefined : (entry?.role ?? null));
    if (!d.allow) {
      this.refused.inc({ reason: d.reason });
      if (d.status === 401) ctx.switchToHttp().getResponse<Response>().setHeader('WWW-Authenticate', 'Bearer realm="rescue-circle"');
      throw new HttpException({ statusCode: d.status, code: d.status === 401 ? 'UNAUTHENTICATED' : 'FORBIDDEN', message: d.message }, d.status);
    }
    if (entry) req[CALLER] = { name: entry.name, role: entry.role };
    return true;
  }
}
