// One error shape for every async call of the SDK. Two copies of the SDK can share a page (the
// script tag and an npm bundle), so the guard checks a registered-symbol brand, not instanceof.
const BRAND = Symbol.for('tollgate.error');

export type TollgateErrorCode =
  | 'POPUP_BLOCKED'
  | 'POPUP_CLOSED'
  | 'LOGIN_CANCELLED'
  | 'AUTHORIZATION_FAILED'
  | 'INVALID_CALLBACK'
  | 'TOKEN_REQUEST_FAILED'
  | 'NETWORK_ERROR'
  | 'API_ERROR';

/** What every rejected promise of the SDK carries. Check it with `isTollgateError`. */
export interface TollgateError extends Error {
  name: 'TollgateError';
  /** Stable, UPPER_SNAKE: branch on this, never on the message. */
  code: TollgateErrorCode;
  /** For developers: what happened and, where there is one, the fix. */
  message: string;
  /** Safe to show to the person using the app. */
  userMessage: string;
  /** The OAuth error the server answered with, e.g. `invalid_grant` or `access_denied`. */
  oauthError?: string;
  /** The HTTP status of the answer, when there was one. */
  status?: number;
}

const AGAIN = ' Please try again.';
const USER_MESSAGES: Record<TollgateErrorCode, string> = {
  POPUP_BLOCKED: 'Your browser blocked the sign-in window. Allow pop-ups for this site, then try again.',
  POPUP_CLOSED: 'The sign-in window was closed before sign-in finished.',
  LOGIN_CANCELLED: 'Sign-in was cancelled.',
  AUTHORIZATION_FAILED: 'Sign-in did not complete.' + AGAIN,
  INVALID_CALLBACK: 'This sign-in link is no longer valid.' + AGAIN,
  TOKEN_REQUEST_FAILED: 'Sign-in could not be completed.' + AGAIN,
  NETWORK_ERROR: 'The sign-in service cannot be reached. Check your connection.',
  API_ERROR: 'Something went wrong.' + AGAIN,
};

export function tollgateError(code: TollgateErrorCode, message: string, extra?: { oauthError?: string; status?: number }): TollgateError {
  return Object.assign(new Error(message), { name: 'TollgateError' as const, code, userMessage: USER_MESSAGES[code], [BRAND]: true }, extra);
}

/**
 * Whether `value` is an error of any copy of the Tollgate SDK.
 *
 * @example
 * try { await tollgate.auth.login(); } catch (e) { if (isTollgateError(e)) show(e.userMessage); }
 */
export function isTollgateError(value: unknown): value is TollgateError {
  return typeof value === 'object' && value !== null && (value as { [BRAND]?: unknown })[BRAND] === true;
}
