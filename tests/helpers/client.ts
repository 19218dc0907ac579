import { createHash, randomBytes } from 'node:crypto';
import type { TestApp } from './app';

export const PUBLIC_URL = 'http://localhost:8787';

/**
 * A browser-shaped client for in-process tests: keeps cookies like a browser (host-only,
 * path /), reads the page data the server embeds, and sends Origin and X-CSRF-Token the way
 * the hosted pages do.
 */
export class TestBrowser {
  readonly cookies = new Map<string, string>();
  csrf = '';
  constructor(private readonly t: TestApp) {}

  async request(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size) headers.set('cookie', [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '));
    const res = await this.t.app.request(path, { ...init, headers });
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';');
      const [name, value] = [pair!.slice(0, pair!.indexOf('=')), pair!.slice(pair!.indexOf('=') + 1)];
      const expired = attrs.some((a) => /max-age=0/i.test(a.trim())) || value === '';
      if (expired) this.cookies.delete(name.trim());
      else this.cookies.set(name.trim(), value);
    }
    return res;
  }

  /** GETs a hosted page and returns its embedded data (and remembers its CSRF token). */
  async page(path: string): Promise<{ res: Response; data: any }> {
    const res = await this.request(path);
    const html = await res.text();
    const match = html.match(/<script type="application\/json" id="tg-page">([\s\S]*?)<\/script>/);
    const data = match ? JSON.parse(match[1]!) : undefined;
    if (data?.csrfToken) this.csrf = data.csrfToken;
    return { res, data };
  }

  /** A JSON call from a hosted page: same origin, CSRF header. */
  async call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response> {
    if (!this.csrf) await this.page('/login');
    return this.request(path, {
      method,
      headers: { origin: PUBLIC_URL, 'x-csrf-token': this.csrf, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  }

  get sessionCookie(): string | undefined {
    return this.cookies.get('__Host-tg_session');
  }
}

/** The newest dev-mailbox link of `kind` sent to `email`. */
export async function mailedToken(t: TestApp, email: string, kind: 'verify' | 'reset'): Promise<string> {
  // Reset mail goes out after the 202 (so its timing says nothing): wait for it a little.
  for (let attempt = 0; attempt < 40; attempt++) {
    const rows = await t.database.db.selectFrom('dev_mail').selectAll().where('to_address', '=', email).orderBy('id', 'desc').execute();
    const match = rows.map((r) => r.body_text.match(new RegExp(`view=${kind}&token=([A-Za-z0-9_-]+)`))).find(Boolean);
    if (match) return match[1]!;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no ${kind} link mailed to ${email}`);
}

export function pkce() {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** Signs up a fresh user in `browser` and returns its email and password. */
export async function signUp(browser: TestBrowser, email = `u${randomBytes(4).toString('hex')}@example.com`, password = 'correct horse battery') {
  const res = await browser.call('POST', '/auth/signup', { email, password, name: 'Ada' });
  if (res.status !== 201) throw new Error(`sign-up failed: ${res.status} ${await res.text()}`);
  return { email, password, user: (await res.json()).user };
}
