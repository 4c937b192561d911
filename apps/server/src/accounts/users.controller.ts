import { BadRequestException, Body, ConflictException, Controller, Delete, Get, HttpCode, Inject, NotFoundException, Param, Patch, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { AccountError, AccountsRepository, type AccountSummary } from '@rescue/persistence';
import { ACCOUNT_USERNAME, generateAccountPassword, hashAccountPassword } from '@rescue/security';
import { type ApiCaller, auditActor, Caller, Roles } from '../security/access.decorators';
import { CreateUserDto, UpdateUserDto } from './accounts.dto';
import { LoginService } from './login.service';
import { SessionService } from './session.service';

const view = (a: AccountSummary) => ({
  ...a,
  passwordChangedAt: new Date(a.passwordChangedAt).toISOString(),
  lockedUntil: a.lockedUntil === null || a.lockedUntil <= Date.now() ? null : new Date(a.lockedUntil).toISOString(),
  disabledAt: a.disabledAt === null ? null : new Date(a.disabledAt).toISOString(),
  createdAt: new Date(a.createdAt).toISOString(),
});

function edge(e: unknown): never {
  if (e instanceof AccountError) {
    if (e.code === 'USERNAME_TAKEN') throw new ConflictException({ code: e.code, message: e.message });
    throw new NotFoundException({ code: e.code, message: e.message });
  }
  throw e;
}

function username(raw: string): string {
  if (!ACCOUNT_USERNAME.test(raw)) throw new BadRequestException({ code: 'BAD_USERNAME', message: 'username: 2-64 of a-z 0-9 _ . @ -' });
  return raw;
}

/**
 * People's accounts (admin only): create with a one-time initial password, change role, disable,
 * reset the password, lift a lockout. Every change is audited with the administrator as actor.
 */
@ApiTags('admin')
@Roles('admin')
@Controller('admin/users')
export class UsersController {
  constructor(
    @Inject(AccountsRepository) private readonly accounts: AccountsRepository,
    @Inject(SessionService) private readonly sessions: SessionService,
    @Inject(LoginService) private readonly logins: LoginService,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Accounts: username, role, centre, password age, locked, disabled (never the hash)' })
  async list() {
    return { users: (await this.accounts.list()).map(view) };
  }

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Create an account; its initial password is returned this once and must be changed at first login' })
  async create(@Body() body: CreateUserDto, @Caller() caller: ApiCaller) {
    const initialPassword = generateAccountPassword();
    const user = await this.accounts
      .create({ username: body.username, role: body.role, centre: body.centre ?? null, passwordHash: await hashAccountPassword(initialPassword), mustChange: true }, auditActor(caller))
      .catch(edge);
    return { user: view(user), initialPassword };
  }

  @Patch(':username')
  @ApiOperation({ summary: 'Change an account\'s role, or disable/enable it (disabling ends its sessions)' })
  async update(@Param('username') name: string, @Body() body: UpdateUserDto, @Caller() caller: ApiCaller) {
    username(name);
    if (body.role === undefined && body.disabled === undefined) throw new BadRequestException({ code: 'NOTHING_TO_CHANGE', message: 'send role and/or disabled' });
    let user: AccountSummary | null = null;
    if (body.role !== undefined) user = await this.accounts.setRole(name, body.role, auditActor(caller)).catch(edge);
    if (body.disabled !== undefined) user = await this.accounts.setDisabled(name, body.disabled, auditActor(caller)).catch(edge);
    this.sessions.forget();
    return { user: view(user!) };
  }

  @Post(':username/password-reset')
  @HttpCode(200)
  @ApiOperation({ summary: 'A new one-time password (returned this once); the account\'s sessions end and it must be changed at the next login' })
  async reset(@Param('username') name: string, @Caller() caller: ApiCaller) {
    const initialPassword = generateAccountPassword();
    const user = await this.accounts.setPassword(username(name), await hashAccountPassword(initialPassword), auditActor(caller), { byAdmin: true }).catch(edge);
    this.sessions.forget();
    await this.logins.unlocked(name);
    return { user: view(user), initialPassword };
  }

  @Post(':username/unlock')
  @HttpCode(200)
  @ApiOperation({ summary: 'Lift a lockout after failed logins' })
  async unlock(@Param('username') name: string, @Caller() caller: ApiCaller) {
    const user = await this.accounts.unlock(username(name), auditActor(caller)).catch(edge);
    await this.logins.unlocked(name);
    return { user: view(user) };
  }

  @Delete(':username/totp')
  @HttpCode(200)
  @ApiOperation({ summary: 'Turn an account\'s TOTP second factor off (a lost phone); the person may enrol again' })
  async disableTotp(@Param('username') name: string, @Caller() caller: ApiCaller) {
    const user = await this.accounts.disableTotp(username(name), auditActor(caller)).catch(edge);
    this.sessions.forget();
    return { user: view(user) };
  }
}
