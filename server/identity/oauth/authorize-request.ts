import { normaliseOrigin, normaliseRedirectUri } from '../../registry/origin';
import type { AppView } from '../../registry/service';

export const SUPPORTED_SCOPES = ['openid', 'profile', 'email', 'offline_access'] as const;

export interface AuthorizeRequest {
  app: AppView;
  responseMode: 'query' | 'web_message';
  /** Where the result goes: a registered redirect URI (query) or a registered origin (web_message). */
  redirectUri: string;
  state: string;
  codeChallenge: string;
  scope: string;
  nonce?: string;
  prompt?: 'none' | 'login' | 'consent';
}

/** Failures before the client and its redirect target are verified: shown on our page only. */
export interface UntrustedFailure {
  kind: 'page';
  error: string;
  description: string;
}

/** Failures after: sent back to the verified redirect target (RFC 6749 §4.1.2.1). */
export interface ClientFailure {
  kind: 'client';
  error: 'invalid_request' | 'unsupported_response_type' | 'invalid_scope';
  description: string;
  target: Pick<AuthorizeRequest, 'responseMode' | 'redirectUri'> & { state?: string };
}

const BASE64URL_43_128 = /^[A-Za-z0-9_-]{43,128}$/;
const MAX_PARAM = 512;

/**
 * Validates an authorization request in the order the RFC requires: first the client and the
 * redirect target, and only then anything whose error may be sent to that target.
 */
export async function parseAuthorizeRequest(
  params: URLSearchParams,
  getApp: (id: string) => Promise<AppView | undefined>,
): Promise<{ ok: true; request: AuthorizeRequest } | { ok: false; failure: UntrustedFailure | ClientFailure }> {
  const page = (error: string, description: string) => ({ ok: false as const, failure: { kind: 'page' as const, error, description } });
  for (const [key, value] of params) {
    if (value.length > 2048) return page('invalid_request', `The parameter "${key.slice(0, 40)}" is too long.`);
  }
  for (const key of ['client_id', 'redirect_uri', 'response_mode', 'state', 'code_challenge', 'scope', 'nonce', 'prompt']) {
    if (params.getAll(key).length > 1) return page('invalid_request', `The parameter "${key}" appears more than once.`);
  }
  const clientId = params.get('client_id') ?? '';
  const app = /^app_[a-z0-9_]{4,60}$/.test(clientId) ? await getApp(clientId) : undefined;
  if (!app) return page('invalid_client', 'This app is not registered with this Tollgate.');

  const responseMode = params.get('response_mode') ?? 'query';
  if (responseMode !== 'query' && responseMode !== 'web_message') return page('invalid_request', 'response_mode must be query or web_message.');
  const rawRedirect = params.get('redirect_uri') ?? '';
  let redirectUri: string | undefined;
  if (responseMode === 'web_message') {
    // The result is posted to window.opener at this origin, which the app must have registered.
    const origin = normaliseOrigin(rawRedirect);
    if (origin.ok && app.origins.includes(origin.value)) redirectUri = origin.value;
  } else {
    const uri = normaliseRedirectUri(rawRedirect);
    if (uri.ok && app.redirectUris.includes(uri.value)) redirectUri = uri.value;
  }
  if (!redirectUri) {
    return page('invalid_request', 'The redirect_uri is not registered for this app. Register it with `tollgate apps add-redirect-uri` (or add-origin for popups).');
  }

  const state = params.get('state') ?? undefined;
  const CONTROL = /\p{Cc}/u;
  const target = { responseMode, redirectUri, state } as const;
  const fail = (error: ClientFailure['error'], description: string) => ({ ok: false as const, failure: { kind: 'client' as const, error, description, target } });
  if (params.get('response_type') !== 'code') return fail('unsupported_response_type', 'Only response_type=code is supported.');
  if (!state || state.length > MAX_PARAM || CONTROL.test(state)) return fail('invalid_request', 'state is required: at most 512 characters, no control characters.');
  const method = params.get('code_challenge_method');
  const challenge = params.get('code_challenge') ?? '';
  if (method !== 'S256') return fail('invalid_request', 'PKCE is required with code_challenge_method=S256 (plain is not accepted).');
  if (!BASE64URL_43_128.test(challenge)) return fail('invalid_request', 'code_challenge must be 43 to 128 base64url characters.');
  const scopes = (params.get('scope') ?? 'openid').split(' ').filter(Boolean);
  if (scopes.some((s) => !(SUPPORTED_SCOPES as readonly string[]).includes(s))) {
    return fail('invalid_scope', `Supported scopes: ${SUPPORTED_SCOPES.join(' ')}.`);
  }
  const nonce = params.get('nonce') ?? undefined;
  if (nonce !== undefined && (nonce.length > MAX_PARAM || CONTROL.test(nonce))) return fail('invalid_request', 'nonce must have at most 512 characters and no control characters.');
  const prompt = params.get('prompt') ?? undefined;
  if (prompt !== undefined && prompt !== 'none' && prompt !== 'login' && prompt !== 'consent') {
    return fail('invalid_request', 'prompt must be none, login or consent.');
  }
  return {
    ok: true,
    request: {
      app,
      responseMode,
      redirectUri,
      state,
      codeChallenge: challenge,
      scope: [...new Set(scopes)].join(' '),
      ...(nonce ? { nonce } : {}),
      ...(prompt ? { prompt } : {}),
    },
  };
}
