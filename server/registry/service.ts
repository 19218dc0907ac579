import type { Kysely } from 'kysely';
import type { AppRow, Database } from '../db/schema';
import { defineErrors } from '../http/errors';
import { hashSecret, newId, newSecret } from '../lib/random';
import { normaliseOrigin, normaliseRedirectUri } from './origin';
import * as q from './queries';

export const registryErrors = defineErrors({
  APP_NOT_FOUND: { status: 404, message: 'No app has this id.' },
  INVALID_ORIGIN: { status: 400, message: 'The origin is not valid.' },
  INVALID_REDIRECT_URI: { status: 400, message: 'The redirect URI is not valid.' },
  INVALID_APP: { status: 400, message: 'The app is not valid.' },
});

/** An app as the outside world sees it: never the secret or its hash. */
export interface AppView {
  id: string;
  name: string;
  origins: string[];
  redirectUris: string[];
  settings: Record<string, unknown>;
  secretHint: string;
  createdAt: string;
  updatedAt: string;
}

export interface CreateAppInput {
  name: string;
  origins?: string[];
  redirectUris?: string[];
  settings?: Record<string, unknown>;
}

export interface RegistryOptions {
  db: Kysely<Database>;
  /** How long another instance's registry change may take to reach this one's origin cache. */
  originCacheMs?: number;
}

export type Registry = ReturnType<typeof createRegistry>;

/**
 * The app registry: every app's origins, redirect URIs and secret key. One allow-list per
 * app governs CORS, redirects, postMessage, WebSocket origins and frame-ancestors.
 */
export function createRegistry({ db, originCacheMs = 5_000 }: RegistryOptions) {
  let originCache: { at: number; byOrigin: Map<string, Set<string>> } | undefined;
  let loading: Promise<Map<string, Set<string>>> | undefined;

  async function originsIndex(): Promise<Map<string, Set<string>>> {
    if (originCache && Date.now() - originCache.at < originCacheMs) return originCache.byOrigin;
    loading ??= q
      .listOrigins(db)
      .then((rows) => {
        const byOrigin = new Map<string, Set<string>>();
        for (const { origin, app_id } of rows) {
          const apps = byOrigin.get(origin) ?? new Set<string>();
          apps.add(app_id);
          byOrigin.set(origin, apps);
        }
        originCache = { at: Date.now(), byOrigin };
        return byOrigin;
      })
      .finally(() => (loading = undefined));
    return loading;
  }

  function changed<T extends AppRow | undefined>(row: T, id: string): AppView {
    originCache = undefined;
    if (!row) throw registryErrors.APP_NOT_FOUND(`No app has the id "${id}".`);
    return toView(row);
  }

  return {
    async createApp(input: CreateAppInput): Promise<{ app: AppView; secret: string }> {
      const name = input.name.trim();
      if (!name || name.length > 100) throw registryErrors.INVALID_APP('The app name must have 1 to 100 characters.');
      const secret = newSecret('sk');
      const row = await q.insertApp(db, {
        id: newId('app'),
        name,
        origins: unique((input.origins ?? []).map(origin)),
        redirect_uris: unique((input.redirectUris ?? []).map(redirectUri)),
        secret_hash: hashSecret(secret),
        secret_hint: hint(secret),
        settings: JSON.stringify(input.settings ?? {}),
      });
      originCache = undefined;
      return { app: toView(row), secret };
    },

    async listApps(): Promise<AppView[]> {
      return (await q.listApps(db)).map(toView);
    },

    async getApp(id: string): Promise<AppView> {
      const row = await q.findApp(db, id);
      if (!row) throw registryErrors.APP_NOT_FOUND(`No app has the id "${id}".`);
      return toView(row);
    },

    /** The app a secret key belongs to, or undefined. */
    async authenticateSecret(secret: string): Promise<AppView | undefined> {
      if (!/^sk_[A-Za-z0-9_-]{43}$/.test(secret)) return undefined;
      const row = await q.findAppBySecretHash(db, hashSecret(secret));
      return row && toView(row);
    },

    async addOrigin(id: string, value: string) {
      return changed(await q.addToList(db, id, 'origins', origin(value)), id);
    },
    async removeOrigin(id: string, value: string) {
      return changed(await q.removeFromList(db, id, 'origins', origin(value)), id);
    },
    async addRedirectUri(id: string, value: string) {
      return changed(await q.addToList(db, id, 'redirect_uris', redirectUri(value)), id);
    },
    async removeRedirectUri(id: string, value: string) {
      return changed(await q.removeFromList(db, id, 'redirect_uris', redirectUri(value)), id);
    },

    /** Merges settings into the app's (e.g. `{ firstParty: true }` skips the consent click). */
    async updateSettings(id: string, settings: Record<string, unknown>) {
      const current = await q.findApp(db, id);
      if (!current) throw registryErrors.APP_NOT_FOUND(`No app has the id "${id}".`);
      return changed(await q.updateApp(db, id, { settings: JSON.stringify({ ...current.settings, ...settings }) }), id);
    },

    /** Issues a new secret key; the old one stops working at once. */
    async rotateSecret(id: string): Promise<{ app: AppView; secret: string }> {
      const secret = newSecret('sk');
      const row = await q.updateApp(db, id, { secret_hash: hashSecret(secret), secret_hint: hint(secret) });
      return { app: changed(row, id), secret };
    },

    /** Whether any app registered this (already normalised) origin. */
    async isRegisteredOrigin(value: string): Promise<boolean> {
      return (await originsIndex()).has(value);
    },

    /** Whether `appId` registered this (already normalised) origin. */
    async isOriginOfApp(appId: string, value: string): Promise<boolean> {
      return (await originsIndex()).get(value)?.has(appId) ?? false;
    },
  };
}

function origin(value: string): string {
  const result = normaliseOrigin(value);
  if (!result.ok) throw registryErrors.INVALID_ORIGIN(`Invalid origin: ${result.reason}.`);
  return result.value;
}

function redirectUri(value: string): string {
  const result = normaliseRedirectUri(value);
  if (!result.ok) throw registryErrors.INVALID_REDIRECT_URI(`Invalid redirect URI: ${result.reason}.`);
  return result.value;
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

function hint(secret: string): string {
  return `${secret.slice(0, 7)}…${secret.slice(-4)}`;
}

function toView(row: AppRow): AppView {
  return {
    id: row.id,
    name: row.name,
    origins: row.origins,
    redirectUris: row.redirect_uris,
    settings: row.settings,
    secretHint: row.secret_hint,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}
