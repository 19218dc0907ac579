import { randomBytes } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { secretsEqual } from '../lib/random';
import { identityErrors } from './errors';

const COOKIE = 'tg_csrf'; // sent as __Host-tg_csrf

/**
 * The CSRF token of the hosted pages: a random value in an HttpOnly `__Host-` cookie, echoed
 * into the page it protects. Another site can neither read the page nor set the cookie.
 */
export function csrfToken(c: Context): string {
  const existing = getCookie(c, COOKIE, 'host');
  if (existing && /^[A-Za-z0-9_-]{43}$/.test(existing)) return existing;
  const token = randomBytes(32).toString('base64url');
  setCookie(c, COOKIE, token, { prefix: 'host', path: '/', httpOnly: true, secure: true, sameSite: 'Lax' });
  return token;
}

/**
 * Refuses a state-changing request unless it comes from our own origin (Origin header) and
 * carries the page's token in `X-CSRF-Token`.
 */
export function requireCsrf(publicUrl: string): MiddlewareHandler {
  return async function requireCsrf(c, next) {
    if (c.req.method === 'GET' || c.req.method === 'HEAD' || c.req.method === 'OPTIONS') return next();
    if (c.req.header('origin') !== publicUrl) throw identityErrors.CSRF_FAILED();
    const cookie = getCookie(c, COOKIE, 'host') ?? '';
    const header = c.req.header('x-csrf-token') ?? '';
    if (!cookie || !secretsEqual(cookie, header)) throw identityErrors.CSRF_FAILED();
    await next();
  };
}
