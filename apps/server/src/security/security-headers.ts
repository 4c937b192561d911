import type { RequestHandler } from 'express';
import helmet from 'helmet';

/**
 * The Content-Security-Policy of every response: the console loads code, styles, data and images only
 * from this server (the one exception: the optional online OSM tile layer an operator can tick). No
 * inline script at all; inline style *attributes* only, which Leaflet's markup uses (no <style> blocks).
 */
export const CSP_DIRECTIVES: Readonly<Record<string, readonly string[]>> = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'script-src-attr': ["'none'"],
  'style-src': ["'self'"],
  'style-src-attr': ["'unsafe-inline'"],
  'img-src': ["'self'", 'data:', 'https://tile.openstreetmap.org'],
  'font-src': ["'self'"],
  'connect-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'none'"],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
};

/**
 * Security headers on every response, from helmet (maintained, and it knows the headers' quirks): the CSP
 * above, HSTS (one year; browsers heed it only over HTTPS), X-Content-Type-Options nosniff,
 * Referrer-Policy no-referrer, X-Frame-Options DENY (for browsers without frame-ancestors), and the
 * cross-origin isolation headers. `upgrade-insecure-requests` only when this server speaks HTTPS: on plain
 * HTTP it would send the console's own requests to an https:// that is not there.
 */
export function securityHeaders(tls: boolean): RequestHandler {
  const directives: Record<string, string[] | null> = Object.fromEntries(Object.entries(CSP_DIRECTIVES).map(([k, v]) => [k, [...v]]));
  directives['upgrade-insecure-requests'] = tls ? [] : null;
  return helmet({
    contentSecurityPolicy: { useDefaults: false, directives },
    strictTransportSecurity: { maxAge: 31_536_000, includeSubDomains: true },
    referrerPolicy: { policy: 'no-referrer' },
    xFrameOptions: { action: 'deny' },
  });
}
