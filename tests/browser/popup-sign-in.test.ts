import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, serveSite, visibleText, type Site, type TestChromium } from '../helpers/browser';
import { startTollgate, type RegisteredApp, type TollgateServer } from '../helpers/server';
import { hostPage } from './host-page';
import { consentPage, newPerson, signUp, verifyEmail } from './hosted-pages';

/**
 * The popup sign-in of the DESIGN, across real origins: Tollgate on http://localhost, App A on
 * http://127.0.0.1, App B on http://127.0.0.2 and a hostile site on http://127.0.0.3. All of
 * 127.0.0.0/8 is loopback on Linux, and Chromium treats each as a site of its own.
 */
describe('signing in with the Tollgate popup on two apps', () => {
  let tollgate: TollgateServer;
  let chromium: TestChromium;
  let siteA: Site;
  let siteB: Site;
  let hostile: Site;
  let appA: RegisteredApp;
  let appB: RegisteredApp;
  let userId: string;
  const ada = newPerson('Ada Lovelace');

  beforeAll(async () => {
    tollgate = await startTollgate();
    siteA = await serveSite('127.0.0.1');
    siteB = await serveSite('127.0.0.2');
    hostile = await serveSite('127.0.0.3');
    appA = await tollgate.createApp({ name: 'App A', origins: [siteA.origin] });
    appB = await tollgate.createApp({ name: 'App B', origins: [siteB.origin] });
    siteA.page('/', hostPage({ title: 'App A', tollgateUrl: tollgate.url, clientId: appA.id }));
    siteB.page('/', hostPage({ title: 'App B', tollgateUrl: tollgate.url, clientId: appB.id }));
    // Not registered anywhere; it uses App A's public client id.
    hostile.page('/', hostPage({ title: 'Free prizes', tollgateUrl: tollgate.url, clientId: appA.id }));
    hostile.page('/posing-as-a', hostPage({ title: 'Free prizes', tollgateUrl: tollgate.url, clientId: appA.id, redirectUri: siteA.origin }));
    chromium = await launchChromium();
  });

  afterAll(async () => {
    await chromium?.close();
    await Promise.all([siteA?.close(), siteB?.close(), hostile?.close()]);
    await tollgate?.stop();
  });

  afterEach(() => {
    expect(chromium?.errors.splice(0), 'no page logged an error').toEqual([]);
  });

  /** Opens `url` and clicks its "Sign in with Tollgate" button; returns the popup it opened. */
  async function clickSignIn(url: string, beforeClick?: (page: Page) => Promise<void>): Promise<{ page: Page; popup: Page }> {
    const page = await chromium.newPage();
    await page.goto(url);
    await beforeClick?.(page);
    const [popup] = await Promise.all([page.waitForEvent('popup'), page.getByRole('button', { name: 'Sign in with Tollgate' }).click()]);
    return { page, popup };
  }

  const closed = (popup: Page) => (popup.isClosed() ? Promise.resolve() : popup.waitForEvent('close').then(() => {}));
  const status = (page: Page) => page.getByRole('status');
  const received = (page: Page) => page.evaluate(() => (window as unknown as { received: { origin: string; data: unknown }[] }).received);

  it('on App A, a new user signs up in the popup, verifies the email in another tab, and App A shows them', async () => {
    const { page, popup } = await clickSignIn(siteA.origin);
    await popup.getByRole('heading', { name: 'Sign in', exact: true }).waitFor();
    expect(await visibleText(popup)).toContain('to continue to App A');

    await signUp(popup, ada);
    const consent = await consentPage(popup, 'App A', ada.email);

    const mailbox = await chromium.newPage();
    await verifyEmail(mailbox, tollgate.url, ada.email);
    await mailbox.close();

    await Promise.all([closed(popup), consent.continueButton.click()]);
    await page.getByText(`Signed in as ${ada.email}`).waitFor();
    userId = (await status(page).getAttribute('data-user-id'))!;
    expect(userId).toMatch(/^usr_/);
    expect(await status(page).getAttribute('data-app-id')).toBe(appA.id);
  });

  it('on App B, the same user signs in with one click: "Continue as …", no password', async () => {
    const { page, popup } = await clickSignIn(siteB.origin);
    const consent = await consentPage(popup, 'App B', ada.email);
    expect(await consent.passwordFields.count()).toBe(0);

    await Promise.all([closed(popup), consent.continueButton.click()]);
    await page.getByText(`Signed in as ${ada.email}`).waitFor();
    expect(await status(page).getAttribute('data-user-id')).toBe(userId);
    expect(await status(page).getAttribute('data-app-id')).toBe(appB.id);
  });

  it('a hostile site that names itself as App A\'s redirect target gets the error page and no message', async () => {
    const { page, popup } = await clickSignIn(hostile.origin);
    await popup.getByRole('heading', { name: 'This sign-in link is not valid' }).waitFor();
    expect(await visibleText(popup)).toContain('The redirect_uri is not registered for this app.');
    expect(await popup.locator('script').count()).toBe(0);

    await page.waitForTimeout(1_000); // the only fixed wait: proving that nothing arrives
    expect(await received(page)).toEqual([]);
    expect(await visibleText(page)).toContain('Waiting for Tollgate…');
    // The error page answers 400; Chromium may log that status for the popup's document.
    chromium.takeErrors(/the server responded with a status of 400/);
  });

  it('a hostile site that names App A\'s own origin gets nothing: the browser delivers the answer to App A only', async () => {
    const { page, popup } = await clickSignIn(`${hostile.origin}/posing-as-a`);
    // The user already approved App A, so the popup answers at once, addressed to App A's
    // origin, and closes itself (the error page above has no script and stays open).
    await closed(popup);
    await page.waitForTimeout(1_000);
    expect(await received(page)).toEqual([]);
    expect(await visibleText(page)).toContain('Waiting for Tollgate…');
  });

  it('App A refuses an answer whose state is not the one it sent', async () => {
    const tokenRequests: string[] = [];
    const { page, popup } = await clickSignIn(siteA.origin, async (page) => {
      page.on('request', (request) => void (request.url().startsWith(`${tollgate.url}/oauth/token`) && tokenRequests.push(request.url())));
      await page.evaluate(() => void ((window as unknown as { forgeState: boolean }).forgeState = true));
    });

    await closed(popup);
    await page.getByText('Sign-in rejected: the answer is not for this sign-in.').waitFor();
    const answers = await received(page);
    expect(answers).toHaveLength(1);
    expect(answers[0]).toMatchObject({ origin: tollgate.url, data: { type: 'authorization_response', state: expect.stringMatching(/^forged-/) } });
    expect(tokenRequests).toEqual([]);
  });
});
