import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, type TestApp } from '../helpers/app';
import { mailedToken, pkce, signUp, TestBrowser } from '../helpers/client';
import { authorize, authorizeUrl, form, registerApp, tokensFor, type OAuthApp } from '../helpers/oauth';

let t: TestApp;
let app: OAuthApp;
beforeAll(async () => {
  t = await testApp({ limits: { signin_ip: { points: 1000, duration: 60 }, signup_ip: { points: 1000, duration: 60 } } });
  app = await registerApp(t, 'Edge App');
});
afterAll(() => t.close());

const refresh = (token: string) => form(t, '/oauth/token', { grant_type: 'refresh_token', refresh_token: token, client_id: app.id });

describe('redirect URIs compare as normalised', () => {
  it('a web_message origin with a trailing slash works through the token exchange', async () => {
    const browser = new TestBrowser(t);
    await signUp(browser);
    await authorize(t, browser, app);
    const { verifier, challenge } = pkce();
    const { data } = await browser.page(authorizeUrl(app, challenge, { response_mode: 'web_message', redirect_uri: `${app.origin}/` }));
    const res = await form(t, '/oauth/token', { grant_type: 'authorization_code', code: data.data.code, redirect_uri: `${app.origin}/`, client_id: app.id, code_verifier: verifier });
    expect(res.status).toBe(200);
  });
});

describe('the token endpoint answers every error in RFC 6749 shape', () => {
  it('413', async () => {
    const res = await form(t, '/oauth/token', { grant_type: 'refresh_token', client_id: app.id, refresh_token: 'x'.repeat(20_000) });
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({ error: 'invalid_request', error_description: expect.any(String) });
  });

  it('never 429 with RATE_LIMITS=false', async () => {
    const open = await testApp({ env: { RATE_LIMITS: 'false' }, limits: { token_ip: { points: 1, duration: 60 } } });
    try {
      for (let i = 0; i < 3; i++) {
        const res = await form(open, '/oauth/token', { grant_type: 'refresh_token', client_id: 'app_nobodyhere', refresh_token: 'x' });
        expect(res.status).toBe(401);
      }
    } finally {
      await open.close();
    }
  });

  it('429 with Retry-After', async () => {
    const limited = await testApp({ limits: { token_ip: { points: 2, duration: 60 } } });
    try {
      const call = () => form(limited, '/oauth/token', { grant_type: 'refresh_token', client_id: 'app_nobodyhere', refresh_token: 'x' });
      await call();
      await call();
      const res = await call();
      expect(res.status).toBe(429);
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
      expect((await res.json()).error).toBe('invalid_request');
    } finally {
      await limited.close();
    }
  });
});

describe('sessions and refresh tokens', () => {
  it('a refresh slides the session\'s idle expiry', async () => {
    const { tokens } = await tokensFor(t, app);
    const sid = decodeJwt(tokens.access_token).sid as string;
    const soon = new Date(Date.now() + 60_000);
    await t.database.db.updateTable('sessions').set({ idle_expires_at: soon }).where('public_id', '=', sid).execute();
    expect((await refresh(tokens.refresh_token)).status).toBe(200);
    const row = await t.database.db.selectFrom('sessions').select('idle_expires_at').where('public_id', '=', sid).executeTakeFirstOrThrow();
    expect(row.idle_expires_at.getTime()).toBeGreaterThan(soon.getTime() + 86_400_000);
  });

  it('signing in again as the same user (prompt=login) keeps other apps signed in', async () => {
    const browser = new TestBrowser(t);
    const { email, password } = await signUp(browser);
    const { tokens } = await tokensFor(t, app, browser);
    const before = browser.sessionCookie;
    expect((await browser.call('POST', '/auth/signin', { email, password })).status).toBe(200);
    expect(browser.sessionCookie).not.toBe(before);
    expect((await refresh(tokens.refresh_token)).status).toBe(200);
  });

  it('signing in as another user on the same browser ends the first user\'s session', async () => {
    const browser = new TestBrowser(t);
    await signUp(browser);
    const { tokens } = await tokensFor(t, app, browser);
    const other = await signUp(new TestBrowser(t));
    expect((await browser.call('POST', '/auth/signin', { email: other.email, password: other.password })).status).toBe(200);
    expect((await refresh(tokens.refresh_token)).status).toBe(400);
  });
});

describe('/v1/me', () => {
  it('returns email and name only with their scopes', async () => {
    const browser = new TestBrowser(t);
    await signUp(browser);
    const { code, verifier } = await authorize(t, browser, app, { scope: 'openid' });
    const { access_token } = await (await form(t, '/oauth/token', { grant_type: 'authorization_code', code, redirect_uri: app.redirectUri, client_id: app.id, code_verifier: verifier })).json();
    const { user } = await (await t.app.request('/v1/me', { headers: { authorization: `Bearer ${access_token}` } })).json();
    expect(user.id).toMatch(/^usr_/);
    expect(user.email).toBeUndefined();
    expect(user.name).toBeUndefined();
  });
});

describe('signing keys', () => {
  it('keep a rotated-out key published until its tokens can no longer be live', async () => {
    const { identity } = t.app.services;
    const { retiring } = await identity.keys.rotate();
    expect(await identity.keys.retire(900_000)).toEqual({ retired: [], waiting: retiring });
    const published = (await identity.keys.jwks()).keys.map((k) => k.kid);
    expect(published).toEqual(expect.arrayContaining(retiring));
    const done = await identity.keys.retire(0);
    expect(done.retired).toEqual(expect.arrayContaining(retiring));
    expect((await identity.keys.jwks()).keys.map((k) => k.kid)).not.toContain(retiring[0]);
  });
});

describe('mail that cannot be sent', () => {
  it('changes no answer: sign-up still succeeds, and reset answers alike for known and unknown emails', async () => {
    const broken = await testApp({ env: { SMTP_URL: 'smtp://127.0.0.1:1' } });
    try {
      const browser = new TestBrowser(broken);
      const res = await browser.call('POST', '/auth/signup', { email: 'nomail@example.com', password: 'long enough pw', name: '' });
      expect(res.status).toBe(201);
      const known = await new TestBrowser(broken).call('POST', '/auth/password/forgot', { email: 'nomail@example.com' });
      const unknown = await new TestBrowser(broken).call('POST', '/auth/password/forgot', { email: 'nobody@example.com' });
      expect([known.status, unknown.status]).toEqual([202, 202]);
    } finally {
      await broken.close();
    }
  });
});

describe('limits on the remaining account endpoints', () => {
  it('resending the verification email is limited per user', async () => {
    const limited = await testApp({ limits: { resend_user: { points: 2, duration: 3600 } } });
    try {
      const browser = new TestBrowser(limited);
      await signUp(browser);
      const statuses = [];
      for (let i = 0; i < 3; i++) statuses.push((await browser.call('POST', '/auth/email/resend', {})).status);
      expect(statuses).toEqual([202, 202, 429]);
    } finally {
      await limited.close();
    }
  });

  it('a verification link still works once the user signs up', async () => {
    const browser = new TestBrowser(t);
    const { email } = await signUp(browser);
    const token = await mailedToken(t, email, 'verify');
    expect((await browser.call('POST', '/auth/email/verify', { token })).status).toBe(200);
  });
});
