/**
 * Origins and redirect URIs as the registry stores them. An origin is `scheme://host[:port]`:
 * lower-case scheme and host, default port dropped, nothing else. Nothing is matched by prefix
 * or wildcard anywhere in Tollgate, so normalising here is what makes exact comparison safe.
 */
export type Normalised = { ok: true; value: string } | { ok: false; reason: string };

const MAX_URL_LENGTH = 2048;

function parseUrl(input: string): URL | undefined {
  if (input.length > MAX_URL_LENGTH || /[\s\u0000-\u001f\u007f]/.test(input)) return undefined;
  try {
    return new URL(input);
  } catch {
    return undefined;
  }
}

/**
 * @example normaliseOrigin('HTTPS://App.Example.com:443/') // { ok: true, value: 'https://app.example.com' }
 */
export function normaliseOrigin(input: string): Normalised {
  const url = parseUrl(input.trim());
  if (!url) return { ok: false, reason: `"${truncate(input)}" is not a URL` };
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return { ok: false, reason: `"${truncate(input)}" must use http or https` };
  }
  if (url.username || url.password) return { ok: false, reason: `"${truncate(input)}" must not contain credentials` };
  if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.hash || /[?#]/.test(input)) {
    return { ok: false, reason: `"${truncate(input)}" must be an origin (scheme://host[:port]) with no path, query or fragment` };
  }
  if (!url.hostname || url.hostname.includes('*')) return { ok: false, reason: `"${truncate(input)}" must name one host (no wildcards)` };
  // URL already lower-cases the scheme and host, punycodes IDNs and drops a default port.
  return { ok: true, value: url.origin };
}

/**
 * A redirect URI is compared as a whole string after normalising its origin part
 * (RFC 9700 §4.1.3: exact string matching). Fragments are forbidden (RFC 6749 §3.1.2).
 */
export function normaliseRedirectUri(input: string): Normalised {
  const url = parseUrl(input.trim());
  if (!url) return { ok: false, reason: `"${truncate(input)}" is not a URL` };
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return { ok: false, reason: `"${truncate(input)}" must use http or https` };
  }
  if (url.username || url.password) return { ok: false, reason: `"${truncate(input)}" must not contain credentials` };
  if (url.hash || input.includes('#')) return { ok: false, reason: `"${truncate(input)}" must not contain a fragment` };
  if (url.hostname.includes('*')) return { ok: false, reason: `"${truncate(input)}" must name one host (no wildcards)` };
  return { ok: true, value: url.href };
}

function truncate(s: string): string {
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}
