import { join } from 'node:path';
import { build } from 'esbuild';
import type { Frame, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, serveSite, type Site, type TestChromium } from '../helpers/browser';
import { ROOT } from '../helpers/process';
import { startTollgate, type RegisteredApp, type TollgateServer } from '../helpers/server';
import { consentPage, newPerson, signUp, verifyEmail } from './hosted-pages';
import { PREPARE_SIGN_IN } from './host-page';

/**
 * The frames of /embed/* and their handshake, across real origins: Tollgate on
 * http://localhost, App A on http://127.0.0.1, a hostile site on http://127.0.0.3, and App A's
 * second origin http://localhost:<port> (same site as Tollgate, other origin).
 *
 * The host pages run `mountFrame` from widget/core/frames.ts, bundled here with esbuild (the
 * same source rollup builds into `tollgate`) and inlined into the page: the fixture sites serve
 * only HTML, and this keeps the test independent of which names `dist/index.js` exports.
 */
describe('embedded frames across origins', () => {
  let tollgate: TollgateServer;
  let chromium: TestChromium;
  let siteA: Site;
  let hostile: Site;
  let appA: RegisteredApp;
  let sameSiteOrigin: string;
  const ada = newPerson('Ada Embed');

  beforeAll(async () => {
    const bundle = await build({
      entryPoints: [join(ROOT, 'widget/core/frames.ts')],
      bundle: true,
      write: false,
      format: 'iife',
      globalName: 'TollgateFrames',
      target: 'es2020',
      logLevel: 'silent',
    });
    const frames = bundle.outputFiles[0]!.text.replace(/<\/script/gi, '<\\/script');
    tollgate = await startTollgate();
    siteA = await serveSite('127.0.0.1');
    hostile = await serveSite('127.0.0.3');
    sameSiteOrigin = siteA.origin.replace('127.0.0.1', 'localhost');
    appA = await tollgate.createApp({ name: 'App A', origins: [siteA.origin, sameSiteOrigin] });
    const host = (title: string, appId = appA.id) => hostPage({ title, tollgateUrl: tollgate.url, appId, frames });
    siteA.page('/', host('App A'));
    siteA.page('/blank', '<!doctype html><title>blank</title><link rel="icon" href="data:,">');
    hostile.page('/', host('Free prizes'));
    // Frames /embed/balance with App A's id and App A's origin, as if it were App A.
    const nonce = 'hostile0123456789abcdef';
    const posing = `${tollgate.url}/embed/balance?${new URLSearchParams({ appId: appA.id, origin: siteA.origin, nonce, v: '1' })}`;
    hostile.page('/posing-as-a', `<!doctype html><title>Free prizes</title><link rel="icon" href="data:,"><script>window.received = []; addEventListener('message', (e) => received.push(e.data));</script><iframe src="${posing}" title="balance"></iframe>`);
    chromium = await launchChromium();
  });

  afterAll(async () => {
    await chromium?.close();
    await Promise.all([siteA?.close(), hostile?.close()]);
    await tollgate?.stop();
  });

  afterEach(() => {
    expect(chromium?.errors.splice(0), 'no page logged an error').toEqual([]);
  });

  /** Opens a host page that mounts `kind` and waits for the handshake. */
  async function mounted(origin: string, kind: string, timeoutMs = 10_000): Promise<{ page: Page; frame: Frame }> {
    const page = await chromium.newPage();
    await page.goto(`${origin}/?frame=${kind}&timeout=${timeoutMs}`);
    expect(await page.evaluate(() => (window as any).tg.ready.then(() => 'ready'))).toBe('ready');
    const frame = page.frames().find((f) => f.url().startsWith(`${tollgate.url}/embed/${kind}?`));
    expect(frame).toBeDefined();
    return { page, frame: frame! };
  }

  const stats = (page: Page) => page.evaluate(() => (window as any).tg.stats());
  const frameStats = (frame: Frame) => frame.evaluate(() => (window as any).__tollgateFrameStats());
  const iframeHeight = (page: Page) => page.locator('iframe').first().evaluate((el) => (el as HTMLIFrameElement).style.height);

  it('mounts the balance frame: handshake, height, and requests both ways', async () => {
    const { page, frame } = await mounted(siteA.origin, 'balance');
    await frame.getByRole('heading', { name: 'Credit balance' }).waitFor();
    // Signed out: the frame asked the host for its token (a request frame → host) and got null.
    await frame.getByText('Sign in to this app to see it.').waitFor();
    expect(await page.evaluate(() => (window as any).tokenRequests)).toBeGreaterThanOrEqual(1);
    // A request host → frame.
    expect(await page.evaluate(() => (window as any).tg.request('ping'))).toEqual({ frame: 'balance', protocol: 1 });
    // The frame reported its content height and the host sized the iframe to it.
    const contentHeight = await frame.evaluate(() => Math.ceil(document.getElementById('root')!.getBoundingClientRect().height));
    expect(contentHeight).toBeGreaterThan(50);
    await expect.poll(() => iframeHeight(page)).toBe(`${contentHeight}px`);
    // No number pretends to be a balance yet.
    expect(await frame.locator('body').innerText()).not.toMatch(/\d/);
    expect(await stats(page)).toMatchObject({ invalid: 0, version: 0, nonce: 0, replayed: 0, duplicate: 0 });
    await page.close();
  });

  it('the frame follows its content: a narrower host makes it taller, and the host follows', async () => {
    const { page } = await mounted(siteA.origin, 'subscription');
    const before = parseInt(await iframeHeight(page), 10);
    await page.setViewportSize({ width: 260, height: 800 });
    await expect.poll(async () => parseInt(await iframeHeight(page), 10)).toBeGreaterThan(before);
    await page.close();
  });

  it('the login frame: "Continue" opens the popup from the host (the click\'s activation reaches it), then shows the user', async () => {
    const { page, frame } = await mounted(siteA.origin, 'login');
    expect(await frame.getByText('to continue to App A').count()).toBe(1);
    const [popup] = await Promise.all([page.waitForEvent('popup'), frame.getByRole('button', { name: 'Continue with Tollgate' }).click()]);
    expect(await page.evaluate(() => (window as any).popupBlocked)).toBe(false);

    await popup.getByRole('heading', { name: 'Sign in', exact: true }).waitFor();
    await signUp(popup, ada);
    const consent = await consentPage(popup, 'App A', ada.email);
    const mailbox = await chromium.newPage();
    await verifyEmail(mailbox, tollgate.url, ada.email);
    await mailbox.close();
    await Promise.all([popup.waitForEvent('close'), consent.continueButton.click()]);

    // The host got its token and said `auth`; the frame asked for it and read GET /v1/me.
    await frame.getByText(`Signed in as ${ada.email}`).waitFor();
    // A frame mounted now shows the signed-in state at once.
    const balance = await page.evaluate(() => (window as any).mount('balance').ready.then(() => 'ready'));
    expect(balance).toBe('ready');
    const second = page.frames().find((f) => f.url().startsWith(`${tollgate.url}/embed/balance?`))!;
    await second.getByText(`Signed in as ${ada.email}`).waitFor();
    await page.close();
  });

  it('on a same-site origin, the login frame sees the Tollgate session and offers "Continue as …"', async () => {
    const { page, frame } = await mounted(sameSiteOrigin, 'login');
    await frame.getByRole('button', { name: `Continue as ${ada.email}` }).waitFor();
    await page.close();
  });

  it('a hostile page that frames /embed/balance as App A is blocked by frame-ancestors: nothing loads, no ready', async () => {
    const page = await chromium.newPage();
    const scripts: string[] = [];
    page.on('request', (request) => void (request.url().includes('/assets/embed.js') && scripts.push(request.url())));
    await page.goto(`${hostile.origin}/posing-as-a`);
    await page.waitForTimeout(1_000); // the only kind of fixed wait: proving that nothing arrives
    expect(await page.evaluate(() => (window as any).received)).toEqual([]);
    expect(scripts).toEqual([]);
    expect(chromium.takeErrors(/frame-ancestors/).length).toBeGreaterThan(0);
    await page.close();
  });

  it('a hostile page that mounts App A\'s frame under its own origin gets the 403 page: no ready, the mount times out', async () => {
    const page = await chromium.newPage();
    await page.goto(`${hostile.origin}/?frame=balance&timeout=1500`);
    const outcome = await page.evaluate(() => (window as any).tg.ready.then(() => 'ready', (e: { code: string }) => e.code));
    expect(outcome).toBe('TIMEOUT');
    expect(await page.evaluate(() => (window as any).received)).toEqual([]);
    expect(await page.evaluate(() => (window as any).tokenRequests)).toBe(0);
    const res = await fetch(await page.locator('iframe').getAttribute('src').then((src) => src!));
    expect(res.status).toBe(403);
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(await res.text()).not.toMatch(/<script/i);
    chromium.takeErrors(/frame-ancestors|status of 403/);
    await page.close();
  });

  it('the host ignores and counts a forged ready: wrong origin, wrong window, wrong nonce, other version, replay', async () => {
    const { page, frame } = await mounted(siteA.origin, 'balance');
    const nonce = new URL(frame.url()).searchParams.get('nonce')!;
    const ready = (n: string, tg = 1) => ({ tg, id: 'forged1', type: 'ready', payload: { nonce: n, frame: 'balance' } });
    // From the host's own window: not the Tollgate origin.
    await page.evaluate((m) => window.postMessage(m, '*'), ready(nonce));
    // From inside the frame (the right origin and window): a wrong nonce, another version, a replay.
    await frame.evaluate((m) => parent.postMessage(m, '*'), ready('wrong0123456789abcdef'));
    await frame.evaluate((m) => parent.postMessage(m, '*'), ready(nonce, 2));
    await frame.evaluate((m) => parent.postMessage(m, '*'), ready(nonce));
    // From another window at the Tollgate origin with the stolen nonce: a second frame.
    await page.evaluate(({ url }) => {
      const other = document.createElement('iframe');
      other.src = url;
      document.body.appendChild(other);
    }, { url: frame.url() });
    await expect.poll(() => stats(page)).toMatchObject({ origin: expect.any(Number), source: 1, nonce: 1, version: 1, replayed: 1 });
    expect((await stats(page)).origin).toBeGreaterThanOrEqual(1);
    // The real frame still answers.
    expect(await page.evaluate(() => (window as any).tg.request('ping'))).toEqual({ frame: 'balance', protocol: 1 });
    await page.close();
  });

  it('the frame ignores and counts a forged hello: wrong nonce, other version, replay, another window', async () => {
    const { page, frame } = await mounted(siteA.origin, 'balance');
    const nonce = new URL(frame.url()).searchParams.get('nonce')!;
    const hello = (n: string, tg = 1) => ({ tg, id: 'forged2', type: 'hello', payload: { nonce: n, appId: appA.id } });
    const post = (message: object) =>
      page.evaluate(({ message, target }) => {
        const { port2 } = new MessageChannel();
        document.querySelector('iframe')!.contentWindow!.postMessage(message, target, [port2]);
      }, { message, target: tollgate.url });
    await post(hello('wrong0123456789abcdef'));
    await post(hello(nonce, 2));
    await post(hello(nonce));
    // From a window that is not the frame's parent (a popup of the host, same origin as the host).
    const [popup] = await Promise.all([page.waitForEvent('popup'), page.evaluate((url) => void window.open(url, 'other'), `${siteA.origin}/blank`)]);
    await popup.waitForLoadState();
    await popup.evaluate((m) => (window.opener as Window).frames[0]!.postMessage(m, '*'), hello(nonce));
    await expect.poll(() => frameStats(frame)).toMatchObject({ nonce: 1, version: 1, replayed: 1, source: 1 });
    // The handshake that did happen still works.
    expect(await page.evaluate(() => (window as any).tg.request('ping'))).toEqual({ frame: 'balance', protocol: 1 });
    await popup.close();
    await page.close();
  });

  it('a frame opened on its own says to open it from an app, and posts nothing', async () => {
    const page = await chromium.newPage();
    const url = `${tollgate.url}/embed/balance?${new URLSearchParams({ appId: appA.id, origin: siteA.origin, nonce: 'standalone0123456789', v: '1' })}`;
    await page.goto(url);
    await page.getByRole('heading', { name: 'This is part of an app' }).waitFor();
    await page.close();
  });
});

/**
 * An app's page that mounts Tollgate frames with `mountFrame`, and signs in with the popup
 * (as tests/browser/host-page.ts does) when the login frame asks. `?frame=<kind>` mounts one
 * frame at load as `window.tg`; `window.mount(kind)` mounts another. `window.received` lists
 * every window message the page got; `window.tokenRequests` counts the frames' token requests.
 */
function hostPage({ title, tollgateUrl, appId, frames }: { title: string; tollgateUrl: string; appId: string; frames: string }): string {
  const config = JSON.stringify({ tollgate: tollgateUrl, appId }).replace(/</g, '\\u003c');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title><link rel="icon" href="data:,"></head>
<body><h1>${title}</h1><div id="frames"></div>
<script>${frames}</script>
<script type="module">
const { tollgate, appId } = ${config};
const params = new URLSearchParams(location.search);
window.received = [];
addEventListener('message', (event) => window.received.push({ origin: event.origin, data: event.data }));
window.tokenRequests = 0;
window.popupBlocked = undefined;
let accessToken = null;
const mountedFrames = [];

${PREPARE_SIGN_IN}
let next;
void prepare().then((prepared) => (next = prepared));
let pending;

// Called by mountFrame when the login frame's "Continue" is clicked: synchronously, so the
// popup opens under that click's user activation.
function login() {
  const sent = next;
  const url = new URL('/oauth/authorize', tollgate);
  url.search = new URLSearchParams({
    response_type: 'code', response_mode: 'web_message', client_id: appId, redirect_uri: location.origin,
    scope: 'openid profile email', code_challenge: sent.challenge, code_challenge_method: 'S256', state: sent.state,
  });
  const popup = window.open(url, 'tollgate', 'popup,width=480,height=640');
  window.popupBlocked = !popup;
  pending = { ...sent, popup };
  void prepare().then((prepared) => (next = prepared));
}

addEventListener('message', async (event) => {
  if (!pending || event.origin !== tollgate || event.source !== pending.popup) return;
  const data = event.data;
  if (typeof data !== 'object' || data === null || data.type !== 'authorization_response' || data.state !== pending.state) return;
  const { verifier } = pending;
  pending = undefined;
  const token = await fetch(tollgate + '/oauth/token', {
    method: 'POST',
    body: new URLSearchParams({ grant_type: 'authorization_code', code: data.code, redirect_uri: location.origin, client_id: appId, code_verifier: verifier }),
  });
  accessToken = (await token.json()).access_token;
  for (const frame of mountedFrames) frame.emit('auth', { signedIn: true });
});

window.mount = (kind) => {
  const element = document.createElement('section');
  document.getElementById('frames').appendChild(element);
  const frame = TollgateFrames.mountFrame(element, kind, {
    appId,
    server: tollgate,
    timeoutMs: Number(params.get('timeout') ?? 10000),
    getAccessToken: async () => (window.tokenRequests++, accessToken),
    login,
  });
  mountedFrames.push(frame);
  return frame;
};
if (params.get('frame')) window.tg = window.mount(params.get('frame'));
</script></body></html>`;
}
