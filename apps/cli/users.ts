// npm run users -- add <name> <role> [--centre C] | list | role <name> <role> | disable <name> | enable <name>
//                   | reset-password <name> | unlock <name> | totp-off <name>
// People's accounts (issue #18). With DATABASE_URL on the database (production); without, on the running
// embedded server through its admin API (RC_API_URL, RC_API_KEY), as `npm run units` does. Every change is
// audited (actor system:cli on the database, the admin key's name through the API).
import { loadConfig } from '@rescue/config';
import { AccountError, AccountsRepository, type AccountSummary, closeDatabase, openDatabase } from '@rescue/persistence';
import { type AdminApi, adminApi, CliError, refusalText, runCli } from './admin-api';
import { ACCOUNT_USERNAME, generateAccountPassword, hashAccountPassword, isRole, ROLES, type Role } from '@rescue/security';


const USAGE = `usage: npm run users -- add <name> <role> [--centre C]   new account; its one-time password is shown once
       npm run users -- list                              accounts, roles, locked, disabled
       npm run users -- role <name> <role>                change the role
       npm run users -- disable <name> | enable <name>    disabling ends the account's sessions
       npm run users -- reset-password <name>             a new one-time password (shown once)
       npm run users -- unlock <name>                     lift a lockout after failed logins
       npm run users -- totp-off <name>                   turn the TOTP second factor off (a lost phone)
roles: ${ROLES.join(', ')}. Names: 2-64 of a-z 0-9 _ . @ -.
Without DATABASE_URL: the embedded server's admin API at RC_API_URL (default http://127.0.0.1:$PORT) with RC_API_KEY
(default: the demo's DATA_DIR/admin-api-key).`;

const out = (s: string): boolean => process.stdout.write(s + '\n');

interface Backend {
  add(name: string, role: Role, centre: string | null): Promise<{ user: AccountSummary | Record<string, unknown>; initialPassword: string }>;
  list(): Promise<Array<Record<string, unknown>>>;
  role(name: string, role: Role): Promise<void>;
  disabled(name: string, disabled: boolean): Promise<void>;
  reset(name: string): Promise<string>;
  unlock(name: string): Promise<void>;
  totpOff(name: string): Promise<void>;
  close(): Promise<void>;
}

async function databaseBackend(databaseUrl: string): Promise<Backend> {
  const { dataSource } = await openDatabase({ databaseUrl, pgliteDir: '' });
  const repo = new AccountsRepository(dataSource);
  const actor = 'system:cli';
  const wrap = <T>(p: Promise<T>): Promise<T> => p.catch((e: unknown) => {
    throw e instanceof AccountError ? new CliError(e.message) : e;
  });
  return {
    add: async (name, role, centre) => {
      const initialPassword = generateAccountPassword();
      const user = await wrap(repo.create({ username: name, role, centre, passwordHash: await hashAccountPassword(initialPassword), mustChange: true }, actor));
      return { user, initialPassword };
    },
    list: async () => (await repo.list()).map((u) => ({ ...u, lockedUntil: u.lockedUntil && u.lockedUntil > Date.now() ? new Date(u.lockedUntil).toISOString() : null, disabledAt: u.disabledAt ? new Date(u.disabledAt).toISOString() : null })),
    role: async (name, role) => void (await wrap(repo.setRole(name, role, actor))),
    disabled: async (name, d) => void (await wrap(repo.setDisabled(name, d, actor))),
    reset: async (name) => {
      const p = generateAccountPassword();
      await wrap(repo.setPassword(name, await hashAccountPassword(p), actor, { byAdmin: true }));
      return p;
    },
    unlock: async (name) => void (await wrap(repo.unlock(name, actor))),
    totpOff: async (name) => void (await wrap(repo.disableTotp(name, actor))),
    close: () => closeDatabase(dataSource),
  };
}

function apiBackend(api: AdminApi): Backend {
  const call = async (method: string, path: string, json?: unknown): Promise<any> => {
    const r = await api.call(method, path, json === undefined ? {} : { json });
    if (!r.ok) throw new CliError(`HTTP ${r.status}: ${refusalText(r)}`);
    return r.body;
  };
  const u = (name: string) => `/admin/users/${encodeURIComponent(name)}`;
  return {
    add: (name, role, centre) => call('POST', '/admin/users', { username: name, role, ...(centre ? { centre } : {}) }),
    list: async () => (await call('GET', '/admin/users')).users,
    role: async (name, role) => void (await call('PATCH', u(name), { role })),
    disabled: async (name, disabled) => void (await call('PATCH', u(name), { disabled })),
    reset: async (name) => (await call('POST', `${u(name)}/password-reset`)).initialPassword,
    unlock: async (name) => void (await call('POST', `${u(name)}/unlock`)),
    totpOff: async (name) => void (await call('DELETE', `${u(name)}/totp`)),
    close: async () => undefined,
  };
}

function nameArg(v: string | undefined): string {
  if (!v || !ACCOUNT_USERNAME.test(v)) throw new CliError(`"${v ?? ''}" is not a valid username: 2-64 of a-z 0-9 _ . @ -, starting with a letter or digit`);
  return v;
}

function roleArg(v: string | undefined): Role {
  if (!isRole(v)) throw new CliError(`"${v ?? ''}" is not a role: ${ROLES.join(', ')}`);
  return v;
}

async function main(): Promise<void> {
  const [cmd, ...args] = process.argv.slice(2);
  const cmds = ['add', 'list', 'role', 'disable', 'enable', 'reset-password', 'unlock', 'totp-off'];
  if (!cmd || !cmds.includes(cmd)) {
    process.stderr.write(USAGE + '\n');
    process.exit(2);
  }
  const cfg = loadConfig();
  const backend = cfg.databaseUrl ? await databaseBackend(cfg.databaseUrl) : apiBackend(adminApi(cfg));
  try {
    if (cmd === 'add') {
      const name = nameArg(args[0]);
      const role = roleArg(args[1]);
      const i = args.indexOf('--centre');
      const r = await backend.add(name, role, i >= 0 ? (args[i + 1] ?? null) : null);
      out(`user ${name} (${role}) created`);
      out(`  one-time password ${r.initialPassword}   (shown once, only its hash is stored; it must be changed at first login)`);
    } else if (cmd === 'list') {
      const list = await backend.list();
      for (const u of list) out(`${String(u.username).padEnd(24)} ${String(u.role).padEnd(10)} ${u.centre ?? ''}${u.totp ? '  TOTP' : ''}${u.lockedUntil ? `  LOCKED until ${u.lockedUntil}` : ''}${u.disabledAt ? `  DISABLED ${u.disabledAt}` : ''}${u.mustChangePassword ? '  (must change password)' : ''}`);
      out(`${list.length} accounts`);
    } else if (cmd === 'role') {
      const name = nameArg(args[0]);
      const role = roleArg(args[1]);
      await backend.role(name, role);
      out(`user ${name}: role ${role}`);
    } else if (cmd === 'disable' || cmd === 'enable') {
      const name = nameArg(args[0]);
      await backend.disabled(name, cmd === 'disable');
      out(`user ${name}: ${cmd}d`);
    } else if (cmd === 'reset-password') {
      const name = nameArg(args[0]);
      out(`user ${name}: one-time password ${await backend.reset(name)}   (shown once; sessions ended; must be changed at the next login)`);
    } else if (cmd === 'totp-off') {
      const name = nameArg(args[0]);
      await backend.totpOff(name);
      out(`user ${name}: second factor off`);
    } else {
      const name = nameArg(args[0]);
      await backend.unlock(name);
      out(`user ${name}: unlocked`);
    }
  } finally {
    await backend.close();
  }
}

runCli(main);
