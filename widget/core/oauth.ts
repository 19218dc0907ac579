// The OAuth 2.1 steps of a public client: PKCE, the authorize URL, and the form-encoded calls
// to /oauth/token and /oauth/revoke (CORS, no cookies). Every failure is a TollgateError.
import { tollgateError } from './errors';

/** What the SDK keeps per app, in memory and (by default) in localStorage. */
export interface TokenSet {
  accessToken: string;
  refreshToken: string;
  idToken?: string;
  /** Milliseconds since the epoch, by this browser's clock. */
  expiresAt: number;
  /** When to refresh: a minute before expiry, or at three quarters of a short lifetime. */
  refreshAt: number;
  /** The user (`usr_…`) and the Tollgate session (`ses_…`) the tokens belong to. */
  sub?: string;
  sid?: string;
}

export interface Transaction {
  verifier: string;
  challenge: string;
  state: string;
}

const REQUEST_TIMEOUT_MS = 15_000;
const base64url = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
const random = () => base64url(crypto.getRandomValues(new Uint8Array(32)));

/** RFC 7636 §4: a 256-bit verifier and its S256 challenge, plus a 256-bit state. */
export async function createTransaction(): Promise<Transaction> {
  if (!crypto.subtle) throw new TypeError('Tollgate sign-in needs a secure context: serve this page over https:// (or from localhost).');
  const verifier = random();
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return { verifier, challenge: base64url(new Uint8Array(digest)), state: random() };
}

export function authorizeUrl(server: string, params: Record<string, string>): string {
  const url = new URL('/oauth/authorize', server);
  url.search = new URLSearchParams({ response_type: 'code', scope: 'openid profile email', code_challenge_method: 'S256', ...params }).toString();
  return url.href;
}

/** `fetch` that fails as NETWORK_ERROR, with a timeout: a hung request must not hold a lock. */
export async function send(url: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(url, { ...init, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  } catch (error) {
    throw tollgateError('NETWORK_ERROR', `${init.method ?? 'GET'} ${url} failed: ${(error as Error).message}`);
  }
}

export const postForm = (server: string, path: string, form: Record<string, string>) => send(server + path, { method: 'POST', body: new URLSearchParams(form) });

/** POST /oauth/token; the answer becomes a TokenSet, or a TOKEN_REQUEST_FAILED with its `oauthError`. */
export async function requestTokens(server: string, form: Record<string, string>): Promise<TokenSet> {
  const response = await postForm(server, '/oauth/token', form);
  const body = await response.json().catch(() => ({}));
  if (!response.ok || typeof body.access_token !== 'string' || typeof body.refresh_token !== 'string') {
    throw tollgateError('TOKEN_REQUEST_FAILED', `/oauth/token answered ${response.status}: ${body.error} ${body.error_description ?? ''}`.trim(), {
      oauthError: body.error,
      status: response.status,
    });
  }
  const lifetime = Number(body.expires_in) * 1000 || 60_000;
  const now = Date.now();
  const { sub, sid } = claims(body.access_token);
  return {
    accessToken: body.access_token,
    refreshToken: body.refresh_token,
    idToken: body.id_token,
    expiresAt: now + lifetime,
    refreshAt: now + Math.max(lifetime - 60_000, lifetime * 0.75),
    sub,
    sid,
  };
}

/** The payload of a JWT, unverified: only to tell users and sessions apart locally. */
function claims(jwt: string): { sub?: string; sid?: string } {
  try {
    return JSON.parse(atob(jwt.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/')));
  } catch {
    return {};
  }
}
