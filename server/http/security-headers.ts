/**
 * The secure defaults every response starts with. Routes that need something else (framable
 * embeds, popups that must keep `window.opener`, the script other sites load) override them
 * with `c.header()` or the headers of `c.json()`/`c.body()`.
 */
export function securityHeaders({ https }: { https: boolean }): [string, string][] {
  return [
    ['X-Content-Type-Options', 'nosniff'],
    ['Referrer-Policy', 'no-referrer'],
    ['Cross-Origin-Resource-Policy', 'same-origin'],
    ['Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'; base-uri 'none'"],
    ['X-Frame-Options', 'DENY'],
    ['Permissions-Policy', 'camera=(), microphone=(), geolocation=()'],
    // No Cross-Origin-Opener-Policy: any value but unsafe-none severs window.opener, which the
    // login and checkout popups need (auth0-spa-js #1418).
    ...(https ? ([['Strict-Transport-Security', 'max-age=31536000; includeSubDomains']] as [string, string][]) : []),
  ];
}
