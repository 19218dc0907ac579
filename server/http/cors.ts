import type { MiddlewareHandler } from 'hono';
import { normaliseOrigin } from '../registry/origin';
import { httpErrors } from './errors';

export interface CorsOptions {
  /** Whether any registered app lists this normalised origin. */
  isRegisteredOrigin(origin: string): Promise<boolean>;
  allowMethods?: string[];
  allowHeaders?: string[];
  exposeHeaders?: string[];
  maxAge?: number;
}

const defaults = {
  allowMethods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
  allowHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key', 'X-Request-Id'],
  exposeHeaders: ['X-Request-Id', 'Retry-After'],
  maxAge: 600,
} satisfies Partial<CorsOptions>;

/**
 * CORS from the app registry: an origin some app registered gets exactly itself back in
 * `Access-Control-Allow-Origin`; any other origin gets no CORS headers (and a preflight from
 * it a 403). Never `*`, never credentials: the API authenticates with bearer tokens.
 * Routes that act for one app check that the token's app registered the origin.
 */
export function registryCors(options: CorsOptions): MiddlewareHandler {
  const opts = { ...defaults, ...options };
  return async function registryCors(c, next) {
    const header = c.req.header('origin');
    const preflight = c.req.method === 'OPTIONS' && c.req.header('access-control-request-method') !== undefined;
    const normalised = header ? normaliseOrigin(header) : undefined;
    const allowed = normalised?.ok ? await opts.isRegisteredOrigin(normalised.value) : false;

    if (preflight) {
      if (!allowed || !normalised?.ok) throw httpErrors.ORIGIN_NOT_ALLOWED();
      return c.body(null, 204, {
        'Access-Control-Allow-Origin': normalised.value,
        'Access-Control-Allow-Methods': opts.allowMethods.join(', '),
        'Access-Control-Allow-Headers': opts.allowHeaders.join(', '),
        'Access-Control-Max-Age': String(opts.maxAge),
        Vary: 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers',
      });
    }
    // Before next(): headers added to a finished response make the adapter rebuild it.
    c.header('Vary', 'Origin', { append: true });
    if (allowed && normalised?.ok) {
      c.header('Access-Control-Allow-Origin', normalised.value);
      c.header('Access-Control-Expose-Headers', opts.exposeHeaders.join(', '));
    }
    await next();
  };
}
