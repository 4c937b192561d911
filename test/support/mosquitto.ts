import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chownSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { MOSQUITTO_FILE_NAMES, mosquittoFiles, type ServiceEntry, type UnitEntry } from '@rescue/security';
import { freePort } from './ports';
import { newTestUser, TEST_MQTT_ROLES, type TestUser, urlWithCredentials } from './test-broker-auth';

export const SHIPPED_MOSQUITTO_CONF = resolve(__dirname, '../../docker/mosquitto/mosquitto.conf');

export { freePort };

export interface RunningMosquitto {
  /** mqtt://rc.test:<password>@127.0.0.1:<port> on the service listener: the test service user (ingest + gateway roles). */
  url: string;
  /** The service listener without credentials (service users only: to test refusals, or log in as another service). */
  bareUrl: string;
  /** The terminal listener, without credentials: units connect here (their client id is forced to their unit id). */
  unitUrl: string;
  /** The test service user the url carries. */
  user: TestUser;
  /** Rewrites the four password and ACL files (the test user is always kept) and sends SIGHUP to reload them. */
  reload(units: UnitEntry[], services?: ServiceEntry[]): Promise<void>;
  /**
   * SIGTERM (a graceful stop: Mosquitto saves its persistence file), `whileDown`, then the same binary,
   * config and data again on the same ports.
   */
  restart(whileDown?: () => Promise<void>): Promise<void>;
  /** Everything the broker wrote to stderr (its log: errors, warnings, notices). */
  log(): string;
  stop(): Promise<void>;
}

export interface MosquittoOptions {
  /** Units in the generated password/ACL files (as the CLI writes them from unit_credentials). */
  units?: UnitEntry[];
  /** Further service users besides the test user. */
  services?: ServiceEntry[];
}

/**
 * A real Mosquitto running the shipped docker/mosquitto/mosquitto.conf, its two listeners (terminal and
 * service) on free loopback ports, with its persistence and the four password/ACL files in a temporary
 * directory: the tests check the configuration we ship (anonymous refused, units and services apart,
 * generated ACLs), not the machine's defaults (which drop QoS1 messages for a slow subscriber). The files
 * are written by the same code as `npm run units -- mosquitto`.
 */
export async function startMosquitto(binary: string, opts: MosquittoOptions = {}): Promise<RunningMosquitto> {
  const unitPort = await freePort();
  let servicePort = await freePort();
  while (servicePort === unitPort) servicePort = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'rc-mosquitto-'));
  // Started as root, Mosquitto drops to the `mosquitto` user, which must own persistence_location (as
  // in the image); otherwise it saves nothing ("Error saving in-memory database") and a restart
  // forgets every session with all it held. It must also be able to read the password and ACL files.
  if (process.getuid?.() === 0) {
    const owner = brokerUser();
    chownSync(dir, owner.uid, owner.gid);
  }
  const shipped = readFileSync(SHIPPED_MOSQUITTO_CONF, 'utf8');
  const file = (k: keyof typeof MOSQUITTO_FILE_NAMES) => join(dir, MOSQUITTO_FILE_NAMES[k]);
  let conf = shipped
    .replace(/^listener 1883$/m, `listener ${unitPort} 127.0.0.1`)
    .replace(/^listener 1884$/m, `listener ${servicePort} 127.0.0.1`)
    .replace(/^persistence_location .*$/m, `persistence_location ${dir}/`);
  for (const k of Object.keys(MOSQUITTO_FILE_NAMES) as Array<keyof typeof MOSQUITTO_FILE_NAMES>) {
    conf = conf.replace(`/mosquitto/config/${MOSQUITTO_FILE_NAMES[k]}`, file(k));
  }
  const expected = [
    `listener ${unitPort} 127.0.0.1`,
    `listener ${servicePort} 127.0.0.1`,
    `persistence_location ${dir}/`,
    ...(Object.keys(MOSQUITTO_FILE_NAMES) as Array<keyof typeof MOSQUITTO_FILE_NAMES>).map((k) => file(k)),
    'per_listener_settings true',
    'use_username_as_clientid true',
  ];
  if (expected.some((l) => !conf.includes(l)) || /\/mosquitto\/config\//.test(conf)) throw new Error('shipped mosquitto.conf changed shape');
  const user = await newTestUser();
  const writeFiles = (units: UnitEntry[], services: ServiceEntry[]): void => {
    const files = mosquittoFiles(units, [{ username: user.username, passwordHash: user.passwordHash, roles: TEST_MQTT_ROLES }, ...services]);
    // Readable by the user it drops to (test files, test secrets).
    for (const k of Object.keys(MOSQUITTO_FILE_NAMES) as Array<keyof typeof MOSQUITTO_FILE_NAMES>) writeFileSync(file(k), files[k], { mode: 0o644 });
  };
  writeFiles(opts.units ?? [], opts.services ?? []);
  const confPath = join(dir, 'mosquitto.conf');
  writeFileSync(confPath, conf);
  let stderr = '';
  const launch = async (): Promise<ChildProcess> => {
    const p: ChildProcess = spawn(binary, ['-c', confPath], { stdio: ['ignore', 'ignore', 'pipe'] });
    p.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    await Promise.all([waitForPort(unitPort, 5000), waitForPort(servicePort, 5000)]).catch((e: Error) => {
      p.kill('SIGKILL');
      throw new Error(`mosquitto did not start: ${e.message}; stderr: ${stderr}`);
    });
    return p;
  };
  const terminate = async (p: ChildProcess): Promise<void> => {
    if (p.exitCode !== null || p.signalCode !== null) return;
    const exited = new Promise((r) => p.once('exit', r));
    p.kill('SIGTERM');
    await exited;
  };
  let proc = await launch();
  const bareUrl = `mqtt://127.0.0.1:${servicePort}`;
  return {
    url: urlWithCredentials(bareUrl, user),
    bareUrl,
    unitUrl: `mqtt://127.0.0.1:${unitPort}`,
    user,
    reload: async (units, services = []) => {
      writeFiles(units, services);
      proc.kill('SIGHUP');
      await new Promise((r) => setTimeout(r, 300)); // mosquitto reloads on its next loop turn
    },
    restart: async (whileDown) => {
      await terminate(proc);
      await whileDown?.();
      proc = await launch();
    },
    log: () => stderr,
    stop: async () => {
      await terminate(proc);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The user a root-started Mosquitto 2.0 switches to: `mosquitto`, or `nobody` when there is none. */
function brokerUser(): { uid: number; gid: number } {
  for (const name of ['mosquitto', 'nobody']) {
    try {
      const id = (flag: string) => Number(execFileSync('id', [flag, name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
      return { uid: id('-u'), gid: id('-g') };
    } catch {
      /* no such user: try the next */
    }
  }
  throw new Error('neither a mosquitto nor a nobody user to own the broker persistence directory');
}

async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((res) => {
      const s = new Socket();
      s.once('connect', () => (s.destroy(), res(true)));
      s.once('error', () => (s.destroy(), res(false)));
      s.connect(port, '127.0.0.1');
    });
    if (ok) return;
    if (Date.now() > until) throw new Error(`port ${port} not open after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
