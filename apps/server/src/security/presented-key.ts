import type { Request } from 'express';

/**
 * Authorization: Bearer <key>, else X-API-Key, else (SSE only) ?access_token=. undefined: none sent;
 * '' for a malformed Authorization header. Also what the HTTP rate limit charges a request to.
 */
export function presentedKey(req: Pick<Request, 'headers' | 'query'>, queryAllowed: boolean): string | undefined {
  const auth = req.headers.authorization;
  if (typeof auth === 'string' && auth !== '') {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(auth);
    // A malformed header is an unknown key, not a missing one: the caller did try.
    return m ? m[1] : '';
  }
  const x = req.headers['x-api-key'];
  if (typeof x === 'string' && x !== '') return x.trim();
  if (queryAllowed) {
    const q = req.query?.['access_token'];
    if (typeof q === 'string' && q !== '') return q;
  }
  return undefined;
}
