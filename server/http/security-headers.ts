import type { MiddlewareHandler } from 'hono';

/**
 * Secure defaults on every response. Pages that need something else (framable embeds,
 * popups that must keep `window.opener`, the script that other sites load) override
 * these headers in their own routes, after `next()` has run here.
 */
export function securityHeaders({ https }: { https: boolean }): MiddlewareHandler {
  return async function securityHeaders(c, next) {
    await next();
    const h = c.res.headers;
    setDefault(h, 'X-Content-Type-Options', 'nosniff');
    setDefault(h, 'Referrer-Policy', 'no-referrer');
    setDefault(h, 'Cross-Origin-Resource-Policy', 'same-origin');
    setDefault(h, 'Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'; base-uri 'none'");
    setDefault(h, 'X-Frame-Options', 'DENY');
    setDefault(h, 'Permissions-Policy', 'camera=(), microphone=(), geolocation=()');
    // No Cross-Origin-Opener-Policy by default: any value but unsafe-none severs
    // window.opener, which the login and checkout popups need (auth0-spa-js #1418).
    if (https) setDefault(h, 'Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
  };
}

function setDefault(headers: Headers, name: string, value: string) {
  if (!headers.has(name)) headers.set(name, value);
}
