// Where the pages send the browser, and what they post to the window that opened them.
// Every destination comes from the server, and every one is checked again here: an open
// redirect or a `'*'` postMessage on the identity origin would leak the user's session.

/**
 * A same-origin relative URL, or `fallback`. Only paths with a single leading `/` pass;
 * `//evil.example`, `/\evil.example` (browsers read `\` as `/`) and absolute URLs do not.
 *
 * @example
 * location.assign(safeReturnTo(data.returnTo)); // '/account' when returnTo is unsafe
 */
export function safeReturnTo(value: unknown, fallback = '/account'): string {
  if (typeof value !== 'string' || !/^\/(?![/\\])/.test(value)) return fallback;
  try {
    // The URL parser drops tabs and newlines, so "/\t/evil.example" would become "//evil…":
    // the origin check after parsing catches every such trick at once.
    return new URL(value, location.origin).origin === location.origin ? value : fallback;
  } catch {
    return fallback;
  }
}

/** A URL on this origin (relative or absolute), or `fallback`. */
export function sameOriginUrl(value: string, fallback: string): string {
  try {
    return new URL(value, location.href).origin === location.origin ? value : fallback;
  } catch {
    return fallback;
  }
}

/**
 * The app's redirect URI from the authorize decision. The server has matched it against the
 * app's registered URIs; this only refuses schemes that would run code on our origin.
 */
export function isNavigable(url: string): boolean {
  try {
    return !['javascript:', 'data:', 'vbscript:', 'blob:'].includes(new URL(url, location.href).protocol);
  } catch {
    return false;
  }
}

/** `scheme://host[:port]` exactly, as the server registered it; never `'*'` or `'null'`. */
function isExactOrigin(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.origin === value;
  } catch {
    return false;
  }
}

/**
 * Answers the app that opened this popup: posts `data` to `window.opener` at exactly
 * `targetOrigin`, then closes. Returns `false` when there is no opener (a COOP header severed
 * it, or the page was opened directly) or the origin is not exact; the page then tells the
 * user to close the window, and the SDK learns the result from the server instead.
 */
export function answerOpener(targetOrigin: string, data: object): boolean {
  const opener = window.opener as Window | null;
  if (!opener || opener.closed || !isExactOrigin(targetOrigin)) return false;
  try {
    opener.postMessage(data, targetOrigin);
  } catch {
    return false;
  }
  window.close();
  return true;
}

/** A link to another view of the login page that keeps the rest of the query (`return_to`). */
export function viewHref(view: string): string {
  const params = new URLSearchParams(location.search);
  params.set('view', view);
  params.delete('token');
  return `${location.pathname}?${params}`;
}
