import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, type TestApp } from '../helpers/app';
import { signUp, TestBrowser } from '../helpers/client';
import { form, registerApp, tokensFor, type OAuthApp } from '../helpers/oauth';

// POST /v1/me/signout: how the browser SDK's `logout()` ends the Tollgate session of its token.
let t: TestApp;
let app: OAuthApp;
beforeAll(async () => {
  t = await testApp({ limits: { signin_ip: { points: 1000, duration: 60 }, signup_ip: { points: 1000, duration: 60 } } });
  app = await registerApp(t, 'Signout App');
});
afterAll(() => t.close());

const signOut = (token: string, body?: unknown, headers: Record<string, string> = {}) =>
  t.app.request('/v1/me/signout', {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
const me = (token: string) => t.app.request('/v1/me', { headers: { authorization: `Bearer ${token}` } });
const refresh = (token: string) => form(t, '/oauth/token', { grant_type: 'refresh_token', refresh_token: token, client_id: app.id });
const sessionCount = async (userId: string) =>
  (await t.database.db.selectFrom('sessions').select('public_id').where('user_id', '=', userId).where('revoked_at', 'is', null).execute()).length;
/** One user signed in on two browsers, with tokens for `app` in each. */
async function twoBrowsers() {
  const browser = new TestBrowser(t);
  const { email, password, user } = await signUp(browser);
  const first = await tokensFor(t, app, browser);
  const second = new TestBrowser(t);
  expect((await second.call('POST', '/auth/signin', { email, password })).status).toBe(200);
  return { userId: user.id as string, first: first.tokens, other: (await tokensFor(t, app, second)).tokens };
}
const audit = async (event: string) => (await t.database.db.selectFrom('audit_log').select('event').where('event', '=', event).execute()).length;

describe('POST /v1/me/signout', () => {
  it('ends the token\'s session: its access and refresh tokens stop working at once', async () => {
    const { tokens } = await tokensFor(t, app);
    expect((await me(tokens.access_token)).status).toBe(200); // primes the liveness cache
    const before = await audit('sign_out');

    expect((await signOut(tokens.access_token, { everywhere: false }, { origin: app.origin })).status).toBe(204);
    const after = await me(tokens.access_token);
    expect(after.status).toBe(401);
    expect((await after.json()).error.code).toBe('SESSION_ENDED');
    expect((await (await refresh(tokens.refresh_token)).json()).error).toBe('invalid_grant');
    expect(await audit('sign_out')).toBe(before + 1);
  });

  it('without a body, ends only this session; the user\'s other sessions stay', async () => {
    const { userId, first, other } = await twoBrowsers();
    expect(await sessionCount(userId)).toBe(2);

    expect((await signOut(first.access_token)).status).toBe(204);
    expect(await sessionCount(userId)).toBe(1);
    expect((await me(other.access_token)).status).toBe(200);
  });

  it('with everywhere, ends every session of the user', async () => {
    const { userId, first, other } = await twoBrowsers();

    expect((await signOut(first.access_token, { everywhere: true })).status).toBe(204);
    expect(await sessionCount(userId)).toBe(0);
    expect((await refresh(other.refresh_token)).status).toBe(400);
    expect(await audit('sign_out_everywhere')).toBeGreaterThan(0);
  });

  it('refuses a missing or bad token, another app\'s origin, and a wrong body', async () => {
    const { tokens } = await tokensFor(t, app);
    const none = await t.app.request('/v1/me/signout', { method: 'POST' });
    expect(none.status).toBe(401);
    expect((await signOut('not-a-token')).status).toBe(401);
    const other = await registerApp(t, 'Other App');
    const foreign = await signOut(tokens.access_token, {}, { origin: other.origin });
    expect(foreign.status).toBe(403);
    expect((await foreign.json()).error.code).toBe('ORIGIN_NOT_ALLOWED');
    expect((await signOut(tokens.access_token, { everywhere: 'yes' })).status).toBe(400);
    expect((await me(tokens.access_token)).status).toBe(200); // none of these signed anyone out
  });

  it('answers a CORS preflight from a registered origin', async () => {
    const res = await t.app.request('/v1/me/signout', {
      method: 'OPTIONS',
      headers: { origin: app.origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe(app.origin);
  });
});
