import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, type TestApp } from '../helpers/app';
import { mailedToken, PUBLIC_URL, signUp, TestBrowser } from '../helpers/client';

let t: TestApp;
beforeAll(async () => {
  t = await testApp({ limits: { signin_ip: { points: 1000, duration: 60 }, signup_ip: { points: 1000, duration: 60 }, reset_ip: { points: 1000, duration: 60 }, reset_account: { points: 1000, duration: 60 } } });
});
afterAll(() => t.close());

const count = async (table: string) => Number((await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)}`.execute(t.database.db)).rows[0]!.n);
const liveSessions = async () =>
  Number((await sql<{ n: number }>`select count(*)::int as n from sessions where revoked_at is null`.execute(t.database.db)).rows[0]!.n);

describe('sign-up and email verification', () => {
  it('creates the account, signs in with a __Host- session cookie and mails a verification link', async () => {
    const browser = new TestBrowser(t);
    await browser.page('/login?view=signup');
    const res = await browser.call('POST', '/auth/signup', { email: '  Ada.Lovelace@Example.COM ', password: 'correct horse battery', name: 'Ada' });
    expect(res.status).toBe(201);
    const { user } = await res.json();
    expect(user).toMatchObject({ id: expect.stringMatching(/^usr_/), email: 'ada.lovelace@example.com', emailVerified: false, name: 'Ada', role: 'user' });
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('__Host-tg_session='))!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/Secure/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).toMatch(/Path=\//);
    expect(cookie).not.toMatch(/Domain=/);
    // The row holds a hash, never the cookie value.
    const rows = await t.database.db.selectFrom('sessions').select('id').execute();
    expect(rows.map((r) => r.id)).not.toContain(browser.sessionCookie);

    const token = await mailedToken(t, 'ada.lovelace@example.com', 'verify');
    const verified = await browser.call('POST', '/auth/email/verify', { token });
    expect((await verified.json()).user.emailVerified).toBe(true);
    const again = await browser.call('POST', '/auth/email/verify', { token });
    expect(again.status).toBe(400);
    expect((await again.json()).error.code).toBe('INVALID_TOKEN');
  });

  it('refuses a taken email (whatever its case), a weak password and a bad email, writing nothing', async () => {
    const browser = new TestBrowser(t);
    const { email } = await signUp(browser);
    const before = await count('users');
    const taken = await new TestBrowser(t).call('POST', '/auth/signup', { email: email.toUpperCase(), password: 'another good one', name: '' });
    expect(taken.status).toBe(409);
    expect((await taken.json()).error.code).toBe('EMAIL_TAKEN');
    const weak = await new TestBrowser(t).call('POST', '/auth/signup', { email: 'weak@example.com', password: 'short', name: '' });
    expect((await weak.json()).error.code).toBe('WEAK_PASSWORD');
    for (const bad of ['not-an-email', 'a@b', '@example.com', 'x'.repeat(250) + '@example.com']) {
      const res = await new TestBrowser(t).call('POST', '/auth/signup', { email: bad, password: 'long enough pw', name: '' });
      expect(res.status).toBe(400);
    }
    expect(await count('users')).toBe(before);
  });

  it('lets only one of two simultaneous sign-ups with one email through', async () => {
    const email = `race${Date.now()}@example.com`;
    const results = await Promise.all(Array.from({ length: 5 }, () => new TestBrowser(t).call('POST', '/auth/signup', { email, password: 'long enough pw', name: '' })));
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409]);
  });
});

describe('sign-in', () => {
  it('gives a wrong password and an unknown email the same answer', async () => {
    const { email } = await signUp(new TestBrowser(t));
    const wrong = await new TestBrowser(t).call('POST', '/auth/signin', { email, password: 'not the password' });
    const unknown = await new TestBrowser(t).call('POST', '/auth/signin', { email: 'nobody@example.com', password: 'not the password' });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    const strip = async (r: Response) => ({ ...(await r.json()).error, requestId: undefined });
    expect(await strip(wrong)).toEqual(await strip(unknown));
  });

  it('spends comparable time on an unknown email and a wrong password (both run argon2)', async () => {
    const { email } = await signUp(new TestBrowser(t));
    const time = async (address: string) => {
      const started = performance.now();
      await new TestBrowser(t).call('POST', '/auth/signin', { email: address, password: 'wrong password' });
      return performance.now() - started;
    };
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const wrong: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 5; i++) {
      wrong.push(await time(email));
      unknown.push(await time(`nobody${i}@example.com`));
    }
    // Skipping argon2 for unknown emails would make them an order of magnitude faster.
    expect(median(unknown)).toBeGreaterThan(median(wrong) * 0.4);
  });

  it('issues a new session id at every sign-in and ends the previous one (no fixation)', async () => {
    const browser = new TestBrowser(t);
    const { email, password } = await signUp(browser);
    const first = browser.sessionCookie;
    const res = await browser.call('POST', '/auth/signin', { email, password });
    expect(res.status).toBe(200);
    expect(browser.sessionCookie).not.toBe(first);
    const stale = new TestBrowser(t);
    stale.cookies.set('__Host-tg_session', first!);
    expect((await stale.request('/auth/me')).status).toBe(401);
  });

  it('limits attempts per account with 429 and Retry-After', async () => {
    const limited = await testApp({ limits: { signin_account: { points: 3, duration: 600 } } });
    try {
      const browser = new TestBrowser(limited);
      const { email } = await signUp(browser);
      const statuses: number[] = [];
      let last: Response | undefined;
      for (let i = 0; i < 4; i++) {
        last = await new TestBrowser(limited).call('POST', '/auth/signin', { email, password: 'wrong password' });
        statuses.push(last.status);
      }
      expect(statuses).toEqual([401, 401, 401, 429]);
      expect(Number(last!.headers.get('retry-after'))).toBeGreaterThan(0);
      expect((await last!.json()).error.code).toBe('RATE_LIMITED');
    } finally {
      await limited.close();
    }
  });
});

describe('CSRF', () => {
  it('refuses writes without the page token or from another origin, changing nothing', async () => {
    const browser = new TestBrowser(t);
    await signUp(browser);
    const before = await liveSessions();
    const noToken = await browser.request('/auth/signout', { method: 'POST', headers: { origin: PUBLIC_URL, 'content-type': 'application/json' }, body: '{"everywhere":true}' });
    const otherOrigin = await browser.call('POST', '/auth/signout', { everywhere: true }, { origin: 'https://evil.example' });
    const wrongToken = await browser.call('POST', '/auth/signout', { everywhere: true }, { 'x-csrf-token': 'A'.repeat(43) });
    for (const res of [noToken, otherOrigin, wrongToken]) {
      expect(res.status).toBe(403);
      expect((await res.json()).error.code).toBe('CSRF_FAILED');
    }
    expect(await liveSessions()).toBe(before);
    expect((await browser.request('/auth/me')).status).toBe(200);
  });
});

describe('password reset and change', () => {
  it('answers the same for known and unknown emails, and the link works once and ends every session', async () => {
    const browser = new TestBrowser(t);
    const other = new TestBrowser(t);
    const { email, password } = await signUp(browser);
    await other.call('POST', '/auth/signin', { email, password });
    const known = await new TestBrowser(t).call('POST', '/auth/password/forgot', { email });
    const unknown = await new TestBrowser(t).call('POST', '/auth/password/forgot', { email: 'nobody@example.com' });
    expect([known.status, unknown.status]).toEqual([202, 202]);

    const token = await mailedToken(t, email, 'reset');
    const resetter = new TestBrowser(t);
    const res = await resetter.call('POST', '/auth/password/reset', { token, password: 'a brand new password' });
    expect(res.status).toBe(200);
    expect((await resetter.request('/auth/me')).status).toBe(200);
    expect((await browser.request('/auth/me')).status).toBe(401);
    expect((await other.request('/auth/me')).status).toBe(401);
    expect((await resetter.call('POST', '/auth/password/reset', { token, password: 'yet another password' })).status).toBe(400);
    expect((await new TestBrowser(t).call('POST', '/auth/signin', { email, password })).status).toBe(401);
    expect((await new TestBrowser(t).call('POST', '/auth/signin', { email, password: 'a brand new password' })).status).toBe(200);
  });

  it('refuses an expired or made-up token', async () => {
    const { email } = await signUp(new TestBrowser(t));
    await new TestBrowser(t).call('POST', '/auth/password/forgot', { email });
    const token = await mailedToken(t, email, 'reset');
    await t.database.db.updateTable('email_tokens').set({ expires_at: new Date(Date.now() - 1000) }).execute();
    for (const bad of [token, 'A'.repeat(43), '../../etc', '']) {
      const res = await new TestBrowser(t).call('POST', '/auth/password/reset', { token: bad, password: 'a brand new password' });
      expect(res.status).toBe(400);
    }
  });

  it('changes the password only with the current one, ending every other session', async () => {
    const browser = new TestBrowser(t);
    const { email, password } = await signUp(browser);
    const intruder = new TestBrowser(t);
    await intruder.call('POST', '/auth/signin', { email, password });
    expect((await browser.call('POST', '/auth/password/change', { currentPassword: 'wrong one!', newPassword: 'new password 1' })).status).toBe(401);
    expect((await browser.call('POST', '/auth/password/change', { currentPassword: password, newPassword: 'new password 1' })).status).toBe(204);
    expect((await browser.request('/auth/me')).status).toBe(200);
    expect((await intruder.request('/auth/me')).status).toBe(401);
    expect((await new TestBrowser(t).call('POST', '/auth/signin', { email, password: 'new password 1' })).status).toBe(200);
  });
});

describe('sessions', () => {
  it('lists and revokes sessions, and signs out here or everywhere', async () => {
    const a = new TestBrowser(t);
    const { email, password } = await signUp(a);
    const b = new TestBrowser(t);
    const c = new TestBrowser(t);
    await b.call('POST', '/auth/signin', { email, password });
    await c.call('POST', '/auth/signin', { email, password });
    const { sessions } = await (await a.request('/auth/sessions')).json();
    expect(sessions).toHaveLength(3);
    expect(sessions.filter((s: { current: boolean }) => s.current)).toHaveLength(1);
    const bId = sessions.find((s: { current: boolean }) => !s.current).id;
    expect((await a.call('DELETE', `/auth/sessions/${bId}`)).status).toBe(204);
    expect((await a.call('DELETE', `/auth/sessions/${bId}`)).status).toBe(404);
    const live = await Promise.all([a, b, c].map(async (x) => (await x.request('/auth/me')).status));
    expect(live.filter((s) => s === 200)).toHaveLength(2);
    expect((await a.call('POST', '/auth/signout', { everywhere: true })).status).toBe(204);
    for (const x of [a, b, c]) expect((await x.request('/auth/me')).status).toBe(401);
  });

  it('expires idle and absolute sessions', async () => {
    const browser = new TestBrowser(t);
    const { user } = await signUp(browser);
    await t.database.db.updateTable('sessions').set({ idle_expires_at: new Date(Date.now() - 1000) }).where('user_id', '=', user.id).execute();
    expect((await browser.request('/auth/me')).status).toBe(401);
  });

  it('cannot revoke another user\'s session', async () => {
    const mine = new TestBrowser(t);
    await signUp(mine);
    const theirs = new TestBrowser(t);
    await signUp(theirs);
    const { sessions } = await (await theirs.request('/auth/sessions')).json();
    expect((await mine.call('DELETE', `/auth/sessions/${sessions[0].id}`)).status).toBe(404);
    expect((await theirs.request('/auth/me')).status).toBe(200);
  });
});

describe('hosted pages', () => {
  it('serves /login with its data and a strict CSP, never framable, without COOP', async () => {
    const { res, data } = await new TestBrowser(t).page('/login?view=signup&return_to=/account');
    expect(res.status).toBe(200);
    expect(data).toMatchObject({ page: 'login', view: 'signup', returnTo: '/account', csrfToken: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) });
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(res.headers.get('cross-origin-opener-policy')).toBeNull();
  });

  it.each(['//evil.example/x', 'https://evil.example', '/\\evil.example', 'javascript:alert(1)', '/%2F%2Fevil.example'])('keeps return_to=%s on this origin', async (target) => {
    const { data } = await new TestBrowser(t).page(`/login?return_to=${encodeURIComponent(target)}`);
    expect(data.returnTo.startsWith('/')).toBe(true);
    expect(data.returnTo.startsWith('//')).toBe(false);
    expect(new URL(data.returnTo, PUBLIC_URL).origin).toBe(PUBLIC_URL);
  });

  it('escapes page data so no value can close its script element', async () => {
    // The token travels into the page data unencoded (return_to would be percent-encoded by URL parsing).
    const html = await (await new TestBrowser(t).request(`/login?view=reset&token=${encodeURIComponent('</script><script>alert(1)</script>')}`)).text();
    expect(html).toContain('\\u003c/script>');
    expect(html).not.toContain('</script><script>alert(1)');
  });

  it.each(['/.//evil.example/x', '/a/..//evil.example/x', '/%2e//evil.example/x', '//evil.example', '/\\evil.example'])(
    'never redirects a signed-in user off this origin (return_to=%s)',
    async (target) => {
      const browser = new TestBrowser(t);
      await signUp(browser);
      const res = await browser.request(`/login?return_to=${encodeURIComponent(target)}`);
      expect(res.status).toBe(302);
      const location = res.headers.get('location')!;
      expect(location.startsWith('/')).toBe(true);
      expect(location.startsWith('//')).toBe(false);
      expect(new URL(location, PUBLIC_URL).origin).toBe(PUBLIC_URL);
    },
  );

  it('sends /account to sign-in when signed out', async () => {
    const res = await new TestBrowser(t).request('/account');
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/login?return_to=%2Faccount');
  });

  it('serves the dev mailbox outside production only', async () => {
    expect((await t.app.request('/dev/mailbox')).status).toBe(200);
    const prod = await testApp({ env: { NODE_ENV: 'production', PUBLIC_URL: 'https://id.example.com', SMTP_URL: 'smtp://127.0.0.1:1' } });
    try {
      expect((await prod.app.request('/dev/mailbox')).status).toBe(404);
    } finally {
      await prod.close();
    }
  });
});
