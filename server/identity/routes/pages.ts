import { Hono } from 'hono';
import type { Identity } from '../index';
import { csrfToken } from '../csrf';
import { listDevMail } from '../mailer';
import { renderPage } from '../pages';
import { clientInfo } from '../../http/client-info';

const TITLES: Record<string, string> = {
  signin: 'Sign in',
  signup: 'Create your account',
  forgot: 'Reset your password',
  reset: 'Choose a new password',
  verify: 'Confirm your email',
};

/**
 * Only a path on this origin: `/x`, never `//evil.example` or `/\evil.example`. The check runs
 * on the *output*: parsing collapses dot-segments, so `/.//evil.example` becomes `//evil.example`.
 */
export function safeReturnTo(value: string | null | undefined): string {
  if (!value || value.length > 4096 || !value.startsWith('/') || value.includes('\\')) return '/account';
  try {
    const url = new URL(value, 'http://tollgate.invalid');
    const out = `${url.pathname}${url.search}`;
    if (url.origin !== 'http://tollgate.invalid' || !out.startsWith('/') || out.startsWith('//') || out.includes('\\')) return '/account';
    return out;
  } catch {
    return '/account';
  }
}

/** The hosted pages: /login (every view), /account, and the dev mailbox outside production. */
export function pageRoutes(identity: Identity) {
  const router = new Hono();

  router.get('/login', async (c) => {
    const q = new URL(c.req.url).searchParams;
    const returnTo = safeReturnTo(q.get('return_to'));
    const view = Object.hasOwn(TITLES, q.get('view') ?? '') ? q.get('view')! : 'signin';
    // Already signed in and nothing forces a new sign-in: go straight on.
    if (c.get('session') && view === 'signin' && q.get('force') !== '1') return c.redirect(returnTo, 302);
    // "…to continue to App B" when the sign-in serves an app's authorization request.
    let app: { name: string } | undefined;
    if (returnTo.startsWith('/oauth/authorize?')) {
      const clientId = new URLSearchParams(returnTo.slice('/oauth/authorize?'.length)).get('client_id');
      const found = clientId ? await identity.registry.getApp(clientId).catch(() => undefined) : undefined;
      if (found) app = { name: found.name };
    }
    const token = q.get('token');
    return renderPage(c, {
      title: TITLES[view]!,
      entry: 'login',
      data: { page: 'login', csrfToken: csrfToken(c), view, returnTo, ...(app ? { app } : {}), ...(token && token.length <= 200 ? { token } : {}) },
    });
  });

  router.get('/account', (c) => {
    if (!c.get('session')) return c.redirect(`/login?${new URLSearchParams({ return_to: '/account' })}`, 302);
    return renderPage(c, { title: 'Your account', entry: 'account', data: { page: 'account', csrfToken: csrfToken(c) } });
  });

  if (identity.config.env !== 'production') {
    router.get('/dev/mailbox', async (c) => {
      // Reset links sign people in: only this machine may read them (a dev server on 0.0.0.0, DNS rebinding).
      const remote = clientInfo(c, false).ip;
      if (remote !== 'unknown' && !/^(127\.|::1$|::ffff:127\.)/.test(remote)) return c.text('The dev mailbox answers on loopback only.', 403);
      const mails = await listDevMail(identity.db);
      const esc = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
      const linkify = (s: string) => esc(s).replace(/https?:\/\/[^\s<]+/g, (url) => `<a href="${url}">${url}</a>`);
      const items = mails
        .map((m) => `<article class="tg-mail"><h2>${esc(m.subject)}</h2><p>To: <span class="tg-to">${esc(m.to_address)}</span> · ${m.created_at.toISOString()}</p><pre>${linkify(m.body_text)}</pre></article>`)
        .join('\n');
      return c.html(
        `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Dev mailbox</title><link rel="stylesheet" href="/assets/pages.css"></head><body><main class="tg-card"><h1>Dev mailbox</h1><p>Mail Tollgate would have sent (no SMTP_URL is set). Never served in production.</p>${items || '<p>No mail yet.</p>'}</main></body></html>`,
        200,
        { 'Content-Security-Policy': "default-src 'none'; style-src 'self'; frame-ancestors 'none'", 'Cache-Control': 'no-store' },
      );
    });
  }
  return router;
}
