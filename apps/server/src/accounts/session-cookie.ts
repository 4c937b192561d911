import type { Request, Response } from 'express';

/**
 * The console's session cookie: HttpOnly (no script reads it), SameSite=Strict (no other site's page
 * sends it: with JSON-only bodies this is the CSRF defence), Secure with the `__Host-` name (https, or a
 * browser on 127.0.0.1/localhost) unless SESSION_COOKIE_SECURE=false for plain HTTP on another address.
 */
export function sessionCookieName(secure: boolean): string {
  return secure ? '__Host-rc_session' : 'rc_session';
}

export function setSessionCookie(res: Response, token: string, secure: boolean, maxAgeMs: number): void {
  res.cookie(sessionCookieName(secure), token, { httpOnly: true, secure, sameSite: 'strict', path: '/', maxAge: maxAgeMs });
}

export function clearSessionCookie(res: Response, secure: boolean): void {
  res.clearCookie(sessionCookieName(secure), { httpOnly: true, secure, sameSite: 'strict', path: '/' });
}

/** The session cookie's value, if the request carries it (either name, so a changed setting still logs out cleanly). */
export function sessionCookie(req: Pick<Request, 'headers'>): string | undefined {
  const header = req.headers.cookie;
  if (typeof header !== 'string' || header.length > 8192) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim();
    if (name === '__Host-rc_session' || name === 'rc_session') {
      const v = part.slice(eq + 1).trim();
      return v === '' ? undefined : v;
    }
  }
  return undefined;
}
