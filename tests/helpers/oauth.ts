import type { TestApp } from './app';
import { pkce, signUp, TestBrowser } from './client';

export interface OAuthApp {
  id: string;
  origin: string;
  redirectUri: string;
}

export async function registerApp(t: TestApp, name = 'App B', settings: Record<string, unknown> = {}): Promise<OAuthApp> {
  const slug = name.toLowerCase().replace(/\W+/g, '-');
  const origin = `https://${slug}.example`;
  const { app } = await t.app.services.registry.createApp({ name, origins: [origin], redirectUris: [`${origin}/callback`], settings });
  return { id: app.id, origin, redirectUri: `${origin}/callback` };
}

export function authorizeUrl(app: OAuthApp, challenge: string, extra: Record<string, string> = {}) {
  return `/oauth/authorize?${new URLSearchParams({
    response_type: 'code',
    client_id: app.id,
    redirect_uri: app.redirectUri,
    state: 'st-123',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    scope: 'openid profile email',
    nonce: 'n-456',
    ...extra,
  })}`;
}

export function form(t: TestApp, path: string, params: Record<string, string>, headers: Record<string, string> = {}) {
  return t.app.request(path, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams(params).toString() });
}

/** Runs the whole code flow for a signed-in browser (consenting when asked) and returns the code. */
export async function authorize(t: TestApp, browser: TestBrowser, app: OAuthApp, extra: Record<string, string> = {}) {
  const { verifier, challenge } = pkce();
  let res = await browser.request(authorizeUrl(app, challenge, extra));
  if (res.status === 200) {
    const html = await res.text();
    const data = JSON.parse(html.match(/id="tg-page">([\s\S]*?)<\/script>/)![1]!);
    browser.csrf = data.csrfToken;
    const decision = await browser.call('POST', '/oauth/authorize/decision', { transaction: data.transaction, decision: 'allow' });
    const { redirectTo } = await decision.json();
    res = new Response(null, { status: 302, headers: { location: redirectTo } });
  }
  const location = new URL(res.headers.get('location')!);
  return { code: location.searchParams.get('code')!, location, verifier };
}

/** A signed-in user with tokens for `app`. */
export async function tokensFor(t: TestApp, app: OAuthApp, browser = new TestBrowser(t)) {
  if (!browser.sessionCookie) await signUp(browser);
  const { code, verifier } = await authorize(t, browser, app);
  const res = await form(t, '/oauth/token', { grant_type: 'authorization_code', code, redirect_uri: app.redirectUri, client_id: app.id, code_verifier: verifier });
  if (res.status !== 200) throw new Error(`token exchange failed: ${res.status} ${await res.text()}`);
  return { browser, tokens: (await res.json()) as { access_token: string; refresh_token: string; id_token: string; expires_in: number; scope: string } };
}
