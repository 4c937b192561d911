import { BadRequestException, Body, ConflictException, Controller, Get, HttpCode, HttpException, Inject, Post, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { AppConfig } from '@rescue/config';
import { AccountsRepository, AuditRepository } from '@rescue/persistence';
import { accountPasswordProblem, generateTotpSecret, hashAccountPassword, matchTotp, totpUri, verifyAccountPassword } from '@rescue/security';
import { APP_CONFIG } from '../config.module';
import { type ApiCaller, auditActor, Caller, PasswordChangeExempt, Public, Self } from '../security/access.decorators';
import { ChangePasswordDto, LoginDto, TotpConfirmDto } from './accounts.dto';
import { LoginService } from './login.service';
import { clearSessionCookie, sessionCookie, setSessionCookie } from './session-cookie';
import { SessionService } from './session.service';

/** People's login (POST /auth/login), logout, who am I, and changing one's own password. */
@ApiTags('auth')
@Self()
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
  @ApiOperation({ summary: 'Log in with a personal account: a session cookie (console), or with {bearer: true} a token in the body (scripts). 401 INVALID_CREDENTIALS, 401 TOTP_REQUIRED (send totp too), 401 INVALID_TOTP, 423 ACCOUNT_LOCKED, 429 ADDRESS_LOCKED' })
  @ApiOkResponse({ description: '{username, role, centre, mustChangePassword, idleTimeoutS, maxAgeS[, token]}' })
  async login(@Body() body: LoginDto, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    const address = req.ip ?? req.socket.remoteAddress ?? 'unknown';
    const r = await this.logins.login(body.username, body.password, address, body.bearer ? 'bearer' : 'cookie', body.totp);
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

  @Post('totp/enrol')
  @HttpCode(200)
  @ApiOperation({ summary: 'Start the TOTP second factor: a new secret and its otpauth:// URI, shown this once; it is on after POST /auth/totp/confirm with a code. 409 TOTP_ALREADY_ON' })
  async enrolTotp(@Caller() caller: ApiCaller, @Res({ passthrough: true }) res: Response) {
    const account = await this.person(caller);
    if (account.totpSecret !== null) throw new ConflictException({ code: 'TOTP_ALREADY_ON', message: '已启用动态验证码；需由管理员先关闭 / the second factor is on already; an administrator turns it off first' });
    const secret = generateTotpSecret();
    await this.accounts.startTotpEnrolment(caller.name, secret, auditActor(caller));
    res.setHeader('Cache-Control', 'no-store');
    return { secret, uri: totpUri(secret, caller.name), digits: 6, periodS: 30 };
  }

  @Post('totp/confirm')
  @HttpCode(200)
  @ApiOperation({ summary: 'Turn the second factor on with a code from the app for the enrolled secret. 400 INVALID_TOTP, 409 NO_TOTP_ENROLMENT' })
  async confirmTotp(@Caller() caller: ApiCaller, @Body() body: TotpConfirmDto) {
    const account = await this.person(caller);
    if (account.totpPendingSecret === null) throw new ConflictException({ code: 'NO_TOTP_ENROLMENT', message: '请先开始绑定 / start with POST /auth/totp/enrol' });
    const step = matchTotp(account.totpPendingSecret, body.code, Date.now());
    if (step === null) throw new BadRequestException({ code: 'INVALID_TOTP', message: '动态验证码错误 / the code does not match the enrolled secret (check the phone\'s clock)' });
    await this.accounts.confirmTotp(caller.name, step, auditActor(caller));
    this.sessions.forget();
    return { totp: true };
  }

  private async person(caller: ApiCaller) {
    if (caller.kind !== 'user') throw new BadRequestException({ code: 'NOT_A_SESSION', message: 'API keys have no second factor' });
    const account = await this.accounts.byUsername(caller.name);
    if (!account) throw new BadRequestException({ code: 'NOT_A_SESSION', message: 'no such account' });
    return account;
  }
}
