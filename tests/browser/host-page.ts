// The page of a third-party app that signs its users in with a Tollgate popup, written the
// way the DESIGN's protocol asks (and the way the SDK does it): `window.open` synchronously in
// the click, `response_mode=web_message`, PKCE S256 and state, and an answer accepted only
// from the Tollgate origin, from that popup, of the right type and with the right state.

/**
 * Browser code for the fixture pages: `prepare()` makes a PKCE verifier, its S256 challenge and
 * a state. The digest is async and window.open must run synchronously in the click (user
 * activation), so each sign-in is prepared before the click that uses it.
 */
export const PREPARE_SIGN_IN = `const base64url = (bytes) => btoa(String.fromCharCode(...new Uint8Array(bytes))).replace(/\\+/g, '-').replace(/\\//g, '_').replace(/=+$/, '');
const random = () => base64url(crypto.getRandomValues(new Uint8Array(32)));
async function prepare() {
  const verifier = random();
  const challenge = base64url(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
  return { verifier, challenge, state: random() };
}`;

export interface HostPageOptions {
  title: string;
  tollgateUrl: string;
  clientId: string;
  /** Where Tollgate should post the answer; the page's own origin unless a test says otherwise. */
  redirectUri?: string;
}

/**
 * The page shows "Signed in as <email>" (with `data-user-id` and `data-app-id` on the status)
 * once it has exchanged the code at /oauth/token and read GET /v1/me. `window.received` lists
 * every message the window got, before any check; `window.forgeState = true` makes the next
 * popup carry a state this page never issued.
 */
export function hostPage({ title, tollgateUrl, clientId, redirectUri }: HostPageOptions): string {
  const config = JSON.stringify({ tollgate: tollgateUrl, clientId, redirectUri: redirectUri ?? null }).replace(/</g, '\\u003c');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title><link rel="icon" href="data:,"></head>
<body><h1>${title}</h1>
<button id="sign-in" type="button" disabled>Sign in with Tollgate</button>
<p id="status" role="status">Signed out</p>
<script type="module">
const { tollgate, clientId, redirectUri: configuredRedirect } = ${config};
const redirectUri = configuredRedirect ?? location.origin;
const status = document.getElementById('status');
const show = (text) => void (status.textContent = text);
window.received = [];
addEventListener('message', (event) => window.received.push({ origin: event.origin, data: event.data }));

${PREPARE_SIGN_IN}
let next = await prepare();
let pending;

document.getElementById('sign-in').addEventListener('click', () => {
  const sent = next;
  const url = new URL('/oauth/authorize', tollgate);
  url.search = new URLSearchParams({
    response_type: 'code', response_mode: 'web_message', client_id: clientId, redirect_uri: redirectUri,
    scope: 'openid profile email', code_challenge: sent.challenge, code_challenge_method: 'S256',
    state: window.forgeState ? 'forged-' + sent.state : sent.state,
  });
  pending = { ...sent, popup: window.open(url, 'tollgate', 'popup,width=480,height=640') };
  show('Waiting for Tollgate…');
  void prepare().then((prepared) => (next = prepared));
});

addEventListener('message', async (event) => {
  if (!pending || event.origin !== tollgate || event.source !== pending.popup) return;
  const data = event.data;
  if (typeof data !== 'object' || data === null || data.type !== 'authorization_response') return;
  if (data.state !== pending.state) return show('Sign-in rejected: the answer is not for this sign-in.');
  const { verifier } = pending;
  pending = undefined;
  if (data.iss !== tollgate) return show('Sign-in rejected: wrong issuer.');
  if (data.error) return show('Sign-in failed: ' + data.error);
  const token = await fetch(tollgate + '/oauth/token', {
    method: 'POST',
    body: new URLSearchParams({ grant_type: 'authorization_code', code: data.code, redirect_uri: redirectUri, client_id: clientId, code_verifier: verifier }),
  });
  if (!token.ok) return show('Sign-in failed: /oauth/token answered ' + token.status);
  const { access_token } = await token.json();
  const me = await fetch(tollgate + '/v1/me', { headers: { authorization: 'Bearer ' + access_token } });
  if (!me.ok) return show('Sign-in failed: /v1/me answered ' + me.status);
  const { user, appId } = await me.json();
  Object.assign(status.dataset, { userId: user.id, appId });
  show('Signed in as ' + user.email);
});
document.getElementById('sign-in').disabled = false;
</script></body></html>`;
}
