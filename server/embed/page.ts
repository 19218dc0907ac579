import type { Context } from 'hono';

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

/**
 * The CSP of a frame page: the hosted pages' policy, except that the app's registered origins
 * (and only they) may frame it. Every ancestor is checked, so a registered page cannot pass
 * the frame on inside an unregistered one (CSP Level 3 §6.4.2).
 */
export function frameCsp(frameAncestors: readonly string[]): string {
  return [
    `frame-ancestors ${frameAncestors.length ? frameAncestors.join(' ') : "'none'"}`,
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "connect-src 'self'",
    "img-src 'self' data:",
    "base-uri 'none'",
    "form-action 'self'",
  ].join('; ');
}

/**
 * Serves a frame page: the same shell as the hosted pages (data as JSON in a non-executable
 * script element, `<` escaped), the embed stylesheet after the shared one, and `/assets/embed.js`.
 */
export function renderFramePage(c: Context, { title, data, frameAncestors }: { title: string; data: Record<string, unknown>; frameAncestors: readonly string[] }) {
  const json = JSON.stringify(data).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title><link rel="icon" href="data:,"><link rel="stylesheet" href="/assets/pages.css"><link rel="stylesheet" href="/assets/embed.css"></head>
<body><div id="root"></div>
<script type="application/json" id="tg-page">${json}</script>
<script type="module" src="/assets/embed.js"></script></body></html>`;
  return c.html(html, 200, { 'Content-Security-Policy': frameCsp(frameAncestors), 'Cache-Control': 'no-store' });
}
