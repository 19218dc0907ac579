import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, type TestApp } from '../helpers/app';
import { pkce, signUp, TestBrowser } from '../helpers/client';
import { authorize, authorizeUrl, form, registerApp, tokensFor, type OAuthApp } from '../helpers/oauth';

let t: TestApp;
let app: OAuthApp;
const ISSUER = 'http://localhost:8787';

beforeAll(async () => {
  t = await testApp({ limits: { signin_ip: { points: 1000, duration: 60 }, signup_ip: { points: 1000, duration: 60 }, token_ip: { points: 10_000, duration: 60 } } });
  app = await registerApp(t);
});
afterAll(() => t.close());

const exchange = (code: string, verifier: string, overrides: Record<string, string> = {}) =>
  form(t, '/oauth/token', { grant_type: 'authorization_code', code, redirect_uri: app.redirectUri, client_id: app.id, code_verifier: verifier, ...overrides });
const refresh = (token: string, clientId = app.id) => form(t, '/oauth/token', { grant_type: 'refresh_token', refresh_token: token, client_id: clientId });
const jwks = async () => createLocalJWKSet(await (await t.app.request('/.well-known/jwks.json')).json());

describe('authorization code + PKCE', () => {
  it('sends a signed-out user to the hosted login, naming the app', async () => {
    const { challenge } = pkce();
    const res = await new TestBrowser(t).request(authorizeUrl(app, challenge));
    expect(res.status).toBe(302);
    const login = new URL(res.headers.get('location')!, ISSUER);
    expect(login.pathname).toBe('/login');
    expect(login.searchParams.get('return_to')).toMatch(/^\/oauth\/authorize\?/);
    const { data } = await new TestBrowser(t).page(`${login.pathname}${login.search}`);
    expect(data.app).toEqual({ name: 'App B' });
  });

  it('asks once ("Continue as …"), then signs in with no click', async () => {
    const browser = new TestBrowser(t);
    const { email } = await signUp(browser);
    const { challenge } = pkce();
    const consent = await browser.page(authorizeUrl(app, challenge));
    expect(consent.res.status).toBe(200);
    expect(consent.data).toMatchObject({ page: 'authorize', app: { id: app.id, name: 'App B' }, user: { email } });
    const first = await authorize(t, browser, app);
    expect(first.location.origin + first.location.pathname).toBe(app.redirectUri);
    expect(first.location.searchParams.get('state')).toBe('st-123');
    expect(first.location.searchParams.get('iss')).toBe(ISSUER);
    const second = await browser.request(authorizeUrl(app, pkce().challenge));
    expect(second.status).toBe(302);
    expect(new URL(second.headers.get('location')!).searchParams.get('code')).toMatch(/^ac_/);
  });

  it('skips consent for first-party apps', async () => {
    const own = await registerApp(t, 'Own App', { firstParty: true });
    const browser = new TestBrowser(t);
    await signUp(browser);
    const res = await browser.request(authorizeUrl(own, pkce().challenge));
    expect(res.status).toBe(302);
  });

  it('issues ES256 access and ID tokens scoped to the app', async () => {
    const { tokens, browser } = await tokensFor(t, app);
    const keys = await jwks();
    const access = await jwtVerify(tokens.access_token, keys, { issuer: ISSUER, audience: app.id, typ: 'at+jwt' });
    expect(decodeProtectedHeader(tokens.access_token)).toMatchObject({ alg: 'ES256', kid: expect.any(String) });
    expect(access.payload).toMatchObject({ aud: app.id, azp: app.id, sub: expect.stringMatching(/^usr_/), sid: expect.stringMatching(/^ses_/), scope: 'openid profile email' });
    expect(access.payload.exp! - access.payload.iat!).toBe(900);
    const id = await jwtVerify(tokens.id_token, keys, { issuer: ISSUER, audience: app.id });
    expect(id.payload).toMatchObject({ nonce: 'n-456', email_verified: false, name: 'Ada', sub: access.payload.sub });
    expect(tokens.refresh_token).toMatch(/^rt_/);
    const me = await (await browser.request('/auth/me')).json();
    expect(me.user.id).toBe(access.payload.sub);
  });

  it('delivers by web_message to the registered origin only', async () => {
    const browser = new TestBrowser(t);
    await signUp(browser);
    await authorize(t, browser, app); // consent once
    const { data } = await browser.page(authorizeUrl(app, pkce().challenge, { response_mode: 'web_message', redirect_uri: app.origin }));
    expect(data).toMatchObject({ page: 'callback', targetOrigin: app.origin, data: { type: 'authorization_response', code: expect.stringMatching(/^ac_/), state: 'st-123', iss: ISSUER } });
  });
});

describe('bad authorization requests', () => {
  it.each([
    ['an unknown client', { client_id: 'app_unknownclient' }],
    ['an unregistered redirect_uri', { redirect_uri: 'https://evil.example/callback' }],
    ['a redirect_uri that only shares a prefix', { redirect_uri: 'https://app-b.example/callback/../evil' }],
    ['an unregistered web_message origin', { response_mode: 'web_message', redirect_uri: 'https://evil.example' }],
    ['a repeated parameter', {}],
  ])('%s: an error page, never a redirect or a message', async (_, extra) => {
    const browser = new TestBrowser(t);
    await signUp(browser);
    let url = authorizeUrl(app, pkce().challenge, extra);
    // A second, equally valid client_id: only the duplicate check can refuse it.
    if (_ === 'a repeated parameter') url += `&client_id=${app.id}`;
    const res = await browser.request(url);
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
    const html = await res.text();
    expect(html).not.toContain('tg-page');
    expect(html).not.toContain('ac_');
  });

  it.each([
    ['no PKCE', { code_challenge_method: '' }, 'invalid_request'],
    ['plain PKCE', { code_challenge_method: 'plain' }, 'invalid_request'],
    ['a short challenge', { code_challenge: 'abc' }, 'invalid_request'],
    ['no state', { state: '' }, 'invalid_request'],
    ['response_type=token', { response_type: 'token' }, 'unsupported_response_type'],
    ['an unknown scope', { scope: 'openid admin' }, 'invalid_scope'],
  ])('%s: the error goes back to the registered redirect_uri', async (_, extra, error) => {
    const browser = new TestBrowser(t);
    await signUp(browser);
    const res = await browser.request(authorizeUrl(app, pkce().challenge, extra as Record<string, string>));
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get('location')!);
    expect(location.origin + location.pathname).toBe(app.redirectUri);
    expect(location.searchParams.get('error')).toBe(error);
    expect(location.searchParams.get('code')).toBeNull();
  });

  it('prompt=none answers login_required or consent_required without any page', async () => {
    const signedOut = await new TestBrowser(t).request(authorizeUrl(app, pkce().challenge, { prompt: 'none' }));
    expect(new URL(signedOut.headers.get('location')!).searchParams.get('error')).toBe('login_required');
    const browser = new TestBrowser(t);
    await signUp(browser);
    const fresh = await browser.request(authorizeUrl(app, pkce().challenge, { prompt: 'none' }));
    expect(new URL(fresh.headers.get('location')!).searchParams.get('error')).toBe('consent_required');
  });

  it('prompt=login asks for the password again, then comes back without looping', async () => {
    const browser = new TestBrowser(t);
    const { email, password } = await signUp(browser);
    const res = await browser.request(authorizeUrl(app, pkce().challenge, { prompt: 'login' }));
    const login = new URL(res.headers.get('location')!, ISSUER);
    expect(login.searchParams.get('force')).toBe('1');
    expect(login.searchParams.get('return_to')).not.toContain('prompt=login');
    const page = await browser.page(`${login.pathname}${login.search}`);
    expect(page.res.status).toBe(200);
    await browser.call('POST', '/auth/signin', { email, password });
    const back = await browser.request(page.data.returnTo);
    expect(back.status).toBe(200); // the consent page, not another login
  });

  it('refuses a consent decision from another session or a forged transaction', async () => {
    const browser = new TestBrowser(t);
    await signUp(browser);
    const { data } = await browser.page(authorizeUrl(app, pkce().challenge));
    const other = new TestBrowser(t);
    await signUp(other);
    const stolen = await other.call('POST', '/oauth/authorize/decision', { transaction: data.transaction, decision: 'allow' });
    expect(stolen.status).toBe(400);
    // Well-formed, with the redirect target changed: only the MAC can tell.
    const [at, body, mac] = data.transaction.split('.');
    const query = Buffer.from(body, 'base64url').toString().replace(encodeURIComponent(app.redirectUri), encodeURIComponent('https://app-b.example/other'));
    const forged = await browser.call('POST', '/oauth/authorize/decision', { transaction: `${at}.${Buffer.from(query).toString('base64url')}.${mac}`, decision: 'allow' });
    expect(forged.status).toBe(400);
    expect((await browser.call('POST', '/oauth/authorize/decision', { transaction: data.transaction, decision: 'allow' })).status).toBe(200);
  });
});

describe('token endpoint', () => {
  it('a code works once; a replay revokes what it issued', async () => {
    const browser = new TestBrowser(t);
    await signUp(browser);
    const { code, verifier } = await authorize(t, browser, app);
    const first = await exchange(code, verifier);
    expect(first.status).toBe(200);
    const { refresh_token } = await first.json();
    const replay = await exchange(code, verifier);
    expect(replay.status).toBe(400);
    expect(await replay.json()).toEqual({ error: 'invalid_grant', error_description: expect.any(String) });
    expect((await refresh(refresh_token)).status).toBe(400);
    const audit = await t.database.db.selectFrom('audit_log').select('event').where('event', '=', 'code_replayed').execute();
    expect(audit.length).toBeGreaterThan(0);
  });

  it.each([
    ['a wrong verifier', (v: string) => ({ code_verifier: `${v.slice(0, -2)}xx` })],
    ['a missing verifier', () => ({ code_verifier: '' })],
    ['another redirect_uri', () => ({ redirect_uri: 'https://app-b.example/other' })],
  ])('refuses %s with invalid_grant or invalid_request', async (_, change) => {
    const browser = new TestBrowser(t);
    await signUp(browser);
    const { code, verifier } = await authorize(t, browser, app);
    const res = await exchange(code, verifier, change(verifier));
    expect(res.status).toBe(400);
    expect(['invalid_grant', 'invalid_request']).toContain((await res.json()).error);
  });

  it('refuses a code for another client and an expired code', async () => {
    const other = await registerApp(t, 'Other App');
    const browser = new TestBrowser(t);
    await signUp(browser);
    const { code, verifier } = await authorize(t, browser, app);
    const res = await form(t, '/oauth/token', { grant_type: 'authorization_code', code, redirect_uri: app.redirectUri, client_id: other.id, code_verifier: verifier });
    expect((await res.json()).error).toBe('invalid_grant');
    const late = await authorize(t, browser, app);
    await t.database.db.updateTable('auth_codes').set({ expires_at: new Date(Date.now() - 1000) }).where('used_at', 'is', null).execute();
    expect((await (await exchange(late.code, late.verifier)).json()).error).toBe('invalid_grant');
  });

  it.each([
    ['JSON instead of a form', { headers: { 'content-type': 'application/json' }, body: '{}' }, 400, 'invalid_request'],
    ['an unknown grant type', { body: 'grant_type=password&client_id=CLIENT' }, 400, 'unsupported_grant_type'],
    ['an unknown client', { body: 'grant_type=refresh_token&client_id=app_nobodyhere&refresh_token=x' }, 401, 'invalid_client'],
    ['a repeated parameter', { body: 'grant_type=refresh_token&grant_type=refresh_token&client_id=CLIENT' }, 400, 'invalid_request'],
  ])('answers %s with the RFC 6749 error', async (_, init, status, error) => {
    const res = await t.app.request('/oauth/token', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...(init as { headers?: Record<string, string> }).headers },
      body: (init as { body: string }).body.replace('CLIENT', app.id),
    });
    expect(res.status).toBe(status);
    expect((await res.json()).error).toBe(error);
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it('refuses an oversized body with 413', async () => {
    const res = await form(t, '/oauth/token', { grant_type: 'refresh_token', client_id: app.id, refresh_token: 'x'.repeat(20_000) });
    expect(res.status).toBe(413);
  });
});

describe('refresh tokens', () => {
  it('rotate on every use', async () => {
    const { tokens } = await tokensFor(t, app);
    const res = await refresh(tokens.refresh_token);
    expect(res.status).toBe(200);
    const next = await res.json();
    expect(next.refresh_token).not.toBe(tokens.refresh_token);
    expect((await refresh(next.refresh_token)).status).toBe(200);
  });

  it('answer a retry within the grace window with the same successor', async () => {
    const { tokens } = await tokensFor(t, app);
    const a = await (await refresh(tokens.refresh_token)).json();
    const b = await (await refresh(tokens.refresh_token)).json();
    expect(b.refresh_token).toBe(a.refresh_token);
  });

  it('give concurrent refreshes of one token one successor (tabs racing)', async () => {
    const { tokens } = await tokensFor(t, app);
    const results = await Promise.all(Array.from({ length: 6 }, () => refresh(tokens.refresh_token)));
    const bodies = await Promise.all(results.map((r) => r.json()));
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(new Set(bodies.map((b) => b.refresh_token)).size).toBe(1);
    expect((await refresh(bodies[0].refresh_token)).status).toBe(200);
  });

  it('revoke the whole family on reuse after the grace window', async () => {
    const { tokens } = await tokensFor(t, app);
    const next = await (await refresh(tokens.refresh_token)).json();
    await t.database.db.updateTable('refresh_tokens').set({ rotated_at: new Date(Date.now() - 11_000) }).where('rotated_at', 'is not', null).execute();
    const reuse = await refresh(tokens.refresh_token);
    expect((await reuse.json()).error).toBe('invalid_grant');
    expect((await refresh(next.refresh_token)).status).toBe(400);
  });

  it('stop working after sign-out, revocation (RFC 7009) and for another client', async () => {
    const other = await registerApp(t, 'Third App');
    const signedOut = await tokensFor(t, app);
    await signedOut.browser.call('POST', '/auth/signout', {});
    expect((await refresh(signedOut.tokens.refresh_token)).status).toBe(400);

    const revoked = await tokensFor(t, app);
    expect((await form(t, '/oauth/revoke', { token: revoked.tokens.refresh_token, client_id: app.id })).status).toBe(200);
    expect((await refresh(revoked.tokens.refresh_token)).status).toBe(400);
    expect((await form(t, '/oauth/revoke', { token: 'rt_nonsense', client_id: app.id })).status).toBe(200);

    const foreign = await tokensFor(t, app);
    expect((await (await refresh(foreign.tokens.refresh_token, other.id)).json()).error).toBe('invalid_grant');
    expect((await refresh(foreign.tokens.refresh_token)).status).toBe(200);
  });
});

describe('userinfo, /v1/me and discovery', () => {
  it('userinfo returns the scoped claims and refuses anything else', async () => {
    const { tokens } = await tokensFor(t, app);
    const res = await t.app.request('/oauth/userinfo', { headers: { authorization: `Bearer ${tokens.access_token}` } });
    expect(await res.json()).toMatchObject({ sub: expect.stringMatching(/^usr_/), email: expect.any(String), email_verified: false, name: 'Ada' });
    const none = await t.app.request('/oauth/userinfo');
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toContain('invalid_token');
  });

  it('/v1/me answers for the token\'s app, from its origins or a backend', async () => {
    const { tokens } = await tokensFor(t, app);
    const auth = { authorization: `Bearer ${tokens.access_token}` };
    const backend = await t.app.request('/v1/me', { headers: auth });
    expect(backend.status).toBe(200);
    expect(await backend.json()).toMatchObject({ appId: app.id, user: { email: expect.any(String) }, scope: ['openid', 'profile', 'email'] });
    const fromApp = await t.app.request('/v1/me', { headers: { ...auth, origin: app.origin } });
    expect(fromApp.status).toBe(200);
    expect(fromApp.headers.get('access-control-allow-origin')).toBe(app.origin);
    const fromOurFrames = await t.app.request('/v1/me', { headers: { ...auth, origin: ISSUER } });
    expect(fromOurFrames.status).toBe(200);
    const other = await registerApp(t, 'Origin Thief');
    const fromOther = await t.app.request('/v1/me', { headers: { ...auth, origin: other.origin } });
    expect(fromOther.status).toBe(403);
    expect((await fromOther.json()).error.code).toBe('ORIGIN_NOT_ALLOWED');
  });

  it('/v1/me refuses forged, tampered and foreign tokens', async () => {
    const { tokens } = await tokensFor(t, app);
    const [h, p, s] = tokens.access_token.split('.') as [string, string, string];
    const payload = decodeJwt(tokens.access_token);
    const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const forged = [
      ['none', `${b64({ alg: 'none', typ: 'at+jwt' })}.${p}.`],
      ['tampered claims', `${h}.${b64({ ...payload, sub: 'usr_aaaaaaaaaaaaaaaa' })}.${s}`],
      ['tampered signature', `${h}.${p}.${s.slice(0, -4)}AAAA`],
      ['garbage', 'not.a.jwt'],
      ['id token', tokens.id_token],
    ];
    for (const [name, token] of forged) {
      const res = await t.app.request('/v1/me', { headers: { authorization: `Bearer ${token}` } });
      expect(res.status, name).toBe(401);
    }
    expect((await t.app.request('/v1/me')).status).toBe(401);
  });

  it('publishes discovery metadata and the JWKS', async () => {
    const doc = await (await t.app.request('/.well-known/openid-configuration')).json();
    expect(doc).toMatchObject({ issuer: ISSUER, jwks_uri: `${ISSUER}/.well-known/jwks.json`, code_challenge_methods_supported: ['S256'], token_endpoint_auth_methods_supported: ['none'] });
    const set = await (await t.app.request('/.well-known/jwks.json')).json();
    expect(set.keys[0]).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig', kid: expect.any(String) });
    expect(set.keys[0].d).toBeUndefined();
  });

  it('keeps verifying old tokens after a key rotation, and signs new ones with the new key', async () => {
    const before = await tokensFor(t, app);
    const { kid } = await t.app.services.identity.keys.rotate();
    const after = await tokensFor(t, app);
    expect(decodeProtectedHeader(after.tokens.access_token).kid).toBe(kid);
    const keys = await jwks();
    await jwtVerify(before.tokens.access_token, keys, { issuer: ISSUER });
    await jwtVerify(after.tokens.access_token, keys, { issuer: ISSUER });
    const stored = await t.database.db.selectFrom('signing_keys').select('private_jwk_enc').execute();
    for (const row of stored) expect(row.private_jwk_enc).not.toContain('"d"');
  });
});

describe('logout (RP-initiated)', () => {
  it('signs out the session its id_token_hint names and redirects only to a registered URI', async () => {
    const { tokens, browser } = await tokensFor(t, app);
    const bad = await browser.request(`/oauth/logout?${new URLSearchParams({ id_token_hint: tokens.id_token, post_logout_redirect_uri: 'https://evil.example/' })}`);
    expect(bad.status).toBe(400);
    expect((await browser.request('/auth/me')).status).toBe(200);
    const res = await browser.request(`/oauth/logout?${new URLSearchParams({ id_token_hint: tokens.id_token, post_logout_redirect_uri: app.redirectUri, state: 'bye' })}`);
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe(`${app.redirectUri}?state=bye`);
    expect((await browser.request('/auth/me')).status).toBe(401);
    expect((await refresh(tokens.refresh_token)).status).toBe(400);
  });

  it('does not sign out without a matching hint', async () => {
    const { browser } = await tokensFor(t, app);
    const res = await browser.request('/oauth/logout');
    expect(res.status).toBe(400);
    expect((await browser.request('/auth/me')).status).toBe(200);
  });
});
