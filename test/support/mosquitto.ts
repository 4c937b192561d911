import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chownSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const SHIPPED_MOSQUITTO_CONF = resolve(__dirname, '../../docker/mosquitto/mosquitto.conf');

export async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => res(port));
    });
  });
}

export interface RunningMosquitto {
  url: string;
  /**
   * SIGTERM (a graceful stop: Mosquitto saves its persistence file), `whileDown`, then the same binary,
   * config and data again on the same port.
   */
  restart(whileDown?: () => Promise<void>): Promise<void>;
  /** Everything the broker wrote to stderr (its log: errors, warnings, notices). */
  log(): string;
  stop(): Promise<void>;
}

/**
 * A real Mosquitto running the shipped docker/mosquitto/mosquitto.conf, on a free loopback port with
 * its persistence in a temporary directory: the tests check the configuration we ship, not the
 * machine's defaults (which drop QoS1 messages for a slow subscriber).
 */
export async function startMosquitto(binary: string): Promise<RunningMosquitto> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'rc-mosquitto-'));
  // Started as root, Mosquitto drops to the `mosquitto` user, which must own persistence_location (as
  // in the image); otherwise it saves nothing ("Error saving in-memory database") and a restart
  // forgets every session with all it held.
  if (process.getuid?.() === 0) {
    const owner = brokerUser();
    chownSync(dir, owner.uid, owner.gid);
  }
  const conf = readFileSync(SHIPPED_MOSQUITTO_CONF, 'utf8')
    .replace(/^listener 1883$/m, `listener ${port} 127.0.0.1`)
    .replace(/^persistence_location .*$/m, `persistence_location ${dir}/`);
  if (conf === readFileSync(SHIPPED_MOSQUITTO_CONF, 'utf8')) throw new Error('shipped mosquitto.conf changed shape');
  const confPath = join(dir, 'mosquitto.conf');
  writeFileSync(confPath, conf);
  let stderr = '';
  const launch = async (): Promise<ChildProcess> => {
    const p: ChildProcess = spawn(binary, ['-c', confPath], { stdio: ['ignore', 'ignore', 'pipe'] });
    p.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    await waitForPort(port, 5000).catch((e: Error) => {
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
  return {
    url: `mqtt://127.0.0.1:${port}`,
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
