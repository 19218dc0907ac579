import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { clientInfo } from '../../http/client-info';
import { createRouter } from '../../http/context';
import { httpErrors } from '../../http/errors';
import { normaliseOrigin } from '../../registry/origin';
import { bearerToken } from '../../sdk/bearer-token';
import { isTollgateTokenError } from '../../sdk/token-error';
import type { Identity } from '../index';
import { createUserCache } from '../users';
import { createTtlCache } from '../../lib/ttl-cache';

const me = createRoute({
  method: 'get',
  path: '/v1/me',
  tags: ['Users'],
  summary: 'The user an access token belongs to. From a browser, the Origin must be one of the token\'s app\'s origins.',
  security: [{ bearer: [] }],
  responses: { 200: { description: 'The user', content: { 'application/json': { schema: z.object({ user: z.record(z.string(), z.unknown()), appId: z.string(), scope: z.array(z.string()) }) } } } },
});

const signOut = createRoute({
  method: 'post',
  path: '/v1/me/signout',
  tags: ['Users'],
  summary: 'Ends the Tollgate session of an access token (`sid`), or with `everywhere` all of its user\'s sessions, and their refresh tokens. Every app signed in through them is signed out.',
  security: [{ bearer: [] }],
  request: { body: { content: { 'application/json': { schema: z.object({ everywhere: z.boolean().default(false) }) } }, required: false } },
  responses: { 204: { description: 'Signed out (also when the session had already ended)' } },
});

const unauthorized = (message: string, code = 'UNAUTHORIZED') =>
  Object.assign(httpErrors.UNAUTHORIZED(message, undefined, { 'WWW-Authenticate': 'Bearer error="invalid_token"' }), { code });

/** Verifies a bearer access token and the request's Origin against the token's app. */
export async function authenticateBearer(identity: Identity, authorization: string | undefined, origin: string | undefined) {
  const token = bearerToken(authorization);
  if (!token) throw unauthorized('Send an access token as `Authorization: Bearer …`.');
  let claims;
  try {
    claims = await identity.verifier.check(token);
  } catch (error) {
    if (isTollgateTokenError(error) && error.code === 'JWKS_UNAVAILABLE') throw httpErrors.UNAVAILABLE('The signing keys cannot be read right now; try again.');
    if (isTollgateTokenError(error)) throw unauthorized(error.message, error.code);
    throw error;
  }
  // The Tollgate origin itself is every app's: its frames call the API with the app's token.
  if (origin !== undefined && origin !== identity.config.publicUrl) {
    const normalised = normaliseOrigin(origin);
    if (!normalised.ok || !(await identity.registry.isOriginOfApp(claims.aud, normalised.value))) {
      throw httpErrors.ORIGIN_NOT_ALLOWED('This origin is not registered for the app this token was issued to.');
    }
  }
  return claims;
}

export function meRoutes(identity: Identity) {
  const users = createUserCache(identity.db);
  // A token of a session that was signed out stops working here within 5 s (at once on this
  // instance), without a query on every request.
  const liveSessions = createTtlCache((sid: string) => identity.sessions.isLive(sid));
  const actor = (c: Context) => clientInfo(c, identity.config.trustProxy);
  return createRouter()
    .openapi(signOut, async (c) => {
      const claims = await authenticateBearer(identity, c.req.header('authorization'), c.req.header('origin'));
      // No body means this session only.
      const everywhere = (c.req.valid('json') as { everywhere?: boolean } | undefined)?.everywhere === true;
      const ended = await identity.signOut(claims.sub, everywhere ? {} : { publicId: claims.sid }, { ...actor(c), currentSession: claims.sid });
      liveSessions.forget(ended);
      return c.body(null, 204, { 'Cache-Control': 'no-store' });
    })
    .openapi(me, async (c) => {
    const claims = await authenticateBearer(identity, c.req.header('authorization'), c.req.header('origin'));
    if (!(await liveSessions.get(claims.sid))) throw unauthorized('The session behind this token has ended; sign in again.', 'SESSION_ENDED');
    const user = await users.get(claims.sub);
    if (!user) throw unauthorized('The user no longer exists.');
    // Like userinfo: email with the `email` scope, the name with `profile`.
    const scopes = new Set(claims.scope);
    const view = {
      id: user.id,
      role: user.role,
      createdAt: user.createdAt,
      ...(scopes.has('email') ? { email: user.email, emailVerified: user.emailVerified } : {}),
      ...(scopes.has('profile') ? { name: user.name } : {}),
    };
    return c.json({ user: view, appId: claims.aud, scope: [...claims.scope] }, 200, { 'Cache-Control': 'no-store' });
  });
}
