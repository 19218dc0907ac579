import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { visibleText } from '../helpers/browser';
import { consentPage, newPerson, signUp } from './hosted-pages';
import { closed, launchChromiumWithPopupBlocker, signInWithPassword, startSdkFixture, status, storedTokens, type SdkFixture } from './sdk-fixture';

/**
 * The script tag on a blank page (the embed demo's own page), across real origins: Tollgate on
 * http://localhost, App A on http://127.0.0.1, a hostile site on http://127.0.0.3.
 */
describe('widget.js on App A\'s page', () => {
  let f: SdkFixture;
  let page: Page;
  const ada = newPerson('Ada Lovelace');
  const tokenRequests: string[] = [];

  beforeAll(async () => {
    f = await startSdkFixture();
    f.chromium.context.on('request', (request) => {
      if (request.url() === `${f.tollgate.url}/oauth/token`) tokenRequests.push(new URLSearchParams(request.postData() ?? '').get('grant_type')!);
    });
    // Every page records the widget's DOM events.
    await f.chromium.context.addInitScript(() => {
      const events: unknown[] = ((window as unknown as { tollgateEvents: unknown[] }).tollgateEvents = []);
      for (const name of ['auth', 'error']) {
        document.addEventListener(`tollgate:${name}`, (event) => {
          const detail = (event as CustomEvent).detail;
          events.push({ name, detail: name === 'error' ? { code: detail.code, userMessage: detail.userMessage } : JSON.parse(JSON.stringify(detail)) });
        });
      }
    });
  });
  afterAll(() => f?.close());
  afterEach(() => {
    expect(f?.chromium.errors.splice(0), 'no page logged an error').toEqual([]);
  });

  const events = (p: Page) => p.evaluate(() => (window as unknown as { tollgateEvents: { name: string; detail: any }[] }).tollgateEvents);
  const signInButton = (p: Page) => p.getByRole('button', { name: 'Sign in with Tollgate' });
  const signOutButton = (p: Page) => p.getByRole('button', { name: 'Sign out everywhere' });

  async function openA(): Promise<Page> {
    const p = await f.chromium.newPage();
    await p.goto(`${f.appA.origin}/`);
    return p;
  }

  it('a new user signs up in the popup and the page shows them, with no code written for it', async () => {
    page = await openA();
    await status(page).getByText('Signed out').waitFor();
    // The page's `<div data-tollgate="login">` got the embedded login frame, which finished its
    // handshake (it sized itself over the port).
    const frame = page.locator('iframe[title="Sign in with Tollgate"]');
    expect(await frame.getAttribute('src')).toMatch(new RegExp(`^${f.tollgate.url}/embed/login\\?appId=${f.appA.id}&`));
    await page.waitForFunction(() => parseFloat(document.querySelector('iframe')!.style.height) > 0);
    const [popup] = await Promise.all([page.waitForEvent('popup'), signInButton(page).click()]);
    await popup.getByRole('heading', { name: 'Sign in', exact: true }).waitFor();
    expect(await visibleText(popup)).toContain('to continue to App A');
    await signUp(popup, ada);
    const consent = await consentPage(popup, 'App A', ada.email);
    await Promise.all([closed(popup), consent.continueButton.click()]);

    await status(page).getByText(`Signed in as ${ada.email}`).waitFor();
    expect(await signInButton(page).isHidden()).toBe(true);
    expect(await signOutButton(page).isVisible()).toBe(true);
    const tokens = await storedTokens(page, f.appA.id);
    expect(tokens?.refreshToken).toMatch(/^rt_/);
    expect(tokens?.sub).toMatch(/^usr_/);
    expect(await events(page)).toEqual([
      { name: 'auth', detail: { signedIn: false } },
      { name: 'auth', detail: { signedIn: true, user: expect.objectContaining({ email: ada.email, id: tokens!.sub }) } },
    ]);
    expect(tokenRequests).toEqual(['authorization_code']);
  });

  it('restores the user on reload, without a popup or a token request', async () => {
    const before = tokenRequests.length;
    await page.reload();
    await status(page).getByText(`Signed in as ${ada.email}`).waitFor();
    expect(tokenRequests.length).toBe(before);
    expect(await events(page)).toEqual([{ name: 'auth', detail: { signedIn: true, user: expect.objectContaining({ email: ada.email }) } }]);
  });

  it('a popup closed without an answer rejects with POPUP_CLOSED instead of hanging', async () => {
    // On App B's page (nobody signed in there yet).
    const other = await f.chromium.newPage();
    await other.goto(`${f.appB.origin}/`);
    await status(other).getByText('Signed out').waitFor();
    const popup = other.waitForEvent('popup');
    const outcome = other.evaluate(() =>
      window.Tollgate!.client!.auth.login().then(
        () => 'signed in',
        (error) => ({ code: error.code, userMessage: error.userMessage, branded: window.Tollgate!.isTollgateError(error) }),
      ),
    );
    await (await popup).close();
    expect(await outcome).toEqual({ code: 'POPUP_CLOSED', userMessage: 'The sign-in window was closed before sign-in finished.', branded: true });
    expect(await storedTokens(other, f.appB.id)).toBeNull();
    await other.close();
  });

  it('two tabs refreshing at once keep one valid refresh token, and stay signed in', async () => {
    const second = await openA();
    await status(second).getByText(`Signed in as ${ada.email}`).waitFor();
    const expire = () =>
      page.evaluate((key) => {
        const tokens = JSON.parse(localStorage.getItem(key)!);
        localStorage.setItem(key, JSON.stringify({ ...tokens, refreshAt: 0 }));
      }, `tollgate:${f.appA.id}`);
    const getToken = (p: Page) => p.evaluate(() => window.Tollgate!.client!.auth.getAccessToken());
    const before = await storedTokens(page, f.appA.id);

    for (let round = 0; round < 5; round++) {
      // Both tabs find the access token about to expire at the same moment.
      await expire();
      const requests = tokenRequests.length;
      const [one, two] = await Promise.all([getToken(page), getToken(second)]);
      expect(one).toMatch(/^ey/);
      expect(two).toMatch(/^ey/);
      // Usually one request: the Web Lock, then the re-read of storage. But localStorage reaches
      // another tab's process asynchronously, so the second tab may miss the write and refresh
      // too; the server's grace window then answers it with the same successor.
      expect(tokenRequests.length - requests).toBeGreaterThanOrEqual(1);
      expect(tokenRequests.length - requests).toBeLessThanOrEqual(2);
    }
    const after = await storedTokens(second, f.appA.id);
    expect(after!.refreshToken).not.toBe(before!.refreshToken);
    expect(after!.refreshAt).toBeGreaterThan(Date.now());

    // The one refresh token the tabs share is valid (no family was revoked): refreshing works,
    // and both tabs still show the user.
    await expire();
    const [response] = await Promise.all([page.waitForResponse(`${f.tollgate.url}/oauth/token`), getToken(page)]);
    expect(response.status()).toBe(200);
    await second.reload();
    await status(second).getByText(`Signed in as ${ada.email}`).waitFor();
    expect(await status(page).textContent()).toBe(`Signed in as ${ada.email}`);
    await second.close();
  });

  it('"Sign out everywhere" in one tab shows in the other, and ends the session on the server', async () => {
    const second = await openA();
    await status(second).getByText(`Signed in as ${ada.email}`).waitFor();
    const tokens = await storedTokens(page, f.appA.id);

    await signOutButton(page).click();
    await status(page).getByText('Signed out').waitFor();
    await status(second).getByText('Signed out').waitFor();
    expect(await signInButton(second).isVisible()).toBe(true);
    expect(await storedTokens(second, f.appA.id)).toBeNull();
    expect((await events(second)).at(-1)).toEqual({ name: 'auth', detail: { signedIn: false } });

    const refresh = await fetch(`${f.tollgate.url}/oauth/token`, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: tokens!.refreshToken, client_id: f.appA.id }),
    });
    expect((await refresh.json()).error).toBe('invalid_grant');
    const me = await fetch(`${f.tollgate.url}/v1/me`, { headers: { authorization: `Bearer ${tokens!.accessToken}` } });
    expect(me.status).toBe(401);
    await second.close();
  });

  it('a blocked popup rejects with POPUP_BLOCKED; with fallback "redirect" the page signs in through a redirect', async () => {
    const { browser, context } = await launchChromiumWithPopupBlocker();
    const errors: string[] = [];
    context.on('page', (p) => p.on('console', (m) => void (m.type() === 'error' && errors.push(m.text()))));
    // login() from a timer, long after any user gesture (playwright's evaluate counts as one):
    // `?timer` plain, `?timer-fallback` with { fallback: 'redirect' }.
    await context.addInitScript(() => {
      document.addEventListener('tollgate:ready', () => {
        const fallback = location.search === '?timer-fallback' ? 'redirect' : location.search === '?timer' ? 'none' : undefined;
        if (!fallback) return;
        setTimeout(() => {
          window.Tollgate!.client!.auth.login({ fallback }).then(
            () => ((window as unknown as { outcome: string }).outcome = 'signed in'),
            (error) => ((window as unknown as { outcome: string }).outcome = error.code),
          );
        }, 100);
      });
    });
    try {
      const blocked = await context.newPage();
      await blocked.goto(`${f.appA.origin}/?timer`);
      await blocked.waitForFunction(() => (window as unknown as { outcome?: string }).outcome);
      expect(await blocked.evaluate(() => (window as unknown as { outcome: string }).outcome)).toBe('POPUP_BLOCKED');
      expect(context.pages()).toHaveLength(1);

      await blocked.goto(`${f.appA.origin}/?timer-fallback`);
      await blocked.waitForURL(`${f.tollgate.url}/login**`);
      await signInWithPassword(blocked, ada.email, ada.password);
      // App A was approved before: Tollgate redirects straight back with the code.
      await status(blocked).getByText(`Signed in as ${ada.email}`).waitFor();
      const url = new URL(blocked.url());
      expect(url.href).toBe(`${f.appA.origin}/`); // code, state and iss removed from the address bar
      expect(await blocked.evaluate((key) => sessionStorage.getItem(key), `tollgate:${f.appA.id}:tx`)).toBeNull();
      expect((await storedTokens(blocked, f.appA.id))?.refreshToken).toMatch(/^rt_/);
      await blocked.reload();
      await status(blocked).getByText(`Signed in as ${ada.email}`).waitFor();
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  });

  it('a hostile site that uses App A\'s id gets the error page, and no code or token', async () => {
    f.hostile.page(
      '/',
      `<!doctype html><title>Free prizes</title><link rel="icon" href="data:,"><p role="status">…</p>
       <button type="button" data-tollgate="login">Sign in with Tollgate</button>
       <script src="${f.tollgate.url}/widget.js" data-app-id="${f.appA.id}" async></script>`,
    );
    const evil = await f.chromium.newPage();
    const received: unknown[] = [];
    await evil.exposeFunction('record', (data: unknown) => void received.push(data));
    await evil.addInitScript(() => addEventListener('message', (event) => (window as unknown as { record(d: unknown): void }).record(event.data)));
    await evil.goto(`${f.hostile.origin}/`);
    const requests = tokenRequests.length;
    const [popup] = await Promise.all([evil.waitForEvent('popup'), signInButton(evil).click()]);
    await popup.getByRole('heading', { name: 'This sign-in link is not valid' }).waitFor();
    await evil.waitForTimeout(1_000); // the only fixed wait: proving that nothing arrives
    expect(received).toEqual([]);
    expect(tokenRequests.length).toBe(requests);
    expect(await storedTokens(evil, f.appA.id)).toBeNull();
    await popup.close();
    f.chromium.takeErrors(/the server responded with a status of 400/);
  });
});
