// npm run units -- provision <unitId> [--jt808-phone <digits>] | revoke <unitId> | list
//                   | mosquitto --dir <dir> [--service <user>:<role>[+<role>]]...
// Unit MQTT credentials (issue #8). With DATABASE_URL it works on the database directly (production);
// without, on the running embedded server through its admin API (RC_API_URL, RC_API_KEY): PGlite is
// single-process and the server holds it. `mosquitto` needs DATABASE_URL (the API never returns hashes).
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '@rescue/config';
import { isUnitId } from '@rescue/contracts';
import { closeDatabase, CredentialsRepository, Jt808TerminalsRepository, normaliseJt808Phone, openDatabase, provisionUnitCredentials, revokeUnitCredentials } from '@rescue/persistence';
import { type AdminApi, adminApi, CliError, runCli } from './admin-api';
import { generatePassword, hashPassword, MOSQUITTO_FILE_NAMES, type MosquittoFiles, mosquittoFiles, SERVICE_USERNAME, type ServiceEntry, type ServiceRole } from '@rescue/security';


const USAGE = `usage: npm run units -- provision <unitId>       new MQTT credentials (rotates existing ones); the password is shown once
       npm run units -- provision <unitId> --jt808-phone <digits>
                                                 the unit's JT/T 808 terminal: its phone number as in the frame header
                                                 (leading zeros do not matter); the terminal then registers (0x0100) and
                                                 receives its authentication code, of which only a hash is kept
       npm run units -- revoke <unitId>          the unit can no longer connect (MQTT and JT/T 808); live connections close
       npm run units -- list                     units with credentials or terminals, created, revoked
       npm run units -- mosquitto --dir <dir> [--service <user>:<role>[+<role>]]...
                                                 Mosquitto's password and ACL files from the unit_credentials table
                                                 (needs DATABASE_URL), into <dir>: units.passwd + units.acl (terminal
                                                 listener, units only), services.passwd + services.acl (service
                                                 listener, service users only); roles: ingest, gateway, orders. A service's password
                                                 comes from RC_MQTT_PASSWORD_<USER> (upper case, non-alphanumerics as _),
                                                 or is generated and printed once.
Without DATABASE_URL: the embedded server's admin API at RC_API_URL (default http://127.0.0.1:3000) with RC_API_KEY
(default: the demo's DATA_DIR/admin-api-key).`;

const out = (s: string): boolean => process.stdout.write(s + '\n');

function unitArg(id: string | undefined): string {
  if (!id) throw new CliError('a unit id is required');
  if (!isUnitId(id)) throw new CliError(`"${id}" is not a valid unit id: 1-64 characters of A-Z a-z 0-9 _ - (it is also the MQTT username and a topic level)`);
  return id;
}

interface Jt808Listed {
  unitId: string;
  phone: string;
  registered: boolean;
  createdAt: string;
  revokedAt: string | null;
}

interface Backend {
  provision(unitId: string): Promise<{ password: string; rotated: boolean; unitCreated: boolean }>;
  revoke(unitId: string): Promise<boolean>;
  list(): Promise<Array<{ unitId: string; createdAt: string; revokedAt: string | null }>>;
  provisionJt808(unitId: string, phone: string): Promise<{ phone: string; unitCreated: boolean; replaced: string[] }>;
  revokeJt808(unitId: string): Promise<boolean>;
  listJt808(): Promise<Jt808Listed[]>;
  close(): Promise<void>;
}

async function databaseBackend(databaseUrl: string): Promise<Backend & { repo: CredentialsRepository }> {
  const { dataSource } = await openDatabase({ databaseUrl, pgliteDir: '' });
  const repo = new CredentialsRepository(dataSource);
  const terminals = new Jt808TerminalsRepository(dataSource);
  // The same audited transactions as the server's API (libs/persistence credential-changes).
  const actor = 'system:cli';
  return {
    repo,
    provision: async (unitId) => {
      const password = generatePassword();
      const r = await provisionUnitCredentials(dataSource, unitId, await hashPassword(password), actor);
      return { password, rotated: r.rotated, unitCreated: r.unitCreated };
    },
    revoke: (unitId) => revokeUnitCredentials(dataSource, unitId, actor),
    list: async () => (await repo.all()).map((r) => ({ unitId: r.unitId, createdAt: new Date(r.createdAt).toISOString(), revokedAt: r.revokedAt === null ? null : new Date(r.revokedAt).toISOString() })),
    provisionJt808: async (unitId, digits) => {
      const phone = normaliseJt808Phone(digits)!;
      return { phone, ...(await terminals.provision(unitId, phone, actor)) };
    },
    revokeJt808: (unitId) => terminals.revoke(unitId, actor),
    listJt808: async () => (await terminals.all()).map((r) => ({
      unitId: r.unitId, phone: r.phone, registered: r.authCodeHash !== null,
      createdAt: new Date(r.createdAt).toISOString(), revokedAt: r.revokedAt === null ? null : new Date(r.revokedAt).toISOString(),
    })),
    close: () => closeDatabase(dataSource),
  };
}

function apiBackend(api: AdminApi): Backend {
  const call = (method: string, path: string, json?: unknown) => api.call(method, path, json === undefined ? {} : { json });
  return {
    provision: async (unitId) => {
      const r = await call('POST', `/admin/units/${unitId}/credentials`);
      if (r.status !== 201) throw new CliError(`provision failed: HTTP ${r.status} ${JSON.stringify(r.body)}`);
      return r.body as { password: string; rotated: boolean; unitCreated: boolean };
    },
    revoke: async (unitId) => {
      const r = await call('DELETE', `/admin/units/${unitId}/credentials`);
      if (r.status === 404) return false;
      if (r.status !== 200) throw new CliError(`revoke failed: HTTP ${r.status} ${JSON.stringify(r.body)}`);
      return true;
    },
    list: async () => {
      const r = await call('GET', '/admin/units/credentials');
      if (r.status !== 200) throw new CliError(`list failed: HTTP ${r.status} ${JSON.stringify(r.body)}`);
      return (r.body as { credentials: Array<{ unitId: string; createdAt: string; revokedAt: string | null }> }).credentials;
    },
    provisionJt808: async (unitId, phone) => {
      const r = await call('PUT', `/admin/units/${unitId}/jt808`, { phone });
      if (r.status !== 200) throw new CliError(`provision failed: HTTP ${r.status} ${JSON.stringify(r.body)}`);
      return r.body as { phone: string; unitCreated: boolean; replaced: string[] };
    },
    revokeJt808: async (unitId) => {
      const r = await call('DELETE', `/admin/units/${unitId}/jt808`);
      if (r.status === 404) return false;
      if (r.status !== 200) throw new CliError(`revoke failed: HTTP ${r.status} ${JSON.stringify(r.body)}`);
      return true;
    },
    listJt808: async () => {
      const r = await call('GET', '/admin/units/jt808');
      if (r.status !== 200) throw new CliError(`list failed: HTTP ${r.status} ${JSON.stringify(r.body)}`);
      return (r.body as { terminals: Jt808Listed[] }).terminals;
    },
    close: async () => undefined,
  };
}

function parseService(spec: string): { username: string; roles: ServiceRole[] } {
  const [username, roleList] = spec.split(':');
  if (!username || !roleList || !SERVICE_USERNAME.test(username)) {
    throw new CliError(`--service ${spec}: expected <name.part>:<role>[+<role>], e.g. rescue.ingest:ingest (a service name contains one '.', so it is never a unit id)`);
  }
  const roles = roleList.split('+');
  for (const r of roles) if (r !== 'ingest' && r !== 'gateway' && r !== 'orders') throw new CliError(`--service ${spec}: unknown role "${r}" (ingest, gateway, orders)`);
  return { username, roles: roles as ServiceRole[] };
}

function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

/** Written beside the target and renamed over it, so a reloading Mosquitto never reads half a file. */
function writeAtomically(path: string, text: string): void {
  const tmp = `${path}.tmp-${process.pid}`;
  // 0644: Mosquitto reads it as its own user; the hashes are of 192-bit random passwords.
  writeFileSync(tmp, text, { mode: 0o644 });
  renameSync(tmp, path);
}

async function mosquitto(args: string[], databaseUrl: string | null): Promise<void> {
  if (args.includes('--passwd') || args.includes('--acl')) {
    throw new CliError('--passwd/--acl are gone: units and services now have separate files for the two listeners; use --dir <dir> (e.g. --dir docker/mosquitto)');
  }
  const dir = flag(args, '--dir');
  if (!dir) throw new CliError('mosquitto needs --dir <dir> (where units.passwd, units.acl, services.passwd and services.acl go)');
  if (!existsSync(dir)) throw new CliError(`--dir ${dir}: no such directory`);
  if (!databaseUrl) throw new CliError('mosquitto needs DATABASE_URL: it copies the stored hashes, which the API never returns');
  const specs = args.flatMap((a, i) => (a === '--service' ? [args[i + 1] ?? ''] : [])).map(parseService);
  const services: ServiceEntry[] = [];
  for (const s of specs) {
    const envKey = `RC_MQTT_PASSWORD_${s.username.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
    let password = process.env[envKey];
    if (!password) {
      password = generatePassword();
      out(`service ${s.username}: new password ${password}  (shown once; give it to that service, or set ${envKey} next time to keep it)`);
    }
    services.push({ username: s.username, passwordHash: await hashPassword(password), roles: s.roles });
  }
  const db = await databaseBackend(databaseUrl);
  try {
    const rows = await db.repo.all();
    const units = rows.filter((r) => r.revokedAt === null).map((r) => ({ unitId: r.unitId, passwordHash: r.passwordHash }));
    const files = mosquittoFiles(units, services);
    const written: string[] = [];
    for (const k of Object.keys(MOSQUITTO_FILE_NAMES) as Array<keyof MosquittoFiles>) {
      const path = join(dir, MOSQUITTO_FILE_NAMES[k]);
      writeAtomically(path, files[k]);
      written.push(path);
    }
    out(`wrote ${written.join(', ')}: ${units.length} units (${rows.length - units.length} revoked left out), ${services.length} service users`);
    out('reload Mosquitto to apply: docker compose -f docker/compose.yml kill -s SIGHUP mosquitto   (or: kill -HUP <pid>)');
  } finally {
    await db.close();
  }
}

async function main(): Promise<void> {
  const [cmd, ...args] = process.argv.slice(2);
  const cfg = loadConfig();
  if (cmd === 'mosquitto') return mosquitto(args, cfg.databaseUrl);
  if (cmd !== 'provision' && cmd !== 'revoke' && cmd !== 'list') {
    process.stderr.write(USAGE + '\n');
    process.exit(2);
  }
  const unitId = cmd === 'list' ? '' : unitArg(args[0]);
  const backend = cfg.databaseUrl ? await databaseBackend(cfg.databaseUrl) : apiBackend(adminApi(cfg));
  const jt808Phone = flag(args, '--jt808-phone');
  if (args.includes('--jt808-phone') && (!jt808Phone || !normaliseJt808Phone(jt808Phone))) {
    throw new CliError(`--jt808-phone ${jt808Phone ?? ''}: expected the terminal's phone number, 1-20 digits as in the frame header, not all zeros`);
  }
  try {
    if (cmd === 'provision' && jt808Phone) {
      const r = await backend.provisionJt808(unitId, jt808Phone);
      out(`unit ${unitId}${r.unitCreated ? ' (new unit)' : ''}: JT/T 808 terminal ${r.phone} linked${r.replaced.length ? ` (replaces ${r.replaced.join(', ')})` : ''}`);
      out('  the terminal registers (0x0100) once and receives its authentication code; only its hash is stored');
      out('  终端注册（0x0100）后获得鉴权码，平台只保存其哈希');
    } else if (cmd === 'provision') {
      const r = await backend.provision(unitId);
      out(`unit ${unitId}${r.unitCreated ? ' (new unit)' : ''}: ${r.rotated ? 'credentials rotated, the old password no longer works' : 'credentials provisioned'}`);
      out(`  username ${unitId}`);
      out(`  password ${r.password}   (shown once, only its hash is stored)`);
      if (cfg.databaseUrl) out('  Mosquitto: regenerate the files with `npm run units -- mosquitto …` and send SIGHUP');
    } else if (cmd === 'revoke') {
      const done = await backend.revoke(unitId);
      const terminal = await backend.revokeJt808(unitId);
      out(done ? `unit ${unitId}: MQTT credentials revoked` : `unit ${unitId}: had no active MQTT credentials`);
      if (terminal) out(`unit ${unitId}: JT/T 808 terminal revoked (a gateway closes its connection within 30 s, the embedded one at once)`);
      if (done && cfg.databaseUrl) out('  Mosquitto: regenerate the files with `npm run units -- mosquitto …` and send SIGHUP; the embedded broker applies it within 30 s');
      if (!done && !terminal) process.exitCode = 1;
    } else {
      const list = await backend.list();
      for (const c of list) out(`${c.unitId.padEnd(24)} created ${c.createdAt}${c.revokedAt ? `  REVOKED ${c.revokedAt}` : ''}`);
      out(`${list.length} units with credentials, ${list.filter((c) => c.revokedAt).length} revoked`);
      const terminals = await backend.listJt808();
      for (const t of terminals) out(`${t.unitId.padEnd(24)} JT/T 808 ${t.phone.padEnd(20)} ${t.registered ? 'registered' : 'awaiting 0x0100'}  created ${t.createdAt}${t.revokedAt ? `  REVOKED ${t.revokedAt}` : ''}`);
      out(`${terminals.length} JT/T 808 terminals, ${terminals.filter((t) => t.revokedAt).length} revoked`);
    }
  } finally {
    await backend.close();
  }
}

runCli(main);
