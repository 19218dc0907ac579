import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { createRouter } from '../../http/context';
import { identityErrors } from '../errors';
import type { Identity } from '../index';
import { parseAuthorizeRequest, type AuthorizeRequest } from '../oauth/authorize-request';
import { renderErrorPage, renderPage } from '../pages';
import { csrfToken } from '../csrf';
import { findUser } from '../users';

type Target = Pick<AuthorizeRequest, 'responseMode' | 'redirectUri'> & { state?: string };

const decision = createRoute({
  method: 'post',
  path: '/oauth/authorize/decision',
  tags: ['OAuth 2.1 / OIDC'],
  summary: 'The consent page\'s answer: continue to the app, or cancel.',
  request: { body: { content: { 'application/json': { schema: z.object({ transaction: z.string().min(1).max(8192), decision: z.enum(['allow', 'deny']) }) } }, required: true } },
  responses: { 200: { description: '`{ redirectTo }` or `{ webMessage: { targetOrigin, data } }`' } },
});

/**
 * The authorization endpoint (RFC 6749 §4.1, OAuth 2.1): code + PKCE S256 only, exact redirect
 * URIs, and `response_mode=web_message` for popups, which posts the result to the opener at
 * the app's registered origin and nowhere else.
 */
export function authorizeRoutes(identity: Identity) {
  const { oauth, registry } = identity;
  const issuer = identity.config.publicUrl;
  const getApp = (id: string) => registry.getApp(id).catch(() => undefined);

  /** The result for the client, as a redirect (query) or a page that posts it (web_message). */
  function result(target: Target, params: Record<string, string>) {
    const data: Record<string, string> = { ...params, ...(target.state ? { state: target.state } : {}), iss: issuer };
    if (target.responseMode === 'query') {
      const url = new URL(target.redirectUri);
      for (const [k, v] of Object.entries(data)) url.searchParams.set(k, v);
      return { redirectTo: url.href, webMessage: undefined };
    }
    return { redirectTo: undefined, webMessage: { targetOrigin: target.redirectUri, data: { type: 'authorization_response', ...data } } };
  }

  function send(c: Context, outcome: ReturnType<typeof result>) {
    if (outcome.redirectTo !== undefined) return c.redirect(outcome.redirectTo, 302);
    return renderPage(c, { title: 'Signing in…', entry: 'authorize', data: { page: 'callback', ...outcome.webMessage! } });
  }

  const router = createRouter();
  router.get('/oauth/authorize', async (c) => {
      const params = new URL(c.req.url).searchParams;
      const parsed = await parseAuthorizeRequest(params, getApp);
      if (!parsed.ok) {
        const { failure } = parsed;
        // RFC 6749 §4.1.2.1: never redirect to an unverified redirect_uri.
        if (failure.kind === 'page') return renderErrorPage(c, { title: 'This sign-in link is not valid', message: failure.description });
        return send(c, result(failure.target, { error: failure.error, error_description: failure.description }));
      }
      const { request } = parsed;
      const session = c.get('session');
      if (request.prompt === 'none' && !session) return send(c, result(request, { error: 'login_required', error_description: 'The user is not signed in.' }));
      if (!session || request.prompt === 'login') {
        // After sign-in, come back here without prompt=login, or it would ask again forever.
        const back = new URLSearchParams(params);
        back.delete('prompt');
        const login = new URLSearchParams({ return_to: `/oauth/authorize?${back}` });
        if (request.prompt === 'login') login.set('force', '1');
        return c.redirect(`/login?${login}`, 302);
      }
      if (await oauth.needsConsent(session.user_id, request)) {
        if (request.prompt === 'none') return send(c, result(request, { error: 'consent_required', error_description: 'The user has not approved this app yet.' }));
        const user = await findUser(identity.db, session.user_id);
        if (!user) throw identityErrors.NOT_SIGNED_IN();
        const switchBack = new URLSearchParams(params);
        switchBack.delete('prompt');
        return renderPage(c, {
          title: `Sign in to ${request.app.name}`,
          entry: 'authorize',
          data: {
            page: 'authorize',
            csrfToken: csrfToken(c),
            transaction: oauth.sealTransaction(params.toString(), session.public_id),
            app: { id: request.app.id, name: request.app.name },
            user: { email: user.email, name: user.name },
            switchAccountUrl: `/login?${new URLSearchParams({ return_to: `/oauth/authorize?${switchBack}` })}`,
          },
        });
      }
      return send(c, result(request, { code: await oauth.issueCode(request, session) }));
  });
  return router.openapi(decision, async (c) => {
      const session = c.get('session');
      if (!session) throw identityErrors.NOT_SIGNED_IN();
      const body = c.req.valid('json');
      const params = oauth.openTransaction(body.transaction, session.public_id);
      const parsed = params && (await parseAuthorizeRequest(params, getApp));
      if (!parsed || !parsed.ok) throw identityErrors.INVALID_TOKEN('This sign-in request has expired. Start again from the app.');
      const { request } = parsed;
      const outcome =
        body.decision === 'deny'
          ? result(request, { error: 'access_denied', error_description: 'The user cancelled.' })
          : result(request, { code: await oauth.issueCode(request, session) });
      return c.json(outcome.redirectTo !== undefined ? { redirectTo: outcome.redirectTo } : { webMessage: outcome.webMessage! }, 200);
    });
}
