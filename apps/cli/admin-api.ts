// The running server's admin API, as the CLIs reach it when there is no DATABASE_URL (the embedded
// server holds the single-process PGlite, so units, users, import and report go through it).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** A refusal a CLI prints as one line and exits 1 on (no stack trace). */
export class CliError extends Error {}

/**
 * Runs a CLI's main: a CliError, or an error of one of the `expected` classes (a library's refusal of bad
 * input), is printed as one line and exits 1; anything else is a bug and keeps its stack.
 */
export function runCli(main: () => Promise<void>, expected: ReadonlyArray<abstract new (...args: never[]) => Error> = []): void {
  main().catch((e: Error) => {
    if (!(e instanceof CliError || expected.some((c) => e instanceof c))) throw e;
    process.stderr.write(`error: ${e.message}\n`);
    process.exit(1);
  });
}

export interface AdminApiResponse {
  status: number;
  ok: boolean;
  /** The JSON body, or null when there was none or it was not JSON. */
  body: any; // each caller reads its route's shape
}

export interface AdminApiRequest {
  /** Sent as JSON (content-type set). */
  json?: unknown;
  /** A raw body (a file stream) with its own headers. */
  body?: RequestInit['body'];
  headers?: Record<string, string>;
}

export interface AdminApi {
  readonly base: string;
  /**
   * One call. An unreachable server and a refused key (401/403) become CliErrors that say what to set;
   * any other status is returned for the caller to judge.
   */
  call(method: string, path: string, req?: AdminApiRequest): Promise<AdminApiResponse>;
}

/**
 * The admin API at RC_API_URL (default http(s)://127.0.0.1:<PORT>, https when the server has TLS_CERT_FILE)
 * with RC_API_KEY, else the embedded demo's key in DATA_DIR/admin-api-key.
 */
export function adminApi(cfg: AdminApiConfig, env: NodeJS.ProcessEnv = process.env): AdminApi {
  const { base, key } = adminApiTarget(cfg, env);
  return adminApiAt(base, key);
}

type AdminApiConfig = { httpPort: number; dataDir: string; tlsCertFile?: string | null };

/** Where the admin API is and the key to send, for a CLI that makes its own request (a binary backup). */
export function adminApiTarget(cfg: AdminApiConfig, env: NodeJS.ProcessEnv = process.env): { base: string; key: string | undefined } {
  const demoKey = join(cfg.dataDir, 'admin-api-key');
  const key = env.RC_API_KEY ?? (existsSync(demoKey) ? readFileSync(demoKey, 'utf8').trim() : undefined);
  const scheme = cfg.tlsCertFile ? 'https' : 'http';
  return { base: env.RC_API_URL ?? `${scheme}://127.0.0.1:${cfg.httpPort}`, key };
}

export function adminApiAt(base: string, key: string | undefined): AdminApi {
  return {
    base,
    async call(method, path, req = {}) {
      const headers: Record<string, string> = { ...(key ? { authorization: `Bearer ${key}` } : {}), ...req.headers };
      let body = req.body;
      if (req.json !== undefined) {
        headers['content-type'] = 'application/json';
        body = JSON.stringify(req.json);
      }
      let res: Response;
      try {
        // duplex: a streamed body (an uploaded file) needs it; harmless otherwise
        res = await fetch(`${base}${path}`, { method, headers, body, duplex: 'half' } as RequestInit);
      } catch (e) {
        const why = (e as Error & { cause?: Error }).cause?.message ?? (e as Error).message;
        throw new CliError(`cannot reach the server at ${base} (${why}); is it running? set RC_API_URL, or DATABASE_URL for a database`);
      }
      const data: unknown = await res.json().catch(() => null);
      if (res.status === 401 || res.status === 403) throw new CliError(`the server refused the request (HTTP ${res.status}): set RC_API_KEY to an admin key`);
      return { status: res.status, ok: res.ok, body: data };
    },
  };
}

/** The server's reason in a refusal body ({code, message}), else the body itself. */
export function refusalText(r: AdminApiResponse): string {
  const b = r.body as { message?: unknown } | null;
  return typeof b?.message === 'string' ? b.message : JSON.stringify(r.body);
}
