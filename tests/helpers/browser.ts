import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/** Debian's Chromium, never a downloaded one (DESIGN: Running it). */
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'];

export interface TestChromium {
  browser: Browser;
  /** One profile: every tab and popup shares its cookies, as a person's browser does. */
  context: BrowserContext;
  /** Console errors and uncaught exceptions of every page and popup so far, with the page URL. */
  errors: string[];
  /** Removes and returns the errors matching `pattern`: for the ones a test expects. */
  takeErrors(pattern: RegExp): string[];
  newPage(): Promise<Page>;
  close(): Promise<void>;
}

/**
 * Chromium driven by playwright-core. Every page of the context, popups included, reports its
 * console errors and uncaught exceptions into `errors`, so a test can assert none happened.
 *
 * @example
 * const chromium = await launchChromium();
 * const page = await chromium.newPage();
 * afterAll(() => chromium.close());
 */
export async function launchChromium(): Promise<TestChromium> {
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  const context = await browser.newContext();
  // Keep a hung page from outliving the test's own timeout.
  context.setDefaultTimeout(10_000);
  const errors: string[] = [];
  const watch = (page: Page) => {
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(`${page.url()}: console: ${message.text()}`);
    });
    page.on('pageerror', (error) => errors.push(`${page.url()}: uncaught: ${error.message}`));
  };
  context.on('page', watch);
  return {
    browser,
    context,
    errors,
    takeErrors(pattern) {
      const taken = errors.filter((error) => pattern.test(error));
      errors.splice(0, errors.length, ...errors.filter((error) => !taken.includes(error)));
      return taken;
    },
    newPage: () => context.newPage(),
    close: () => browser.close(),
  };
}

export interface Site {
  /** `http://<host>:<port>`, e.g. `http://127.0.0.2:41234`. */
  origin: string;
  /** Serves `html` at `path` (no CSP: a fixture standing in for a third-party app's page). */
  page(path: string, html: string): void;
  close(): Promise<void>;
}

/**
 * A tiny web site on its own origin. Linux routes all of 127.0.0.0/8 to loopback, so
 * 127.0.0.1, 127.0.0.2 and 127.0.0.3 are three different sites to Chromium (DESIGN: "Test
 * with real origins"), and each is still a secure context.
 */
export async function serveSite(host: string): Promise<Site> {
  const pages = new Map<string, string>();
  const server = createServer((req, res) => {
    const html = pages.get(new URL(req.url ?? '/', 'http://x').pathname);
    res.writeHead(html === undefined ? 404 : 200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    res.end(html ?? 'not found');
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://${host}:${port}`,
    page: (path, html) => void pages.set(path, html),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Text a person can see on the page, whitespace collapsed. */
export async function visibleText(page: Page): Promise<string> {
  return (await page.locator('body').innerText()).replace(/\s+/g, ' ').trim();
}
