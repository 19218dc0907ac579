import type { Context } from 'hono';

/** CSP of the hosted pages: our scripts and styles only; never framed. */
const PAGE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

/**
 * Serves a hosted page: an HTML shell whose data travels as JSON in a non-executable script
 * element (`<` escaped, so no value can close it), and the page's built script.
 * No Cross-Origin-Opener-Policy: login and authorize run in popups that must reach their opener.
 */
export function renderPage(c: Context, { title, entry, data, status = 200 }: { title: string; entry: string; data: Record<string, unknown>; status?: 200 | 400 | 401 | 404 }) {
  const json = JSON.stringify(data).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title><link rel="icon" href="data:,"><link rel="stylesheet" href="/assets/pages.css"></head>
<body><div id="root"></div>
<script type="application/json" id="tg-page">${json}</script>
<script type="module" src="/assets/${entry}.js"></script></body></html>`;
  return c.html(html, status, { 'Content-Security-Policy': PAGE_CSP, 'Cache-Control': 'no-store' });
}

/** A page with no script at all, for errors that must not reach any app (bad client, bad redirect_uri). */
export function renderErrorPage(c: Context, { title, message, status = 400 }: { title: string; message: string; status?: 200 | 400 | 403 | 404 }) {
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title><link rel="icon" href="data:,"><link rel="stylesheet" href="/assets/pages.css"></head>
<body><main class="tg-card" role="main"><h1>${escapeHtml(title)}</h1><p role="alert">${escapeHtml(message)}</p></main></body></html>`;
  return c.html(html, status, { 'Content-Security-Policy': PAGE_CSP, 'Cache-Control': 'no-store' });
}
