/** What pino's standard request serializer makes of a request (the fields this module touches). */
export interface SerializedRequest {
  url?: unknown;
  query?: unknown;
  headers?: unknown;
  [field: string]: unknown;
}

/** Headers that carry an API key (security/api-auth.guard.ts reads both) or a session. */
const SECRET_HEADERS = new Set(['authorization', 'x-api-key', 'proxy-authorization', 'cookie']);
/** The query parameter the SSE stream accepts a key in. */
const SECRET_QUERY = 'access_token';
const REDACTED = '[redacted]';

/**
 * Every log line written while a request is handled carries that request (nestjs-pino binds it), so
 * an info line of a service would otherwise write the caller's API key to the log, from the
 * Authorization or X-API-Key header or the SSE stream's ?access_token=. Used as pino-http's `req`
 * serializer: the same object without the secrets.
 */
export function redactRequest(req: SerializedRequest): SerializedRequest {
  const out: SerializedRequest = { ...req };
  if (typeof req.url === 'string') out.url = redactUrl(req.url);
  if (req.query !== null && typeof req.query === 'object' && SECRET_QUERY in req.query) {
    out.query = { ...(req.query as Record<string, unknown>), [SECRET_QUERY]: REDACTED };
  }
  if (req.headers !== null && typeof req.headers === 'object') {
    out.headers = Object.fromEntries(
      Object.entries(req.headers as Record<string, unknown>).map(([k, v]) => [k, SECRET_HEADERS.has(k.toLowerCase()) ? REDACTED : v]),
    );
  }
  return out;
}

/** The URL with the value of every `access_token` parameter replaced (whatever its case or encoding). */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const params = url
    .slice(q + 1)
    .split('&')
    .map((p) => {
      const eq = p.indexOf('=');
      const name = eq < 0 ? p : p.slice(0, eq);
      return safeDecode(name).toLowerCase() === SECRET_QUERY ? `${name}=${REDACTED}` : p;
    });
  return `${url.slice(0, q)}?${params.join('&')}`;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}
