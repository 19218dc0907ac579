import { z } from 'zod';
import type { Registry } from '../registry/service';
import type { Identity } from '../identity/index';
import { tailAudit, writeAudit } from '../identity/audit';

/**
 * Every administrative operation, once: its input schema and what it does. The CLI calls these
 * directly on the database, or through `POST /admin/rpc` of the running server when the
 * embedded database is held by that server. The table has no prototype, so `__proto__` or
 * `constructor` is never an operation.
 */
export interface OperationServices {
  registry: Registry;
  identity: Identity;
}

const appId = z.string().regex(/^app_[a-z0-9_]{4,60}$/, 'an app id such as app_k3j5…');
const url = z.string().min(1).max(2048);

function operation<S extends z.ZodType, R>(input: S, run: (input: z.infer<S>) => Promise<R>) {
  return { input, run };
}

export function createOperations({ registry, identity }: OperationServices) {
  const table = {
    'apps.create': operation(
      z.object({
        name: z.string().min(1).max(100).regex(/^[^\p{Cc}]*$/u, 'must not contain control characters'),
        origins: z.array(url).max(50).default([]),
        redirectUris: z.array(url).max(50).default([]),
        firstParty: z.boolean().default(false),
      }),
      ({ firstParty, ...input }) => registry.createApp({ ...input, settings: firstParty ? { firstParty: true } : {} }),
    ),
    'apps.setFirstParty': operation(z.object({ id: appId, firstParty: z.boolean() }), ({ id, firstParty }) => registry.updateSettings(id, { firstParty })),
    'apps.list': operation(z.object({}), () => registry.listApps()),
    'apps.show': operation(z.object({ id: appId }), ({ id }) => registry.getApp(id)),
    'apps.addOrigin': operation(z.object({ id: appId, origin: url }), ({ id, origin }) => registry.addOrigin(id, origin)),
    'apps.removeOrigin': operation(z.object({ id: appId, origin: url }), ({ id, origin }) => registry.removeOrigin(id, origin)),
    'apps.addRedirectUri': operation(z.object({ id: appId, uri: url }), ({ id, uri }) => registry.addRedirectUri(id, uri)),
    'apps.removeRedirectUri': operation(z.object({ id: appId, uri: url }), ({ id, uri }) => registry.removeRedirectUri(id, uri)),
    'apps.rotateSecret': operation(z.object({ id: appId }), ({ id }) => registry.rotateSecret(id)),
    'users.create': operation(
      z.object({ email: z.string().min(1).max(254), password: z.string().min(1).max(1024), name: z.string().max(100).regex(/^[^\p{Cc}]*$/u, 'must not contain control characters').optional(), role: z.enum(['user', 'admin']).default('user') }),
      (input) => identity.accounts.createUser(input),
    ),
    'users.list': operation(z.object({}), () => identity.accounts.listUsers()),
    'users.setRole': operation(z.object({ id: z.string().regex(/^usr_[a-z2-7]{16}$/, 'a user id such as usr_k3j5…'), role: z.enum(['user', 'admin']) }), ({ id, role }) =>
      identity.accounts.setRole(id, role),
    ),
    'keys.rotate': operation(z.object({}), async () => {
      const result = await identity.keys.rotate();
      await writeAudit(identity.db, { event: 'key_rotated', details: { ...result, via: 'cli' } });
      return result;
    }),
    'keys.retire': operation(z.object({}), async () => {
      // Tokens live at most the access-token lifetime; an ID token hint may be older, which is fine.
      // Plus a minute: other instances may keep signing with the old key until they reload.
      const result = await identity.keys.retire(identity.config.accessTokenTtlSeconds * 1000 + 60_000);
      if (result.retired.length) await writeAudit(identity.db, { event: 'key_retired', details: { ...result, via: 'cli' } });
      return result;
    }),
    'audit.tail': operation(z.object({ limit: z.number().int().min(1).max(1000).default(50), afterId: z.number().int().min(0).optional() }), async (input) =>
      (await tailAudit(identity.db, input)).map((r) => ({ ...r, at: r.at.toISOString() })),
    ),
  };
  return Object.assign(Object.create(null) as object, table) as typeof table;
}

export type Operations = ReturnType<typeof createOperations>;
export type OperationName = keyof Operations;
export type OperationResult<N extends OperationName> = Awaited<ReturnType<Operations[N]['run']>>;
