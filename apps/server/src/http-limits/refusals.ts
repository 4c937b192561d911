import type { Response } from 'express';
import { Counter, type Registry } from 'prom-client';

/** Why the HTTP edge refused a request before any controller saw it (or ended an SSE stream). */
export type RefusalReason =
  | 'rate_limited' | 'body_too_large' | 'bad_json' | 'json_shape' | 'unsupported_media_type' | 'nul_in_url'
  | 'sse_full' | 'sse_key_full' | 'sse_stalled';

const NAME = 'rc_http_refused_total';

/** The one counter of edge refusals in the app's registry (created on first use, shared after). */
export function refusalCounter(registry: Registry): Counter<'reason'> {
  const existing = registry.getSingleMetric(NAME);
  if (existing) return existing as Counter<'reason'>;
  return new Counter({
    name: NAME,
    help: 'HTTP requests refused at the edge (rate limit, body size or shape, media type, SSE bounds), by reason',
    labelNames: ['reason'],
    registers: [registry],
  });
}

/** The error body every refusal answers with: the same shape as the controllers' errors. */
export function refuse(res: Response, status: number, code: string, message: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.status(status).json({ statusCode: status, code, message });
}
