import { z } from 'zod';
import type { Registry } from '../registry/service';

/**
 * Every administrative operation, once: its input schema and what it does. The CLI calls these
 * directly on the database, or through `POST /admin/rpc` of the running server when the
 * embedded database is held by that server. The table has no prototype, so `__proto__` or
 * `constructor` is never an operation.
 */
export interface OperationServices {
  registry: Registry;
}

const appId = z.string().regex(/^app_[a-z0-9_]{4,60}$/, 'an app id such as app_k3j5…');
const url = z.string().min(1).max(2048);

function operation<S extends z.ZodType, R>(input: S, run: (input: z.infer<S>) => Promise<R>) {
  return { input, run };
}

export function createOperations({ registry }: OperationServices) {
  const table = {
    'apps.create': operation(
      z.object({
        name: z.string().min(1).max(100),
        origins: z.array(url).max(50).default([]),
        redirectUris: z.array(url).max(50).default([]),
      }),
      (input) => registry.createApp(input),
    ),
    'apps.list': operation(z.object({}), () => registry.listApps()),
    'apps.show': operation(z.object({ id: appId }), ({ id }) => registry.getApp(id)),
    'apps.addOrigin': operation(z.object({ id: appId, origin: url }), ({ id, origin }) => registry.addOrigin(id, origin)),
    'apps.removeOrigin': operation(z.object({ id: appId, origin: url }), ({ id, origin }) => registry.removeOrigin(id, origin)),
    'apps.addRedirectUri': operation(z.object({ id: appId, uri: url }), ({ id, uri }) => registry.addRedirectUri(id, uri)),
    'apps.removeRedirectUri': operation(z.object({ id: appId, uri: url }), ({ id, uri }) => registry.removeRedirectUri(id, uri)),
    'apps.rotateSecret': operation(z.object({ id: appId }), ({ id }) => registry.rotateSecret(id)),
  };
  return Object.assign(Object.create(null) as object, table) as typeof table;
}

export type Operations = ReturnType<typeof createOperations>;
export type OperationName = keyof Operations;
export type OperationResult<N extends OperationName> = Awaited<ReturnType<Operations[N]['run']>>;
