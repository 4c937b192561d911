import { BadInputError } from '@rescue/common';

export const WEBHOOK_URL_MAX = 2048;

/**
 * A subscriber's URL: absolute http(s), no user:password (secrets go in `secret`, never in a URL that
 * ends up in logs), no fragment. Loopback and private addresses are allowed: the 110/119 linkage and
 * hospitals sit on private networks, and only admins register subscribers.
 */
export function checkWebhookUrl(raw: unknown): string {
  if (typeof raw !== 'string' || raw.length === 0) throw new BadInputError('url: required');
  if (raw.length > WEBHOOK_URL_MAX) throw new BadInputError(`url: at most ${WEBHOOK_URL_MAX} characters`);
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new BadInputError('url: not an absolute URL (expected https://host/path)');
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new BadInputError(`url: only http and https, not ${u.protocol.replace(/:$/, '')}`);
  if (u.username || u.password) throw new BadInputError('url: no credentials in the URL; the secret signs each request');
  if (u.hash) throw new BadInputError('url: no fragment');
  if (!u.hostname) throw new BadInputError('url: no host');
  return u.toString();
}

export const SECRET_MIN = 16;
export const SECRET_MAX = 256;

export function checkWebhookSecret(raw: unknown): string {
  if (typeof raw !== 'string' || raw.length < SECRET_MIN || raw.length > SECRET_MAX) {
    throw new BadInputError(`secret: ${SECRET_MIN}-${SECRET_MAX} characters`);
  }
  return raw;
}
