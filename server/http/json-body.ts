import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { httpErrors } from './errors';

const JSON_TYPE = /^application\/(?:[a-z0-9.+-]+\+)?json\s*(?:;|$)/i;
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * The JSON edge: a body must be `application/json` (415), within `limit` bytes (413, checked
 * while streaming, so a lying Content-Length does not help) and parse (400). The parsed body is
 * cached by Hono, so route validators read it without parsing twice.
 */
export function jsonBody({ limit }: { limit: number }): MiddlewareHandler {
  const limiter = bodyLimit({
    maxSize: limit,
    onError: () => {
      throw httpErrors.PAYLOAD_TOO_LARGE(`The request body is larger than ${limit} bytes.`);
    },
  });
  return async function jsonBody(c, next) {
    if (!BODY_METHODS.has(c.req.method) || !hasBody(c.req.raw)) return next();
    const type = c.req.header('content-type') ?? '';
    if (!JSON_TYPE.test(type)) throw httpErrors.UNSUPPORTED_MEDIA_TYPE();
    return limiter(c, async () => {
      try {
        await c.req.json();
      } catch (error) {
        if (error instanceof Error && error.name === 'AppError') throw error;
        throw httpErrors.INVALID_JSON();
      }
      await next();
    });
  };
}

function hasBody(req: Request): boolean {
  const length = req.headers.get('content-length');
  if (length !== null) return length !== '0';
  return req.body !== null;
}
