import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, type TestApp } from '../helpers/app';

let t: TestApp;
let appA: { id: string };
let appB: { id: string };
const A1 = 'https://a.example';
const A2 = 'http://127.0.0.1:5173';
const B = 'https://b.example';
const NONCE = 'n0nce-0123456789abcdef';

beforeAll(async () => {
  t = await testApp();
  ({ app: appA } = await t.app.services.registry.createApp({ name: 'App <A> & "co"', origins: [A1, A2] }));
  ({ app: appB } = await t.app.services.registry.createApp({ name: 'App B', origins: [B] }));
});
afterAll(() => t.close());

const frameUrl = (frame: string, params: Record<string, string>) => `/embed/${frame}?${new URLSearchParams(params)}`;
const get = (frame: string, params: Record<string, string> = {}) => t.app.request(frameUrl(frame, { appId: appA.id, origin: A1, nonce: NONCE, v: '1', ...params }));

/** The directives of a CSP header, by name. */
function csp(res: Response): Record<string, string> {
  const header = res.headers.get('content-security-policy') ?? '';
  return Object.fromEntries(header.split(';').map((d) => d.trim().split(/\s+(.*)/s).slice(0, 2) as [string, string]));
}

function pageData(html: string): Record<string, unknown> {
  const json = /<script type="application\/json" id="tg-page">(.*?)<\/script>/s.exec(html)?.[1];
  return JSON.parse(json ?? 'null');
}

describe('GET /embed/:frame for a registered origin', () => {
  it.each(['login', 'purchase', 'subscription', 'balance'])('serves the %s frame, framable by the app\'s origins only', async (frame) => {
    const res = await get(frame);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(csp(res)).toEqual({
      'frame-ancestors': `${A1} ${A2}`,
      'default-src': "'none'",
      'script-src': "'self'",
      'style-src': "'self'",
      'connect-src': "'self'",
      'img-src': "'self' data:",
      'base-uri': "'none'",
      'form-action': "'self'",
    });
    const html = await res.text();
    expect(html).toContain('<script type="module" src="/assets/embed.js"></script>');
    expect(pageData(html)).toEqual({ page: 'embed', frame, appId: appA.id, origin: A1, nonce: NONCE, app: { name: 'App <A> & "co"' } });
    // The app's name cannot close the data element.
    expect(html).not.toContain('<A>');
  });

  it('normalises the origin it was given, and the frame posts to the normalised one', async () => {
    const res = await get('balance', { origin: 'HTTP://127.0.0.1:5173/' });
    expect(res.status).toBe(200);
    expect(pageData(await res.text()).origin).toBe(A2);
  });

  it('follows the registry: an origin removed from the app stops getting frames at once', async () => {
    const { app } = await t.app.services.registry.createApp({ name: 'Shrinking', origins: ['https://c.example', 'https://d.example'] });
    expect((await get('balance', { appId: app.id, origin: 'https://d.example' })).status).toBe(200);
    await t.app.services.registry.removeOrigin(app.id, 'https://d.example');
    const res = await get('balance', { appId: app.id, origin: 'https://d.example' });
    expect(res.status).toBe(403);
    // And the page the others still get no longer lists it.
    expect(csp(await get('balance', { appId: app.id, origin: 'https://c.example' }))['frame-ancestors']).toBe('https://c.example');
  });
});

describe('GET /embed/:frame refuses, with a script-free page that cannot be framed', () => {
  async function expectRefused(res: Response, status: number) {
    expect(res.status).toBe(status);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(csp(res)['frame-ancestors']).toBe("'none'");
    const html = await res.text();
    expect(html).not.toMatch(/<script/i);
    return html;
  }

  it('an origin the app did not register: 403', async () => {
    const html = await expectRefused(await get('balance', { origin: 'http://127.0.0.3:4000' }), 403);
    expect(html).toContain(`tollgate apps add-origin ${appA.id} http://127.0.0.3:4000`);
  });

  it('another app\'s origin: 403', async () => {
    await expectRefused(await get('login', { origin: B }), 403);
    expect((await get('login', { appId: appB.id, origin: B })).status).toBe(200);
  });

  it('an app that does not exist: 403', async () => {
    await expectRefused(await get('balance', { appId: 'app_nobodyhere0000' }), 403);
  });

  it.each([
    ['no nonce', { nonce: '' }],
    ['a short nonce', { nonce: 'abc123' }],
    ['a long nonce', { nonce: 'a'.repeat(65) }],
    ['a nonce with other characters', { nonce: 'n0nce-0123456789abc$%' }],
    ['a malformed app id', { appId: 'App_A' }],
    ['an origin with a path', { origin: `${A1}/page` }],
    ['an origin with credentials', { origin: 'https://user:pw@a.example' }],
    ['the origin "null"', { origin: 'null' }],
    ['the origin "*"', { origin: '*' }],
    ['a javascript: origin', { origin: 'javascript:alert(1)' }],
    ['another protocol version', { v: '2' }],
  ])('%s: 400', async (_, params) => {
    await expectRefused(await get('balance', params), 400);
  });

  it('a missing or repeated parameter: 400', async () => {
    await expectRefused(await t.app.request(frameUrl('balance', { appId: appA.id, origin: A1, nonce: NONCE })), 400);
    await expectRefused(await t.app.request(`${frameUrl('balance', { appId: appA.id, origin: A1, nonce: NONCE, v: '1' })}&origin=${encodeURIComponent(B)}`), 400);
  });

  it('a frame that does not exist: 404', async () => {
    await expectRefused(await get('wallet'), 404);
    await expectRefused(await get('__proto__'), 404);
  });
});
