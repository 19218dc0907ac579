import { methodNotAllowed } from 'hono/method-not-allowed';
import type { Logger } from 'pino';
import { createOperations } from './admin/operations';
import { adminRoutes } from './admin/routes';
import type { Config } from './config';
import type { DatabaseHandle } from './db/index';
import { createRouter } from './http/context';
import { registryCors } from './http/cors';
import { notFound, onError, onMethodNotAllowed } from './http/handlers';
import { jsonBody } from './http/json-body';
import { createMetrics } from './http/metrics';
import { requestContext } from './http/request-context';
import { securityHeaders } from './http/security-headers';
import { opsRoutes } from './ops/routes';
import { createRegistry } from './registry/service';
import { assetRoutes, type Assets } from './static/assets';

export interface AppDeps {
  config: Pick<Config, 'publicUrl' | 'bodyLimit' | 'metricsToken'>;
  database: DatabaseHandle;
  logger: Logger;
  /** Built browser files (`widget.js`, frame pages) served from this origin. */
  assets?: Assets;
  /** Enables `POST /admin/rpc` with this bearer token (set by the server on the embedded database). */
  adminToken?: string;
  /** Process metrics (CPU, memory, GC) beside the HTTP ones; off in tests. */
  defaultMetrics?: boolean;
}

/**
 * Builds the whole Tollgate HTTP application. Tests call `app.request()` on it in-process;
 * `server/main.ts` serves it with @hono/node-server.
 *
 * @example
 * const app = createApp({ config, database, logger });
 * const res = await app.request('/healthz');
 */
export function createApp(deps: AppDeps) {
  const { config, database, logger } = deps;
  const registry = createRegistry({ db: database.db });
  const metrics = createMetrics({ defaults: deps.defaultMetrics ?? false });
  const app = createRouter();

  app.use(requestContext(logger));
  app.use(metrics.middleware);
  app.use(securityHeaders({ https: config.publicUrl.startsWith('https:') }));
  app.use(methodNotAllowed({ app, onMethodNotAllowed }));
  app.use('/v1/*', registryCors({ isRegisteredOrigin: (origin) => registry.isRegisteredOrigin(origin) }));
  app.use('/v1/*', jsonBody({ limit: config.bodyLimit }));
  app.use('/admin/*', jsonBody({ limit: config.bodyLimit }));

  app.route('/', opsRoutes({ ping: database.ping, metrics: metrics.registry, metricsToken: config.metricsToken }));
  app.route('/', assetRoutes(deps.assets));
  if (deps.adminToken) {
    app.route('/', adminRoutes({ operations: createOperations({ registry }), token: deps.adminToken }));
  }

  app.openAPIRegistry.registerComponent('securitySchemes', 'adminToken', {
    type: 'http',
    scheme: 'bearer',
    description: 'The token a server on the embedded database writes to DATA_DIR/admin.token.',
  });
  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: { title: 'Tollgate', version: '1', description: 'Login and credits for a family of apps.' },
    servers: [{ url: config.publicUrl }],
  });
  app.onError(onError);
  app.notFound(notFound);
  return Object.assign(app, { services: { registry }, metrics });
}

export type TollgateApp = ReturnType<typeof createApp>;
