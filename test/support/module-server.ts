import { type ChildProcess, spawn } from 'node:child_process';

export interface ModuleServer {
  base: string;
  /** Everything the process printed so far. */
  output(): string;
  stop(): void;
}

/**
 * Runs a small TypeScript script (tsx) that starts one Nest module over HTTP and prints
 * `LISTENING <url>`; resolves with that URL. A child process because Jest's CommonJS runtime cannot
 * load Nest 12's ESM packages.
 */
export function startModuleServer(script: string, env: Record<string, string>, timeoutMs = 60_000): Promise<ModuleServer> {
  const child: ChildProcess = spawn(process.execPath, [require.resolve('tsx/cli'), script], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  return new Promise<ModuleServer>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${log}`)), timeoutMs);
    child.stdout!.on('data', (b: Buffer) => {
      log += b.toString();
      const m = /LISTENING (\S+)/.exec(log);
      if (m) {
        clearTimeout(timer);
        resolve({ base: m[1]!, output: () => log, stop: () => void child.kill() });
      }
    });
    child.stderr!.on('data', (b: Buffer) => (log += b.toString()));
    child.on('exit', (code) => reject(new Error(`server exited ${code}:\n${log}`)));
  });
}
