import { ChildProcess, spawn } from 'node:child_process';
import { request as httpsRequest } from 'node:https';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateApiKey, keyFileLine, type Role, ROLES } from '@rescue/security';
import { REPO_ROOT, SERVER_MAIN } from './build-server';
import { freePort } from './ports';

export { buildServer, REPO_ROOT, SERVER_MAIN } from './build-server';

/** One key per role for every server this test process starts (random: a leaked test key opens nothing). */
export const TEST_API_KEYS: Readonly<Record<Role, string>> = Object.fromEntries(ROLES.map((r) => [r, generateApiKey()])) as Record<Role, string>;

/** Writes the test keys as a key file (key names test-<role>) and returns its path. */
export function writeTestApiKeyFile(dir: string): string {
  const file = join(dir, 'test-api-keys');
  writeFileSync(file, ROLES.map((r) => keyFileLine(`test-${r}`, r, TEST_API_KEYS[r])).join('\n') + '\n', { mode: 0o600 });
  return file;
}

export interface ServerProcess {
  url: string;
  /** The key of each role (when the caller did not bring its own API_KEYS_FILE). */
  apiKeys: Readonly<Record<Role, string>>;
  /** fetch(url + path) with the role's key as `Authorization: Bearer` (admin unless told). */
  api(path: string, init?: RequestInit, role?: Role): Promise<Response>;
  mqttUrl: string;
  dataDir: string;
  /** Everything the process wrote (JSON log lines). */
  output(): string;
  /** SIGTERM and wait; keeps the data directory unless `removeData`. */
  stop(removeData?: boolean): Promise<void>;
  /** SIGKILL: a crash. */
  kill(): Promise<void>;
}

/**
 * Starts the built server (`SERVER_MAIN`) with its own free HTTP and embedded-MQTT ports and a fresh
 * data directory (or the given one, to test a restart), and waits until GET /health answers 200.
 * `env` overrides anything (DATABASE_URL, MQTT_URL, SIMULATOR, …).
 */
export async function startServer(env: Record<string, string> = {}, opts: StartOptions = {}): Promise<ServerProcess> {
  // A port free when picked can be taken before the server binds it (ports come from the ephemeral range that
  // outgoing connections also use): pick new ones and start again, a bounded number of times.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startServerOnce(env, opts);
    } catch (e) {
      if (!(e instanceof PortTakenError) || attempt === 3) throw e;
    }
  }
}

interface StartOptions {
  dataDir?: string;
  timeoutMs?: number;
  ca?: Buffer;
}

class PortTakenError extends Error {}

async function startServerOnce(env: Record<string, string>, opts: StartOptions): Promise<ServerProcess> {
  const port = await freePort();
  const mqttPort = await freePort();
  const jt808Port = await freePort();
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'rc-server-'));
  const keyFile = env.API_KEYS_FILE === undefined ? { API_KEYS_FILE: writeTestApiKeyFile(dataDir) } : {};
  const proc: ChildProcess = spawn(process.execPath, [SERVER_MAIN], {
    cwd: REPO_ROOT,
    env: { ...process.env, NODE_OPTIONS: '', PORT: String(port), EMBEDDED_MQTT_PORT: String(mqttPort), JT808_PORT: String(jt808Port), DATA_DIR: dataDir, LOG_LEVEL: 'info', ...keyFile, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  // With TLS_CERT_FILE the server speaks HTTPS only; `ca` is the test certificate to trust.
  const url = `${opts.ca ? 'https' : 'http'}://127.0.0.1:${port}`;
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  const until = Date.now() + (opts.timeoutMs ?? 60_000);
  for (;;) {
    if (proc.exitCode !== null) {
      const message = `server exited with ${proc.exitCode}:\n${out.slice(-3000)}`;
      if (!out.includes('EADDRINUSE')) throw new Error(message);
      if (opts.dataDir === undefined) rmSync(dataDir, { recursive: true, force: true });
      throw new PortTakenError(message);
    }
    try {
      const status = opts.ca ? (await httpsGet(`${url}/health`, opts.ca)).status : (await fetch(`${url}/health`)).status;
      if (status === 200) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > until) {
      proc.kill('SIGKILL');
      throw new Error(`server not healthy in time:\n${out.slice(-3000)}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  const finish = async (signal: NodeJS.Signals, removeData: boolean) => {
    if (proc.exitCode === null && proc.signalCode === null) {
      proc.kill(signal);
      await exited;
    }
    if (removeData) rmSync(dataDir, { recursive: true, force: true });
  };
  return {
    url,
    apiKeys: TEST_API_KEYS,
    api: (path, init = {}, role = 'admin') => {
      const headers = new Headers(init.headers);
      headers.set('authorization', `Bearer ${TEST_API_KEYS[role]}`);
      return fetch(`${url}${path}`, { ...init, headers });
    },
    mqttUrl: env.MQTT_URL ?? `mqtt://127.0.0.1:${mqttPort}`,
    dataDir,
    output: () => out,
    stop: (removeData = true) => finish('SIGTERM', removeData),
    kill: () => finish('SIGKILL', false),
  };
}

/** GET over HTTPS trusting `ca` (fetch cannot be given a CA): status, headers and body. */
export function httpsGet(url: string, ca: Buffer, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(url, { ca, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}
