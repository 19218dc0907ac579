import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { consentPage, newPerson, signUp } from './hosted-pages';
import { closed, startSdkFixture, status, storedTokens, type SdkFixture } from './sdk-fixture';

/**
 * The embed demo's React page (`tollgate/react` from the built dist/, bundled with React) on
 * App A = http://127.0.0.1 and App B = http://127.0.0.2, against a real Tollgate.
 */
describe('tollgate/react on the demo\'s React pages', () => {
  let f: SdkFixture;
  let pageA: Page;
  let pageB: Page;
  const grace = newPerson('Grace Hopper');

  beforeAll(async () => {
    f = await startSdkFixture();
  });
  afterAll(() => f?.close());
  afterEach(() => {
    expect(f?.chromium.errors.splice(0), 'no page logged an error').toEqual([]);
  });

  const signIn = (page: Page) => page.getByRole('button', { name: 'Sign in with Tollgate' });

  async function open(origin: string): Promise<Page> {
    const page = await f.chromium.newPage();
    await page.goto(`${origin}/react/`);
    await status(page).getByText('Signed out').waitFor();
    return page;
  }

  it('on App A, <SignInButton> opens the popup; after sign-up useUser() shows the user', async () => {
    pageA = await open(f.appA.origin);
    const [popup] = await Promise.all([pageA.waitForEvent('popup'), signIn(pageA).click()]);
    await signUp(popup, grace);
    const consent = await consentPage(popup, 'App A', grace.email);
    await Promise.all([closed(popup), consent.continueButton.click()]);
    await status(pageA).getByText(`Signed in as ${grace.email}`).waitFor();
    expect(await signIn(pageA).count()).toBe(0);
  });

  it('on App B, the same user signs in with one click: "Continue as …", no password', async () => {
    pageB = await open(f.appB.origin);
    const [popup] = await Promise.all([pageB.waitForEvent('popup'), signIn(pageB).click()]);
    const consent = await consentPage(popup, 'App B', grace.email);
    expect(await consent.passwordFields.count()).toBe(0);
    await Promise.all([closed(popup), consent.continueButton.click()]);
    await status(pageB).getByText(`Signed in as ${grace.email}`).waitFor();
    // One user, one Tollgate session, two apps.
    const [a, b] = [await storedTokens(pageA, f.appA.id), await storedTokens(pageB, f.appB.id)];
    expect(b!.sub).toBe(a!.sub);
    expect(b!.sid).toBe(a!.sid);
  });

  it('restores the user on reload', async () => {
    await pageB.reload();
    await status(pageB).getByText(`Signed in as ${grace.email}`).waitFor();
  });

  it('"Sign out everywhere" on App B signs App A out too: its page shows it at the next load', async () => {
    await pageB.getByRole('button', { name: 'Sign out everywhere' }).click();
    await status(pageB).getByText('Signed out').waitFor();
    expect(await storedTokens(pageB, f.appB.id)).toBeNull();

    // App A's tokens (another origin's storage) were for the same session: they no longer work.
    await pageA.reload();
    await status(pageA).getByText('Signed out').waitFor();
    expect(await storedTokens(pageA, f.appA.id)).toBeNull();
    await signIn(pageA).waitFor();
    // How App A found out: /v1/me said 401, then the refresh said invalid_grant. Chromium logs
    // every 4xx answer of a fetch; those two are expected, and nothing else was logged.
    expect(f.chromium.takeErrors(/status of (401|400)/)).toHaveLength(2);
  });
});
