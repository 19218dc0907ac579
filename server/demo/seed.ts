import type { Config } from '../config';
import type { DatabaseHandle } from '../db/index';
import { readSecretFile, writeSecretFile } from '../lib/data-dir';
import { createRegistry } from '../registry/service';

export interface DemoApp {
  id: string;
  name: string;
  origin: string;
  /** Shown on first seed only; kept in the data directory for the demo backends. */
  secret?: string;
}

export interface DemoSeed {
  apps: [DemoApp, DemoApp];
}

/** The embed demo's two origins: different sites in Chromium (localhost vs 127.0.0.1). */
export const DEMO_ORIGINS = ['http://localhost:5173', 'http://127.0.0.1:5174'] as const;

/**
 * Makes sure the two demo apps exist, once: their ids and secrets are remembered in the data
 * directory, so restarting the demo keeps the same apps.
 */
export async function seedDemo(database: DatabaseHandle, config: Pick<Config, 'dataDir'>): Promise<DemoSeed> {
  const registry = createRegistry({ db: database.db });
  const saved = readSecretFile(config.dataDir, 'demo.json');
  if (saved) {
    try {
      const seed = JSON.parse(saved) as DemoSeed;
      const existing = await Promise.all(seed.apps.map((a) => registry.getApp(a.id).catch(() => undefined)));
      if (existing.every(Boolean)) return seed;
    } catch {
      // unreadable or stale: seed again
    }
  }
  const names = ['Demo App A', 'Demo App B'];
  const apps = (await Promise.all(
    DEMO_ORIGINS.map(async (origin, i) => {
      const { app, secret } = await registry.createApp({
        name: names[i]!,
        origins: [origin],
        redirectUris: [`${origin}/`, `${origin}/react/`],
      });
      return { id: app.id, name: app.name, origin, secret };
    }),
  )) as [DemoApp, DemoApp];
  const seed: DemoSeed = { apps };
  writeSecretFile(config.dataDir, 'demo.json', JSON.stringify(seed, null, 2));
  return seed;
}
