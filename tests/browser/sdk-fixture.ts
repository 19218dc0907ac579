import { join } from 'node:path';
import { chromium as playwright, type Page } from 'playwright-core';
import { startEmbedDemo } from '../../server/demo/embed-server';
import { launchChromium, serveSite, type Site, type TestChromium } from '../helpers/browser';
import { freePort, ROOT } from '../helpers/process';
import { startTollgate, type RegisteredApp, type TollgateServer } from '../helpers/server';

// What the SDK browser tests share: a real Tollgate, the embed demo's own pages (the script-tag
// page and the React page, exactly as `npm start` serves them) on App A = http://127.0.0.1 and
// App B = http://127.0.0.2, a hostile site on http://127.0.0.3, and Chromium.

export interface SdkFixture {
  tollgate: TollgateServer;
  chromium: TestChromium;
  appA: RegisteredApp & { origin: string };
  appB: RegisteredApp & { origin: string };
  hostile: Site;
  close(): Promise<void>;
}

export async function startSdkFixture(): Promise<SdkFixture> {
  const tollgate = await startTollgate();
  const register = async (name: string, host: string) => {
    const origin = `http://${host}:${await freePort()}`;
    const app = await tollgate.createApp({ name, origins: [origin], redirectUris: [`${origin}/`, `${origin}/react/`] });
    return { ...app, origin };
  };
  const appA = await register('App A', '127.0.0.1');
  const appB = await register('App B', '127.0.0.2');
  const demo = await startEmbedDemo({ seed: { apps: [appA, appB] }, tollgateUrl: tollgate.url, root: join(ROOT, 'embed-demo') });
  const hostile = await serveSite('127.0.0.3');
  const chromium = await launchChromium();
  return {
    tollgate,
    chromium,
    appA,
    appB,
    hostile,
    async close() {
      await chromium.close();
      await Promise.all([demo.close(), hostile.close()]);
      await tollgate.stop();
    },
  };
}

/**
 * A second Chromium with its popup blocker on, as people's browsers have it (playwright turns
 * it off by default): `window.open` outside a user gesture returns null there.
 */
export async function launchChromiumWithPopupBlocker() {
  const browser = await playwright.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'],
    ignoreDefaultArgs: ['--disable-popup-blocking'],
  });
  const context = await browser.newContext();
  context.setDefaultTimeout(10_000);
  return { browser, context };
}

export const status = (page: Page) => page.getByRole('status');

/** The tokens the SDK keeps for `appId` in this page's localStorage. */
export const storedTokens = (page: Page, appId: string) =>
  page.evaluate((key) => JSON.parse(localStorage.getItem(key) ?? 'null'), `tollgate:${appId}`) as Promise<{
    accessToken: string;
    refreshToken: string;
    refreshAt: number;
    expiresAt: number;
    sid: string;
    sub: string;
  } | null>;

/** On Tollgate's sign-in page: email, password, "Sign in". */
export async function signInWithPassword(page: Page, email: string, password: string) {
  await page.getByRole('heading', { name: 'Sign in', exact: true }).waitFor();
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

export const closed = (popup: Page) => (popup.isClosed() ? Promise.resolve() : popup.waitForEvent('close').then(() => {}));
