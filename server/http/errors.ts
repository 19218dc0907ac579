import type { ContentfulStatusCode } from 'hono/utils/http-status';

/**
 * The one error every layer throws. Routes, services and the CLI all speak it; `onError`
 * turns it into `{ "error": { "code", "message", "requestId" } }`.
 */
export class AppError extends Error {
  override name = 'AppError';
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
  }
}

type ErrorDefinition = { status: ContentfulStatusCode; message: string };
type ErrorFactories<T extends Record<string, ErrorDefinition>> = {
  [K in keyof T]: (message?: string, details?: unknown, headers?: Record<string, string>) => AppError;
};

/**
 * Declares a capability's error codes as data.
 *
 * @example
 * const errors = defineErrors({ APP_NOT_FOUND: { status: 404, message: 'No app has this id.' } });
 * throw errors.APP_NOT_FOUND();
 */
export function defineErrors<T extends Record<string, ErrorDefinition>>(definitions: T): ErrorFactories<T> {
  const factories: Record<string, ErrorFactories<T>[keyof T]> = {};
  for (const [code, def] of Object.entries(definitions)) {
    factories[code] = (message = def.message, details, headers) => new AppError(def.status, code, message, details, headers);
  }
  return factories as ErrorFactories<T>;
}

/** Errors of the HTTP edge itself, shared by every capability. */
export const httpErrors = defineErrors({
  INVALID_JSON: { status: 400, message: 'The request body is not valid JSON.' },
  VALIDATION_FAILED: { status: 400, message: 'The request is invalid.' },
  UNAUTHORIZED: { status: 401, message: 'Authentication is required.' },
  FORBIDDEN: { status: 403, message: 'You are not allowed to do this.' },
  ORIGIN_NOT_ALLOWED: { status: 403, message: 'This origin is not registered for any app.' },
  NOT_FOUND: { status: 404, message: 'No route matches this path.' },
  METHOD_NOT_ALLOWED: { status: 405, message: 'This route does not accept this method.' },
  PAYLOAD_TOO_LARGE: { status: 413, message: 'The request body is too large.' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'The request body must be application/json.' },
  INTERNAL: { status: 500, message: 'Something went wrong on our side. The request id identifies it in the logs.' },
  UNAVAILABLE: { status: 503, message: 'The service is not ready.' },
});

export interface ErrorBody {
  error: { code: string; message: string; requestId: string; details?: unknown };
}

export function errorBody(error: AppError, requestId: string): ErrorBody {
  return {
    error: {
      code: error.code,
      message: error.message,
      requestId,
      ...(error.details === undefined ? {} : { details: error.details }),
    },
  };
}

/** Brand check that survives two copies of this module (bundles, tests). */
export function isAppError(value: unknown): value is AppError {
  return value instanceof Error && value.name === 'AppError' && typeof (value as AppError).code === 'string';
}
