// Sign-in for one app: popup (response_mode=web_message) or full-page redirect, tokens kept per
// app and shared by its tabs, refreshed before expiry one tab at a time, sign-out everywhere.
import { isTollgateError, tollgateError } from './errors';
import { authorizeUrl, createTransaction, postForm, requestTokens, send, type TokenSet } from './oauth';
import { openPopup, waitForAnswer } from './popup';
import { withLock } from './refresh-lock';
import { createTokenStore, type CacheLocation } from './token-store';

export interface LoginOptions {
  /** `'popup'` (the default) or `'redirect'` (the whole page goes to Tollgate and comes back). */
  mode?: 'popup' | 'redirect';
  /**
   * What to do when the browser blocks the popup. `'none'` (the default) rejects with
   * POPUP_BLOCKED; `'redirect'` signs in with a full-page redirect instead (the page's URL, or
   * `redirectUri`, must be registered for the app).
   */
  fallback?: 'none' | 'redirect';
}

/** The signed-in user, from GET /v1/me. `email` needs the `email` scope, `name` the `profile` scope. */
export interface TollgateUser {
  id: string;
  email?: string;
  emailVerified?: boolean;
  name?: string;
  role: string;
  createdAt: string;
}

export interface AuthChange {
  signedIn: boolean;
}

export interface TollgateAuth {
  /** Call it synchronously in a click handler: the popup opens before the first await. */
  login(options?: LoginOptions): Promise<void>;
  /** Whether this URL (default: the page's) is the answer to a redirect sign-in of this tab. */
  isRedirectCallback(url?: string): boolean;
  /** Finishes a redirect sign-in: exchanges the code and removes it from the address bar. */
  handleRedirectCallback(url?: string): Promise<void>;
  /** Ends the Tollgate session (or, with `everywhere`, all of the user's sessions) and forgets the tokens. */
  logout(options?: { everywhere?: boolean }): Promise<void>;
  /** The user, or `null` when signed out. */
  getUser(): Promise<TollgateUser | null>;
  isAuthenticated(): boolean;
  /** A valid access token (refreshed when it is about to expire), or `null` when signed out. */
  getAccessToken(): Promise<string | null>;
  /** Runs `callback` on sign-in and sign-out, in this tab or another; returns the unsubscribe. */
  onChange(callback: (change: AuthChange) => void): () => void;
}

const CALLBACK_PARAMS = ['code', 'state', 'iss', 'error', 'error_description'];

export function createAuth(appId: string, server: string, cacheLocation: CacheLocation, redirectUri?: string): TollgateAuth {
  const key = `tollgate:${appId}`;
  const txKey = `${key}:tx`;
  const listeners = new Set<(change: AuthChange) => void>();
  const store = createTokenStore(key, cacheLocation, () => check());
  const channel = typeof window !== 'undefined' && typeof BroadcastChannel === 'function' ? new BroadcastChannel(key) : undefined;
  const who = (tokens: TokenSet | null) => (tokens ? `${tokens.sub}/${tokens.sid}` : null);
  let known = who(store.get());
  let user: Promise<TollgateUser | null> | undefined;
  let refreshing: Promise<string | null> | undefined;
  let cancelPopup = () => {};

  /** Tells the listeners when the signed-in user or session changed, whoever changed it. */
  function check() {
    const now = who(store.get());
    if (now === known) return;
    known = now;
    user = undefined;
    for (const callback of [...listeners]) {
      try {
        callback({ signedIn: now !== null });
      } catch (error) {
        setTimeout(() => {
          throw error;
        });
      }
    }
  }
  const save = (tokens: TokenSet | null) => {
    store.set(tokens);
    check();
  };

  // Tabs that keep tokens in memory learn of a sign-out here (localStorage tabs also see it).
  channel?.addEventListener('message', ({ data }) => {
    const tokens = store.get();
    if (tokens && data?.type === 'signed-out' && (data.sid === tokens.sid || (data.everywhere && data.sub === tokens.sub))) save(null);
  });

  async function exchange(code: string, redirect: string, verifier: string) {
    save(await requestTokens(server, { grant_type: 'authorization_code', code, redirect_uri: redirect, client_id: appId, code_verifier: verifier }));
  }

  async function loginWithRedirect() {
    const tx = await createTransaction();
    const redirect = redirectUri ?? location.origin + location.pathname;
    sessionStorage.setItem(txKey, JSON.stringify({ state: tx.state, verifier: tx.verifier, redirect }));
    location.assign(authorizeUrl(server, { client_id: appId, redirect_uri: redirect, response_mode: 'query', state: tx.state, code_challenge: tx.challenge }));
  }

  function login({ mode, fallback }: LoginOptions = {}): Promise<void> {
    if (mode === 'redirect') return loginWithRedirect();
    cancelPopup();
    const popup = openPopup();
    if (!popup) {
      if (fallback === 'redirect') return loginWithRedirect();
      return Promise.reject(
        tollgateError('POPUP_BLOCKED', 'The browser blocked the sign-in popup. Call login() synchronously inside a click handler, or pass { fallback: "redirect" }.'),
      );
    }
    return (async () => {
      try {
        const tx = await createTransaction();
        const answer = waitForAnswer(popup, server, tx.state);
        cancelPopup = answer.cancel;
        // For web_message the redirect_uri is the page's registered origin: the popup posts there.
        popup.location.href = authorizeUrl(server, { client_id: appId, redirect_uri: location.origin, response_mode: 'web_message', state: tx.state, code_challenge: tx.challenge });
        await exchange(await answer.code, location.origin, tx.verifier);
      } catch (error) {
        // A newer sign-in reuses this (named) window: leave it open for that one.
        if (!isTollgateError(error) || error.code !== 'LOGIN_CANCELLED') popup.close();
        throw error;
      }
    })();
  }

  function readTransaction(url: URL): { state: string; verifier: string; redirect: string } | undefined {
    try {
      const tx = JSON.parse(sessionStorage.getItem(txKey) ?? 'null');
      const state = url.searchParams.get('state');
      return tx && state && tx.state === state && (url.searchParams.has('code') || url.searchParams.has('error')) ? tx : undefined;
    } catch {
      return undefined;
    }
  }

  async function handleRedirectCallback(href?: string) {
    const url = new URL(href ?? location.href);
    const tx = readTransaction(url);
    if (!tx) throw tollgateError('INVALID_CALLBACK', 'This URL is not the answer to a sign-in this tab started (no matching state).');
    // Before any await: a second call (React StrictMode runs effects twice) finds nothing to do.
    sessionStorage.removeItem(txKey);
    if (href === undefined || href === location.href) {
      const clean = new URL(location.href);
      for (const name of CALLBACK_PARAMS) clean.searchParams.delete(name);
      history.replaceState(history.state, '', clean.href);
    }
    const params = url.searchParams;
    if (params.get('iss') !== server) throw tollgateError('INVALID_CALLBACK', `The answer came with iss=${params.get('iss')}, not ${server}.`);
    if (params.has('error')) {
      throw tollgateError('AUTHORIZATION_FAILED', `Sign-in failed: ${params.get('error')} ${params.get('error_description') ?? ''}`.trim(), { oauthError: params.get('error')! });
    }
    await exchange(params.get('code')!, tx.redirect, tx.verifier);
  }

  /**
   * Refreshes under the cross-tab lock, re-reading storage first: another tab may have refreshed.
   * localStorage reaches other tab processes asynchronously, so the re-read can still miss a
   * refresh that just finished; the server's 10 s grace window answers that second refresh
   * with the same successor, so the tabs still end up with one valid refresh token.
   */
  function refresh(stale: TokenSet, force: boolean): Promise<string | null> {
    return (refreshing ??= withLock(`${key}:refresh`, async () => {
      const current = store.get();
      if (!current) return null;
      if (current.refreshToken !== stale.refreshToken || (!force && Date.now() < current.refreshAt)) return current.accessToken;
      try {
        const next = await requestTokens(server, { grant_type: 'refresh_token', refresh_token: current.refreshToken, client_id: appId });
        save(next);
        return next.accessToken;
      } catch (error) {
        // The session ended, or the family was revoked: signed out. Anything else keeps the tokens.
        if (!isTollgateError(error) || error.oauthError !== 'invalid_grant') throw error;
        if (store.get()?.refreshToken === current.refreshToken) save(null);
        return store.get()?.accessToken ?? null;
      }
    }).finally(() => (refreshing = undefined)));
  }

  async function getAccessToken(): Promise<string | null> {
    const tokens = store.get();
    if (!tokens) return null;
    return Date.now() < tokens.refreshAt ? tokens.accessToken : refresh(tokens, false);
  }

  async function fetchUser(): Promise<TollgateUser | null> {
    for (let attempt = 0; ; attempt++) {
      const tokens = store.get();
      const token = await getAccessToken();
      if (!token || !tokens) return null;
      const response = await send(`${server}/v1/me`, { headers: { authorization: `Bearer ${token}` } });
      if (response.ok) return (await response.json()).user;
      // 401: expired by the server's clock, or the session ended. One forced refresh tells which.
      if (response.status !== 401 || attempt > 0) throw tollgateError('API_ERROR', `GET /v1/me answered ${response.status}.`, { status: response.status });
      await refresh(tokens, true);
    }
  }

  async function logout({ everywhere = false } = {}) {
    let token: string | null = null;
    let failure: unknown;
    try {
      token = await getAccessToken();
    } catch (error) {
      failure = error; // no token to end the session with: say so, after forgetting locally
    }
    const tokens = store.get();
    if (!tokens) return;
    // Forget locally first: the page shows "signed out" at once, whatever the network does.
    save(null);
    channel?.postMessage({ type: 'signed-out', sid: tokens.sid, sub: tokens.sub, everywhere });
    const [signout] = await Promise.all([
      token
        ? send(`${server}/v1/me/signout`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ everywhere }) })
        : undefined,
      postForm(server, '/oauth/revoke', { token: tokens.refreshToken, token_type_hint: 'refresh_token', client_id: appId }).catch(() => undefined),
    ]);
    if (failure) throw failure;
    // A 401 means the session had already ended: the sign-out happened.
    if (signout && !signout.ok && signout.status !== 401) {
      throw tollgateError('API_ERROR', `POST /v1/me/signout answered ${signout.status}; the session may still be live.`, { status: signout.status });
    }
  }

  return {
    login,
    isRedirectCallback: (href) => typeof location !== 'undefined' && readTransaction(new URL(href ?? location.href)) !== undefined,
    handleRedirectCallback,
    logout,
    getUser() {
      const pending = (user ??= fetchUser());
      // A failure is not remembered: the next call asks again.
      pending.catch(() => user === pending && (user = undefined));
      return pending;
    },
    isAuthenticated: () => store.get() !== null,
    getAccessToken,
    onChange(callback) {
      listeners.add(callback);
      return () => void listeners.delete(callback);
    },
  };
}
