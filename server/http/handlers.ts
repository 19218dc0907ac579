import type { Context, ErrorHandler, Hono, NotFoundHandler } from 'hono';
import { TrieRouter } from 'hono/router/trie-router';
import { HTTPException } from 'hono/http-exception';
import { AppError, errorBody, httpErrors, isAppError } from './errors';

/** The one place an error becomes a response: `{ error: { code, message, requestId } }`. */
export const onError: ErrorHandler = (err, c) => {
  const error = toAppError(err, c);
  return respondWithError(c, error);
};

/**
 * 404, or 405 with `Allow` when the path exists for other methods. Decided here, when nothing
 * matched, so requests that do match pay nothing for it (a middleware would run on all of them).
 */
export function notFoundOrNotAllowed(app: Hono<any, any, any>): NotFoundHandler {
  let router: TrieRouter<string[]> | undefined;
  return (c) => {
    if (!router) {
      const byPath = new Map<string, Set<string>>();
      for (const route of app.routes) {
        if (route.method === 'ALL' || route.method === 'HEAD') continue;
        const methods = byPath.get(route.path) ?? new Set<string>();
        methods.add(route.method);
        if (route.method === 'GET') methods.add('HEAD');
        byPath.set(route.path, methods);
      }
      router = new TrieRouter<string[]>();
      for (const [path, methods] of byPath) router.add('ALL', path, [...methods]);
    }
    const allowed = new Set<string>();
    for (const [methods] of router.match('ALL', c.req.path)[0]) for (const m of methods) allowed.add(m);
    if (allowed.size && !allowed.has(c.req.method)) {
      const allow = [...allowed].join(', ');
      return respondWithError(c, httpErrors.METHOD_NOT_ALLOWED(`${c.req.path} accepts ${allow}, not ${c.req.method}.`, undefined, { Allow: allow }));
    }
    return respondWithError(c, httpErrors.NOT_FOUND(`No route matches ${c.req.method} ${c.req.path}.`));
  };
}

export function respondWithError(c: Context, error: AppError): Response {
  const requestId = c.get('requestId') ?? 'none';
  return c.json(errorBody(error, requestId), error.status, {
    'Cache-Control': 'no-store',
    ...error.headers,
  });
}

function toAppError(err: unknown, c: Context): AppError {
  if (isAppError(err)) return err;
  if (err instanceof HTTPException) {
    // Hono's own validators and middleware: keep their status, never their HTML/text body.
    if (err.status === 413) return httpErrors.PAYLOAD_TOO_LARGE();
    if (err.status === 400 && /json/i.test(err.message)) return httpErrors.INVALID_JSON();
    if (err.status === 401) return httpErrors.UNAUTHORIZED();
    if (err.status < 500) return new AppError(err.status as AppError['status'], 'BAD_REQUEST', err.message || 'Bad request.');
  }
  // Anything else is our bug: log it whole, tell the client only the request id.
  c.get('log')?.error({ err }, 'unhandled error');
  return httpErrors.INTERNAL();
}
