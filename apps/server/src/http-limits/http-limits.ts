import type { NestExpressApplication } from '@nestjs/platform-express';
import type { AppConfig } from '@rescue/config';
import type { ApiKeyRing } from '@rescue/security';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { Registry } from 'prom-client';
import { presentedKey } from '../security/presented-key';
import { jsonShapeProblem } from './json-shape';
import { RateLimiter } from './rate-limiter';
import { refusalCounter, refuse } from './refusals';

/** Bodies that are uploads (demand points, station lists, tracks to match): they get HTTP_MAX_UPLOAD_BYTES. */
const UPLOAD_ROUTES = new Set(['/coverage/analyses', '/coverage/sitings', '/routing/match']);

/**
 * File imports (CSV, XLSX, GeoJSON): the body is the file itself, streamed to the importer, which
 * bounds its size (HTTP_MAX_IMPORT_BYTES); no JSON parser runs on it.
 */
export const isFileImport = (req: Request): boolean => req.method === 'POST' && req.path.startsWith('/admin/import/');

/**
 * The client a request is charged to: its API key when it sends a known one, else its address. An
 * unknown key counts as the address: were it charged to itself, a client could send a new made-up key
 * with every request and start each with a full bucket, escaping the limit altogether.
 */
export function clientKey(req: Request, ring: ApiKeyRing): string {
  // Wherever the guard would read one; ?access_token= too (the route, SSE or not, is not known yet).
  const key = presentedKey(req, true);
  const known = key ? ring.find(key) : null;
  if (known) return `key:${known.name}`;
  return `ip:${req.socket.remoteAddress ?? 'unknown'}`;
}

function isJsonMediaType(header: string | undefined): boolean {
  const type = (header ?? '').split(';')[0]!.trim().toLowerCase();
  return type === 'application/json' || /^application\/[a-z0-9.!#$&^_-]+\+json$/.test(type);
}

function hasBody(req: Request): boolean {
  const len = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (len !== undefined && len !== '0');
}

/**
 * The HTTP edge, in front of every route: a per-client rate limit (not on /health), JSON bodies only and
 * of a bounded size (larger for the coverage uploads), parsed with a bounded nesting depth and no NUL
 * characters. Every refusal is a JSON {statusCode, code, message} and counts in rc_http_refused_total.
 * Call before listen(), with the app created with `bodyParser: false` (these parsers replace Nest's).
 */
export function installHttpLimits(app: NestExpressApplication, cfg: AppConfig, registry: Registry, ring: ApiKeyRing): void {
  const refused = refusalCounter(registry);

  if (cfg.httpRateLimitPerS > 0) {
    const limiter = new RateLimiter(cfg.httpRateLimitPerS, cfg.httpRateLimitBurst);
    app.use((req: Request, res: Response, next: NextFunction) => {
      if (req.path === '/health') return next();
      const d = limiter.take(clientKey(req, ring));
      if (d.ok) return next();
      refused.inc({ reason: 'rate_limited' });
      res.setHeader('Retry-After', String(d.retryAfterS));
      refuse(res, 429, 'RATE_LIMITED', `more than ${cfg.httpRateLimitPerS} requests per second (burst ${cfg.httpRateLimitBurst}) from this client; retry after ${d.retryAfterS} s`);
    });
  }

  // PostgreSQL text cannot hold NUL; a %00 in a path or query parameter would reach a query as a 500.
  app.use((req: Request, res: Response, next: NextFunction) => {
    if (!/%00|\u0000/i.test(req.url)) return next();
    refused.inc({ reason: 'nul_in_url' });
    refuse(res, 400, 'BAD_INPUT', 'the URL holds a NUL character (%00)');
  });

  // Without this, a body sent as text/plain or a form is silently ignored and the route runs on {}.
  app.use((req: Request, res: Response, next: NextFunction) => {
    if (!hasBody(req) || isJsonMediaType(req.headers['content-type']) || isFileImport(req)) return next();
    refused.inc({ reason: 'unsupported_media_type' });
    refuse(res, 415, 'UNSUPPORTED_MEDIA_TYPE', `request bodies are JSON: send Content-Type: application/json (got ${JSON.stringify(req.headers['content-type'] ?? null)})`);
  });

  const parser = (limit: number) => express.json({ limit, strict: true, type: () => true });
  const small = parser(cfg.httpMaxBodyBytes);
  const upload = parser(cfg.httpMaxUploadBytes);
  app.use((req: Request, res: Response, next: NextFunction) => {
    if (isFileImport(req)) return next();
    const isUpload = req.method === 'POST' && UPLOAD_ROUTES.has(req.path);
    const limit = isUpload ? cfg.httpMaxUploadBytes : cfg.httpMaxBodyBytes;
    (isUpload ? upload : small)(req, res, (err?: unknown) => {
      if (err === undefined || err === null) return next();
      const e = err as { type?: string; status?: number; message?: string };
      if (e.type === 'entity.too.large') {
        refused.inc({ reason: 'body_too_large' });
        return refuse(res, 413, 'BODY_TOO_LARGE', `request body larger than ${limit} bytes (${isUpload ? 'HTTP_MAX_UPLOAD_BYTES' : 'HTTP_MAX_BODY_BYTES'})`);
      }
      if (typeof e.status === 'number' && e.status >= 400 && e.status < 500) {
        refused.inc({ reason: 'bad_json' });
        return refuse(res, e.status, e.status === 415 ? 'UNSUPPORTED_MEDIA_TYPE' : 'BAD_JSON', `request body: ${e.message ?? 'unreadable'}`);
      }
      next(err);
    });
  });

  app.use((req: Request, res: Response, next: NextFunction) => {
    const problem = req.body === undefined ? null : jsonShapeProblem(req.body);
    if (problem === null) return next();
    refused.inc({ reason: 'json_shape' });
    refuse(res, 400, 'BAD_INPUT', problem);
  });
}
