import type { Logger } from 'pino';
import { createOperations } from './admin/operations';
import { adminRoutes } from './admin/routes';
import type { Config } from './config';
import type { DatabaseHandle } from './db/index';
import { embedRoutes } from './embed/routes';
import { createRouter } from './http/context';
import { registryCors } from './http/cors';
import { notFoundOrNotAllowed, onError } from './http/handlers';
import { edge } from './http/edge';
import { jsonBody } from './http/json-body';
import { createMetrics } from './http/metrics';
import { securityHeaders } from './http/security-headers';
import { opsRoutes } from './ops/routes';
import { createRegistry } from './registry/service';
import { assetRoutes, type Assets } from './static/assets';
import { bodyLimit } from 'hono/body-limit';
import { httpErrors } from './http/errors';
import { createIdentity, type DEFAULT_LIMITS, type IdentityConfig } from './identity/index';
import { requireCsrf } from './identity/csrf';
import { authRoutes } from './identity/routes/auth';
import { authorizeRoutes } from './identity/routes/authorize';
import { meRoutes } from './identity/routes/me';
import { oauthRoutes } from './identity/routes/oauth';
import { pageRoutes } from './identity/routes/pages';
import { loadSession } from './identity/routes/session';

export interface AppDeps {
  config: Pick<Config, 'publicUrl' | 'bodyLimit' | 'metricsToken'> & IdentityConfig;
  database: DatabaseHandle;
  logger: Logger;
  /** 32 bytes, base64url: seals signing keys and derives the server's MAC keys. */
  masterKey: string;
  /** Raises or lowers the per-IP and per-account limits (tests). */
  limits?: Partial<typeof DEFAULT_LIMITS>;
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
  const identity = createIdentity({ database, registry, config, masterKey: deps.masterKey, logger, limits: deps.limits });
  const metrics = createMetrics({ defaults: deps.defaultMetrics ?? false });
  const app = createRouter();

  app.use(edge({ logger, metrics, headers: securityHeaders({ https: config.publicUrl.startsWith('https:') }) }));
  const cors = registryCors({ isRegisteredOrigin: (origin) => registry.isRegisteredOrigin(origin) });
  for (const path of ['/v1/*', '/oauth/token', '/oauth/revoke', '/oauth/userinfo', '/.well-known/*']) app.use(path, cors);
  const json = jsonBody({ limit: config.bodyLimit });
  for (const path of ['/v1/*', '/admin/*', '/auth/*', '/oauth/authorize/decision']) app.use(path, json);
  // The OAuth endpoints answer in RFC 6749's error shape, even before their handler runs.
  const formLimit = bodyLimit({
    maxSize: 16 * 1024,
    onError: (c) => c.json({ error: 'invalid_request', error_description: 'The request body is larger than 16384 bytes.' }, 413, { 'Cache-Control': 'no-store' }),
  });
  for (const path of ['/oauth/token', '/oauth/revoke']) app.use(path, formLimit);
  // Hosted pages and their JSON API: cookie session, CSRF-checked writes.
  const session = loadSession(identity);
  for (const path of ['/auth/*', '/oauth/authorize', '/oauth/authorize/*', '/oauth/logout', '/login', '/account']) app.use(path, session);
  const csrf = requireCsrf(config.publicUrl);
  for (const path of ['/auth/*', '/oauth/authorize/decision']) app.use(path, csrf);

  app.route('/', opsRoutes({ ping: database.ping, metrics, metricsToken: config.metricsToken }));
  app.route('/', assetRoutes(deps.assets));
  app.route('/', authRoutes(identity));
  app.route('/', authorizeRoutes(identity));
  app.route('/', oauthRoutes(identity));
  app.route('/', pageRoutes(identity));
  app.route('/', meRoutes(identity));
  app.route('/', embedRoutes({ registry }));
  if (deps.adminToken) {
    app.route('/', adminRoutes({ operations: createOperations({ registry, identity }), token: deps.adminToken }));
  }

  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'An access token from /oauth/token.' });
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
  app.notFound(notFoundOrNotAllowed(app));
  return Object.assign(app, { services: { registry, identity }, metrics });
}

export type TollgateApp = ReturnType<typeof createApp>;
