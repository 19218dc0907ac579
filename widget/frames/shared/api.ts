import { strings } from './strings';

/** The user as the identity endpoints (`/auth/me`, sign-in, sign-up…) return it. */
export interface User {
  id: string;
  email: string;
  emailVerified: boolean;
  name: string;
  role: string;
  createdAt: string;
}

/** A failed call: the server's `{ error: { code, message, requestId } }`, or one we met on the way. */
export interface ApiError {
  /** The HTTP status; 0 when the server was not reached. */
  status: number;
  code: string;
  /** Safe to show to the user as is. */
  message: string;
  requestId?: string;
  /** Seconds to wait, from `Retry-After` on a 429. */
  retryAfter?: number;
}

/** Calls never throw: they return the data or the error, and the page decides what to show. */
export type ApiResult<T> = { ok: true; data: T } | { ok: false; error: ApiError };

export interface Api {
  get<T>(path: string): Promise<ApiResult<T>>;
  /** POST, PATCH or DELETE with the CSRF header. `data` is `undefined` for 202/204. */
  send<T = undefined>(method: 'POST' | 'PATCH' | 'DELETE', path: string, body?: object): Promise<ApiResult<T>>;
}

/**
 * The JSON client of the hosted pages: same-origin cookies, `X-CSRF-Token` on every write.
 *
 * @example
 * const api = createApi(data.csrfToken);
 * const result = await api.send<{ user: User }>('POST', '/auth/signin', { email, password });
 * if (!result.ok) show(result.error.message);
 */
export function createApi(csrfToken: string): Api {
  async function request<T>(method: string, path: string, body?: object): Promise<ApiResult<T>> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (method !== 'GET') {
      headers['Content-Type'] = 'application/json';
      headers['X-CSRF-Token'] = csrfToken;
    }
    let response: Response;
    try {
      response = await fetch(path, {
        method,
        headers,
        credentials: 'same-origin',
        body: body === undefined ? null : JSON.stringify(body),
      });
    } catch {
      return { ok: false, error: { status: 0, code: 'NETWORK_ERROR', message: strings.networkError } };
    }
    const json: unknown = response.status === 204 ? undefined : await response.json().catch(() => undefined);
    if (response.ok) return { ok: true, data: json as T };
    return { ok: false, error: readError(response, json) };
  }
  return {
    get: (path) => request('GET', path),
    send: (method, path, body) => request(method, path, body),
  };
}

function readError(response: Response, json: unknown): ApiError {
  const body = (json as { error?: Partial<Record<'code' | 'message' | 'requestId', unknown>> } | undefined)?.error;
  const error: ApiError = {
    status: response.status,
    code: typeof body?.code === 'string' ? body.code : `HTTP_${response.status}`,
    message: typeof body?.message === 'string' && body.message ? body.message : strings.unexpectedError,
  };
  if (typeof body?.requestId === 'string') error.requestId = body.requestId;
  const retryAfter = response.status === 429 ? parseRetryAfter(response.headers.get('Retry-After')) : undefined;
  if (retryAfter !== undefined) error.retryAfter = retryAfter;
  return error;
}

/** RFC 9110 §10.2.3: either delay-seconds or an HTTP-date. */
function parseRetryAfter(value: string | null): number | undefined {
  if (!value) return undefined;
  const seconds = /^\d+$/.test(value.trim()) ? Number(value) : Math.ceil((Date.parse(value) - Date.now()) / 1000);
  return Number.isFinite(seconds) ? Math.max(1, seconds) : undefined;
}

/** The text to show for an error: the server's message, and when to retry on a 429. */
export function describeError(error: ApiError): string {
  // The server's own message may already say when (the rate limiter's does): say it once.
  if (error.retryAfter === undefined || /try again in/i.test(error.message)) return error.message;
  return `${error.message} ${strings.retryAfter(error.retryAfter)}`;
}
