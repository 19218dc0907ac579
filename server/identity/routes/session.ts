import type { Context, MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { SessionRow, UserRow } from '../../db/schema';
import { clientInfo } from '../../http/client-info';
import { identityErrors } from '../errors';
import type { Identity } from '../index';
import { findUser } from '../users';

declare module 'hono' {
  interface ContextVariableMap {
    session: SessionRow | undefined;
  }
}

const COOKIE = 'tg_session'; // sent as __Host-tg_session

/** Reads the session cookie (if any) into `c.var.session`. */
export function loadSession(identity: Identity): MiddlewareHandler {
  return async function loadSession(c, next) {
    c.set('session', await identity.sessions.fromToken(getCookie(c, COOKIE, 'host')));
    await next();
  };
}

/** The signed-in user, or 401 NOT_SIGNED_IN. */
export async function requireUser(c: Context, identity: Identity): Promise<{ session: SessionRow; user: UserRow }> {
  const session = c.get('session');
  const user = session && (await findUser(identity.db, session.user_id));
  if (!session || !user) throw identityErrors.NOT_SIGNED_IN();
  return { session, user };
}

/**
 * Starts a session after a successful sign-in: always a new id (no fixation), the old one
 * ended. `__Host-` cookie: Secure, Path=/, no Domain; browsers treat http://localhost as secure.
 */
export async function startSession(c: Context, identity: Identity, user: UserRow): Promise<SessionRow> {
  const previous = c.get('session');
  // Another user signing in on this browser ends the first user's session; the same user
  // signing in again keeps theirs, under a new cookie value.
  if (previous && previous.user_id !== user.id) await identity.signOut(previous.user_id, { publicId: previous.public_id });
  const { token, session } =
    previous && previous.user_id === user.id
      ? await identity.sessions.reauthenticate(previous)
      : await identity.sessions.create(user.id, clientInfo(c, identity.config.trustProxy));
  setCookie(c, COOKIE, token, { prefix: 'host', path: '/', httpOnly: true, secure: true, sameSite: 'Lax', maxAge: identity.sessions.maxAgeSeconds });
  c.set('session', session);
  return session;
}

export function clearSessionCookie(c: Context) {
  deleteCookie(c, COOKIE, { prefix: 'host', path: '/', secure: true });
}
