import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { errors as joseErrors, jwtVerify } from 'jose';
import { clientInfo } from '../../http/client-info';
import { createRouter } from '../../http/context';
import { bearerToken } from '../../sdk/bearer-token';
import type { Identity } from '../index';
import { SUPPORTED_SCOPES } from '../oauth/authorize-request';
import { OAuthError, sameRedirect } from '../oauth/service';
import { isAppError } from '../../http/errors';
import { renderErrorPage } from '../pages';
import { findUser } from '../users';
import { clearSessionCookie } from './session';

const tags = ['OAuth 2.1 / OIDC'];
const FORM = /^application\/x-www-form-urlencoded\s*(;|$)/i;
const json = (description: string) => ({ description, content: { 'application/json': { schema: z.record(z.string(), z.unknown()) } } });

const token = createRoute({ method: 'post', path: '/oauth/token', tags, summary: 'Token endpoint (RFC 6749 §3.2): authorization_code with PKCE, refresh_token with rotation. Form-encoded.', responses: { 200: json('Tokens'), 400: json('RFC 6749 §5.2 error') } });
const revoke = createRoute({ method: 'post', path: '/oauth/revoke', tags, summary: 'Token revocation (RFC 7009). Form-encoded.', responses: { 200: { description: 'Revoked (or unknown: the answer is the same)' } } });
const userinfo = createRoute({ method: 'get', path: '/oauth/userinfo', tags, summary: 'OIDC UserInfo with a bearer access token.', security: [{ bearer: [] }], responses: { 200: json('Claims') } });
const discovery = createRoute({ method: 'get', path: '/.well-known/openid-configuration', tags, summary: 'OpenID Provider metadata (OIDC Discovery 1.0).', responses: { 200: json('Metadata') } });
const jwks = createRoute({ method: 'get', path: '/.well-known/jwks.json', tags, summary: 'The public signing keys (RFC 7517).', responses: { 200: json('JWK Set') } });

/** RFC 6749 §5.2 errors: `{ error, error_description }`, no-store, 401 + WWW-Authenticate for clients. */
function oauthError(c: Context, error: OAuthError) {
  return c.json({ error: error.error, error_description: error.description }, error.status, {
    'Cache-Control': 'no-store',
    ...(error.status === 401 ? { 'WWW-Authenticate': error.error === 'invalid_token' ? 'Bearer error="invalid_token"' : 'Basic realm="tollgate"' } : {}),
  });
}

/** RFC 6749 defines no rate-limit error: `invalid_request` with 429 and Retry-After, in its shape. */
function rateLimited(c: Context, error: { message: string; headers?: Record<string, string> }) {
  return c.json({ error: 'invalid_request', error_description: error.message }, 429, { 'Cache-Control': 'no-store', ...error.headers });
}

/** A form body with each parameter at most once (RFC 6749 §3.2: parameters must not repeat). */
async function readForm(c: Context, allowed: string[]): Promise<Record<string, string>> {
  if (!FORM.test(c.req.header('content-type') ?? '')) throw new OAuthError('invalid_request', 'Send the parameters as application/x-www-form-urlencoded.');
  const text = await c.req.text();
  if (text.length > 16_384) throw new OAuthError('invalid_request', 'The request is too large.');
  const form: Record<string, string> = Object.create(null);
  for (const [key, value] of new URLSearchParams(text)) {
    if (!allowed.includes(key)) continue;
    if (key in form) throw new OAuthError('invalid_request', `The parameter "${key}" appears more than once.`);
    if (value.length > 4096) throw new OAuthError('invalid_request', `The parameter "${key}" is too long.`);
    form[key] = value;
  }
  return form;
}

function required(form: Record<string, string>, key: string): string {
  const value = form[key];
  if (!value) throw new OAuthError('invalid_request', `The parameter "${key}" is required.`);
  return value;
}

export function oauthRoutes(identity: Identity) {
  const { oauth, keys, rateLimits, sessions, verifier, registry, config } = identity;
  const issuer = config.publicUrl;
  const actor = (c: Context) => clientInfo(c, config.trustProxy);

  const router = createRouter()
    .openapi(token, async (c) => {
      try {
        await rateLimits.consume('token_ip', actor(c).ip);
        const form = await readForm(c, ['grant_type', 'code', 'redirect_uri', 'client_id', 'code_verifier', 'refresh_token', 'scope']);
        const grantType = required(form, 'grant_type');
        const clientId = required(form, 'client_id');
        let body;
        if (grantType === 'authorization_code') {
          body = await oauth.exchangeCode({ code: required(form, 'code'), redirectUri: required(form, 'redirect_uri'), clientId, codeVerifier: required(form, 'code_verifier') }, actor(c));
        } else if (grantType === 'refresh_token') {
          body = await oauth.refresh({ refreshToken: required(form, 'refresh_token'), clientId }, actor(c));
        } else throw new OAuthError('unsupported_grant_type', 'grant_type must be authorization_code or refresh_token.');
        return c.json(body, 200, { 'Cache-Control': 'no-store', Pragma: 'no-cache' });
      } catch (error) {
        if (error instanceof OAuthError) return oauthError(c, error) as never;
        if (isAppError(error) && error.status === 429) return rateLimited(c, error) as never;
        throw error;
      }
    })
    .openapi(revoke, async (c) => {
      try {
        await rateLimits.consume('token_ip', actor(c).ip);
        const form = await readForm(c, ['token', 'token_type_hint', 'client_id']);
        await oauth.revoke({ token: required(form, 'token'), clientId: required(form, 'client_id') });
        return c.body(null, 200, { 'Cache-Control': 'no-store' });
      } catch (error) {
        if (error instanceof OAuthError) return oauthError(c, error) as never;
        if (isAppError(error) && error.status === 429) return rateLimited(c, error) as never;
        throw error;
      }
    })
    .openapi(userinfo, async (c) => {
      const presented = bearerToken(c.req.header('authorization'));
      const fail = (why: string) => oauthError(c, new OAuthError('invalid_token', why, 401)) as never;
      if (!presented) return fail('Send an access token as `Authorization: Bearer …`.');
      let claims;
      try {
        claims = await verifier.check(presented);
      } catch {
        return fail('The access token is invalid or expired.');
      }
      if (!(await sessions.isLive(claims.sid))) return fail('The session behind this token has ended.');
      const user = await findUser(identity.db, claims.sub);
      if (!user) return fail('The user no longer exists.');
      const scopes = new Set(claims.scope);
      return c.json(
        {
          sub: user.id,
          ...(scopes.has('email') ? { email: user.email, email_verified: user.email_verified_at !== null } : {}),
          ...(scopes.has('profile') ? { name: user.name } : {}),
        },
        200,
        { 'Cache-Control': 'no-store' },
      );
    })
    .openapi(discovery, (c) =>
      c.json(
        {
          issuer,
          authorization_endpoint: `${issuer}/oauth/authorize`,
          token_endpoint: `${issuer}/oauth/token`,
          userinfo_endpoint: `${issuer}/oauth/userinfo`,
          jwks_uri: `${issuer}/.well-known/jwks.json`,
          revocation_endpoint: `${issuer}/oauth/revoke`,
          end_session_endpoint: `${issuer}/oauth/logout`,
          response_types_supported: ['code'],
          response_modes_supported: ['query', 'web_message'],
          grant_types_supported: ['authorization_code', 'refresh_token'],
          code_challenge_methods_supported: ['S256'],
          subject_types_supported: ['public'],
          id_token_signing_alg_values_supported: ['ES256'],
          token_endpoint_auth_methods_supported: ['none'],
          revocation_endpoint_auth_methods_supported: ['none'],
          scopes_supported: [...SUPPORTED_SCOPES],
          claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'auth_time', 'nonce', 'azp', 'sid', 'email', 'email_verified', 'name'],
          prompt_values_supported: ['none', 'login', 'consent'],
          authorization_response_iss_parameter_supported: true,
        },
        200,
        { 'Cache-Control': 'public, max-age=300' },
      ),
    )
    .openapi(jwks, async (c) => c.json(await keys.jwks(), 200, { 'Cache-Control': 'public, max-age=300' }));

  // OIDC RP-Initiated Logout 1.0. Signing out needs an id_token_hint for the current session,
  // so a link on another site cannot sign anyone out; the redirect must be registered.
  router.get('/oauth/logout', async (c) => {
    const q = new URL(c.req.url).searchParams;
    let hint: { aud?: unknown; sid?: unknown } | undefined;
    const rawHint = q.get('id_token_hint');
    if (rawHint) {
      try {
        const getKey = async (h: { kid?: string }) => (await keys.publicKey(h.kid)) ?? Promise.reject(new Error('unknown kid'));
        // An ID token (typ JWT), never an access token (at+jwt).
        hint = (await jwtVerify(rawHint, getKey as Parameters<typeof jwtVerify>[1] & object, { issuer, algorithms: ['ES256'], typ: 'JWT' })).payload;
      } catch (error) {
        // An expired hint still names the session (OIDC RP-Initiated Logout §2).
        if (error instanceof joseErrors.JWTExpired) hint = error.payload;
      }
    }
    const clientId = typeof hint?.aud === 'string' ? hint.aud : q.get('client_id');
    const app = clientId ? await registry.getApp(clientId).catch(() => undefined) : undefined;
    const redirect = q.get('post_logout_redirect_uri');
    if (redirect && (!app || !app.redirectUris.some((registered) => sameRedirect(registered, redirect)))) {
      return renderErrorPage(c, { title: 'This sign-out link is not valid', message: 'post_logout_redirect_uri is not registered for this app.' });
    }
    const session = c.get('session');
    if (session && hint && hint.sid === session.public_id) {
      await identity.signOut(session.user_id, { publicId: session.public_id }, actor(c));
      clearSessionCookie(c);
    }
    if (redirect) {
      const url = new URL(redirect);
      const state = q.get('state');
      if (state) url.searchParams.set('state', state.slice(0, 512));
      return c.redirect(url.href, 302);
    }
    const signedOut = Boolean(session && hint?.sid === session.public_id);
    return renderErrorPage(c, {
      title: signedOut ? 'You are signed out' : 'Sign out',
      message: signedOut ? 'You can close this window.' : 'This link did not name your current session. To sign out, use your account page.',
      status: signedOut ? 200 : 400,
    });
  });
  return router;
}
