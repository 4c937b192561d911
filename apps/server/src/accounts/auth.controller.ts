import { BadRequestException, Body, Controller, Get, HttpCode, HttpException, Inject, Post, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { AppConfig } from '@rescue/config';
import { AccountsRepository, AuditRepository } from '@rescue/persistence';
import { accountPasswordProblem, hashAccountPassword, verifyAccountPassword } from '@rescue/security';
import { APP_CONFIG } from '../config.module';
import { type ApiCaller, auditActor, Caller, PasswordChangeExempt, Public } from '../security/access.decorators';
import { ChangePasswordDto, LoginDto } from './accounts.dto';
import { LoginService } from './login.service';
import { clearSessionCookie, sessionCookie, setSessionCookie } from './session-cookie';
import { SessionService } from './session.service';

/** People's login (POST /auth/login), logout, who am I, and changing one's own password. */
@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(
    @Inject(LoginService) private readonly logins: LoginService,
    @Inject(SessionService) private readonly sessions: SessionService,
    @Inject(AccountsRepository) private readonly accounts: AccountsRepository,
    @Inject(AuditRepository) private readonly audit: AuditRepository,
    @Inject(APP_CONFIG) private readonly cfg: AppConfig,
  ) {}

  @Public()
  @Post('login')
  @HttpCode(200)
  @ApiOperation({ summary: 'Log in with a personal account: a session cookie (console), or with {bearer: true} a token in the body (scripts). 401 INVALID_CREDENTIALS, 423 ACCOUNT_LOCKED, 429 ADDRESS_LOCKED' })
  @ApiOkResponse({ description: '{username, role, centre, mustChangePassword, idleTimeoutS, maxAgeS[, token]}' })
  async login(@Body() body: LoginDto, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    const address = req.ip ?? req.socket.remoteAddress ?? 'unknown';
    const r = await this.logins.login(body.username, body.password, address, body.bearer ? 'bearer' : 'cookie');
    if (!r.ok) {
      if ('retryAfterS' in r) res.setHeader('Retry-After', String(r.retryAfterS));
      throw new HttpException({ statusCode: r.status, code: r.code, message: r.message, ...('lockedUntil' in r ? { lockedUntil: r.lockedUntil } : {}) }, r.status);
    }
    if (!body.bearer) setSessionCookie(res, r.token, this.cfg.sessionCookieSecure, this.sessions.maxAgeMs);
    return {
      username: r.account.username, role: r.account.role, centre: r.account.centre, mustChangePassword: r.mustChangePassword,
      idleTimeoutS: this.sessions.idleMs / 1000, maxAgeS: this.sessions.maxAgeMs / 1000,
      ...(body.bearer ? { token: r.token } : {}),
    };
  }

  @Post('logout')
  @HttpCode(200)
  @PasswordChangeExempt()
  @ApiOperation({ summary: 'End this session (cookie or bearer token)' })
  async logout(@Caller() caller: ApiCaller, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    if (caller.kind !== 'user' || !caller.sessionHash) throw new BadRequestException({ code: 'NOT_A_SESSION', message: 'an API key has no session to end' });
    await this.sessions.end(caller.sessionHash);
    clearSessionCookie(res, this.cfg.sessionCookieSecure);
    await this.audit.append({ actor: auditActor(caller), action: 'auth.logout', subject: `user:${caller.name}`, detail: { address: req.ip ?? null } });
    return { loggedOut: true };
  }

  @Public()
  @Get('session')
  @ApiOperation({ summary: 'Whether this browser has a live session (its cookie), without a 401 when not: what the console asks first' })
  async session(@Req() req: Request) {
    const token = sessionCookie(req);
    const r = token === undefined ? null : await this.sessions.resolve(token);
    if (!r || 'refused' in r) return { loggedIn: false };
    return { loggedIn: true, name: r.caller.name, role: r.caller.role, mustChangePassword: r.caller.mustChangePassword ?? false };
  }

  @Get('me')
  @PasswordChangeExempt()
  @ApiOperation({ summary: 'Who is calling: kind (key or user), name, role, whether the password must be changed first' })
  me(@Caller() caller: ApiCaller) {
    return { kind: caller.kind, name: caller.name, role: caller.role, mustChangePassword: caller.mustChangePassword ?? false };
  }

  @Post('password')
  @HttpCode(200)
  @PasswordChangeExempt()
  @ApiOperation({ summary: 'Change one\'s own password (required at first login, after a reset and after PASSWORD_MAX_AGE_DAYS); other sessions end' })
  async changePassword(@Caller() caller: ApiCaller, @Body() body: ChangePasswordDto) {
    if (caller.kind !== 'user') throw new BadRequestException({ code: 'NOT_A_SESSION', message: 'API keys have no password' });
    const account = await this.accounts.byUsername(caller.name);
    if (!account || !(await verifyAccountPassword(body.currentPassword, account.passwordHash))) {
      throw new HttpException({ statusCode: 403, code: 'WRONG_PASSWORD', message: '当前密码错误 / the current password is wrong' }, 403);
    }
    const problem = accountPasswordProblem(body.newPassword, caller.name);
    if (problem) throw new BadRequestException({ code: 'WEAK_PASSWORD', message: problem });
    if (body.newPassword === body.currentPassword) throw new BadRequestException({ code: 'SAME_PASSWORD', message: '新密码不能与当前密码相同 / the new password must differ from the current one' });
    await this.accounts.setPassword(caller.name, await hashAccountPassword(body.newPassword), auditActor(caller), { byAdmin: false, keepSessionHash: caller.sessionHash });
    this.sessions.forget();
    return { changed: true };
  }
}
