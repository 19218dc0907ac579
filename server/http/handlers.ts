import type { Context, ErrorHandler, NotFoundHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { AppError, errorBody, httpErrors, isAppError } from './errors';

/** The one place an error becomes a response: `{ error: { code, message, requestId } }`. */
export const onError: ErrorHandler = (err, c) => {
  const error = toAppError(err, c);
  return respondWithError(c, error);
};

export const notFound: NotFoundHandler = (c) =>
  respondWithError(c, httpErrors.NOT_FOUND(`No route matches ${c.req.method} ${c.req.path}.`));

export function onMethodNotAllowed(c: Context, methods: string[]) {
  return respondWithError(
    c,
    httpErrors.METHOD_NOT_ALLOWED(`${c.req.path} accepts ${methods.join(', ')}, not ${c.req.method}.`, undefined, {
      Allow: methods.join(', '),
    }),
  );
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
