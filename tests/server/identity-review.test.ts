import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, type TestApp } from '../helpers/app';
import { pkce, signUp, TestBrowser } from '../helpers/client';
import { authorize, authorizeUrl, form, registerApp, tokensFor, type OAuthApp } from '../helpers/oauth';

// Pins the fixes of the second security review of the identity work.
let t: TestApp;
let app: OAuthApp;
beforeAll(async () => {
  t = await testApp({ limits: { signin_ip: { points: 1000, duration: 60 }, signup_ip: { points: 1000, duration: 60 } } });
  app = await registerApp(t, 'Review App');
});
afterAll(() => t.close());

const exchange = (code: string, verifier: string) =>
  form(t, '/oauth/token', { grant_type: 'authorization_code', code, redirect_uri: app.redirectUri, client_id: app.id, code_verifier: verifier });
const refresh = (token: string) => form(t, '/oauth/token', { grant_type: 'refresh_token', refresh_token: token, client_id: app.id });

describe('control characters are refused at the edge, not by the database', () => {
  it.each([
    ['/auth/signup', { email: 'a\u0000b@example.com', password: 'long enough pw', name: '' }],
    ['/auth/signup', { email: 'nul@example.com', password: 'long enough pw', name: 'A\u0000' }],
    ['/auth/signin', { email: 'a\u0000b@example.com', password: 'whatever pw' }],
    ['/auth/password/forgot', { email: 'a\u0000b@example.com' }],
  ])('%s %j → 400', async (path, body) => {
    const res = await new TestBrowser(t).call('POST', path, body);
    expect([400, 401]).toContain(res.status);
  });

  it('a nonce with NUL goes back as invalid_request', async () => {
    const browser = new TestBrowser(t);
    await signUp(browser);
    const res = await browser.request(authorizeUrl(app, pkce().challenge, { nonce: 'a\u0000b' }));
    expect(new URL(res.headers.get('location')!).searchParams.get('error')).toBe('invalid_request');
  });
});

describe('authorization codes', () => {
  it('two exchanges of one code at once: one wins, and the replay revokes what the winner got', async () => {
    const browser = new TestBrowser(t);
    await signUp(browser);
    const { code, verifier } = await authorize(t, browser, app);
    const results = await Promise.all([exchange(code, verifier), exchange(code, verifier)]);
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 400]);
    const winner = await results.find((r) => r.status === 200)!.json();
    expect((await refresh(winner.refresh_token)).status).toBe(400);
  });

  it('a failed attempt does not use up the code', async () => {
    const browser = new TestBrowser(t);
    await signUp(browser);
    const { code, verifier } = await authorize(t, browser, app);
    expect((await exchange(code, `${verifier.slice(0, -3)}xyz`)).status).toBe(400);
    expect((await exchange(code, verifier)).status).toBe(200);
  });
});

describe('consent', () => {
  it('two grants at once keep both scopes', async () => {
    const browser = new TestBrowser(t);
    await signUp(browser);
    const consentPage = async (scope: string) => (await browser.page(authorizeUrl(app, pkce().challenge, { scope }))).data;
    const [a, b] = [await consentPage('openid email'), await consentPage('openid profile')];
    await Promise.all([a, b].map((d) => browser.call('POST', '/oauth/authorize/decision', { transaction: d.transaction, decision: 'allow' })));
    const row = await t.database.db.selectFrom('consents').select('scope').where('app_id', '=', app.id).where('user_id', '=', (await (await browser.request('/auth/me')).json()).user.id).executeTakeFirstOrThrow();
    expect(row.scope.split(' ').sort()).toEqual(['email', 'openid', 'profile']);
  });
});

describe('sign-in limits', () => {
  it('strangers guessing from elsewhere cannot lock the owner out', async () => {
    const proxied = await testApp({ env: { TRUST_PROXY: 'true' }, limits: { signin_account: { points: 3, duration: 900 } } });
    try {
      const { email, password } = await signUp(new TestBrowser(proxied));
      for (let i = 0; i < 4; i++) {
        await new TestBrowser(proxied).call('POST', '/auth/signin', { email, password: 'wrong guess' }, { 'x-forwarded-for': '203.0.113.9' });
      }
      const blocked = await new TestBrowser(proxied).call('POST', '/auth/signin', { email, password }, { 'x-forwarded-for': '203.0.113.9' });
      expect(blocked.status).toBe(429);
      const owner = await new TestBrowser(proxied).call('POST', '/auth/signin', { email, password }, { 'x-forwarded-for': '198.51.100.7' });
      expect(owner.status).toBe(200);
    } finally {
      await proxied.close();
    }
  });
});

describe('tokens of ended sessions', () => {
  it('/v1/me refuses an access token once its session has signed out', async () => {
    const { tokens, browser } = await tokensFor(t, app);
    await browser.call('POST', '/auth/signout', { everywhere: true });
    const res = await t.app.request('/v1/me', { headers: { authorization: `Bearer ${tokens.access_token}` } });
    expect(res.status).toBe(401);
    expect((await res.json()).error.code).toBe('SESSION_ENDED');
  });

  it('a late tab inside the grace window is refused without signing the others out', async () => {
    const { tokens } = await tokensFor(t, app);
    const s1 = await (await refresh(tokens.refresh_token)).json();
    const s2 = await (await refresh(s1.refresh_token)).json();
    const late = await refresh(tokens.refresh_token);
    expect((await late.json()).error).toBe('invalid_grant');
    expect((await refresh(s2.refresh_token)).status).toBe(200);
  });

  it('an access token is not an id_token_hint: logout with one signs nobody out', async () => {
    const { tokens, browser } = await tokensFor(t, app);
    expect(decodeJwt(tokens.access_token).sid).toBeDefined();
    const res = await browser.request(`/oauth/logout?${new URLSearchParams({ id_token_hint: tokens.access_token })}`);
    expect(res.status).toBe(400);
    expect((await browser.request('/auth/me')).status).toBe(200);
  });
});
