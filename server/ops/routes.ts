import { createRoute, z } from '@hono/zod-openapi';
import type { Metrics } from '../http/metrics';
import { createRouter } from '../http/context';
import { httpErrors } from '../http/errors';
import { secretsEqual } from '../lib/random';

export interface OpsRoutesOptions {
  ping(): Promise<void>;
  metrics: Metrics;
  metricsToken?: string;
  readyTimeoutMs?: number;
}

const Status = z.object({ status: z.literal('ok') }).openapi('Status');

const healthz = createRoute({
  method: 'get',
  path: '/healthz',
  summary: 'Liveness: the process answers.',
  tags: ['Operations'],
  responses: { 200: { description: 'Alive', content: { 'application/json': { schema: Status } } } },
});

const readyz = createRoute({
  method: 'get',
  path: '/readyz',
  summary: 'Readiness: the database answers.',
  tags: ['Operations'],
  responses: {
    200: { description: 'Ready', content: { 'application/json': { schema: Status } } },
    503: { description: 'The database does not answer' },
  },
});

const metrics = createRoute({
  method: 'get',
  path: '/metrics',
  summary: 'Prometheus metrics (text exposition format).',
  tags: ['Operations'],
  responses: { 200: { description: 'Metrics', content: { 'text/plain': { schema: z.string() } } } },
});

/** `/healthz`, `/readyz` and `/metrics`. */
export function opsRoutes({ ping, metrics: registry, metricsToken, readyTimeoutMs = 2_000 }: OpsRoutesOptions) {
  return createRouter()
    .openapi(healthz, (c) => c.json({ status: 'ok' as const }, 200, { 'Cache-Control': 'no-store' }))
    .openapi(readyz, async (c) => {
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          ping(),
          new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('timeout')), readyTimeoutMs))),
        ]);
      } catch (err) {
        c.get('log').warn({ err }, 'readiness check failed');
        throw httpErrors.UNAVAILABLE('The database does not answer.');
      } finally {
        clearTimeout(timer);
      }
      return c.json({ status: 'ok' as const }, 200, { 'Cache-Control': 'no-store' });
    })
    .openapi(metrics, async (c) => {
      if (metricsToken) {
        const given = c.req.header('authorization')?.replace(/^Bearer\s+/i, '') ?? '';
        if (!secretsEqual(given, metricsToken)) throw httpErrors.UNAUTHORIZED('Send the metrics token as a bearer token.', undefined, { 'WWW-Authenticate': 'Bearer realm="tollgate-metrics"' });
      }
      return c.text(await registry.render(), 200, { 'Content-Type': registry.contentType, 'Cache-Control': 'no-store' });
    });
}
