import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import type { Logger } from 'pino';
import { createApp } from './app';
import { loadConfig, type Config } from './config';
import { migrateToLatest, openDatabase, type DatabaseHandle } from './db/index';
import { seedDemo, type DemoSeed } from './demo/seed';
import { startEmbedDemo } from './demo/embed-server';
import { acquireLock, loadOrCreateMasterKey, removeSecretFile, updateLock, writeSecretFile } from './lib/data-dir';
import { createLogger } from './lib/logger';
import { packageRoot } from './lib/package-root';
import { newSecret } from './lib/random';
import { StartupError } from './lib/startup-error';
import { loadAssets } from './static/assets';

export interface RunningServer {
  url: string;
  config: Config;
  demo?: DemoSeed & { urls: string[] };
  /** Stops accepting, lets in-flight requests finish (up to the shutdown timeout), closes the database. */
  close(): Promise<void>;
}

export { StartupError };

/**
 * Starts Tollgate: validates the environment, opens and migrates the database, and serves the
 * app. With `demo`, also seeds two demo apps and serves the embed demo on their two origins.
 */
export async function startServer({ env = process.env, demo = false } = {}): Promise<RunningServer> {
  const config = loadConfig(env);
  const logger = createLogger(config.logLevel);
  const cleanups: (() => Promise<void> | void)[] = [];
  const cleanup = async () => {
    for (const fn of cleanups.reverse()) await fn();
  };
  try {
    let adminToken: string | undefined;
    if (config.database.engine === 'pglite') {
      const lock = acquireLock(config.dataDir, { pid: process.pid, kind: 'server' });
      if (!lock.ok) {
        throw new StartupError(
          `the embedded database in ${config.dataDir} is in use by ${lock.holder.kind === 'server' ? 'a running Tollgate server' : 'a tollgate command'} (pid ${lock.holder.pid}); stop it or set DATA_DIR`,
        );
      }
      cleanups.push(() => lock.release());
      adminToken = newSecret('adm');
      writeSecretFile(config.dataDir, 'admin.token', adminToken);
      cleanups.push(() => removeSecretFile(config.dataDir, 'admin.token'));
    }
    let masterKey: string;
    try {
      masterKey = config.masterKey ?? loadOrCreateMasterKey(config.dataDir).key;
    } catch (error) {
      throw new StartupError(`cannot read the master key: ${(error as Error).message}`);
    }

    const database = await openDatabase(config.database);
    cleanups.push(() => database.close());
    const applied = await migrateToLatest(database);
    if (applied.length) logger.info({ migrations: applied }, 'migrated');

    const seed = demo ? await seedDemo(database, config) : undefined;
    const app = createApp({
      config,
      database,
      logger,
      assets: loadAssets(join(packageRoot(), 'dist', 'browser')),
      masterKey,
      adminToken,
      defaultMetrics: true,
    });
    // Fail now, not at the first sign-in, if the master key cannot open the signing keys.
    try {
      await app.services.identity.keys.active();
    } catch (error) {
      throw new StartupError((error as Error).message);
    }
    const server = await listen(app.fetch, config);
    const address = server.address() as AddressInfo;
    const localUrl = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
    cleanups.push(() => closeServer(server, config.shutdownTimeoutMs, logger));
    if (adminToken) {
      const adminUrl = localUrl.replace('//0.0.0.0:', '//127.0.0.1:').replace('//[::]:', '//127.0.0.1:');
      updateLock(config.dataDir, { pid: process.pid, kind: 'server', adminUrl });
    }

    let demoInfo: RunningServer['demo'];
    if (seed) {
      const embed = await startEmbedDemo({ seed, tollgateUrl: config.publicUrl, root: join(packageRoot(), 'embed-demo') });
      cleanups.push(() => embed.close());
      demoInfo = { ...seed, urls: embed.urls };
    }
    if (!config.rateLimits) logger.warn('RATE_LIMITS=false: no rate limits on sign-in, sign-up, password reset and change, email verification and resend, and the token and revocation endpoints');
    logger.info({ url: config.publicUrl, listening: localUrl, engine: database.engine }, 'listening');
    let closing: Promise<void> | undefined;
    return { url: config.publicUrl, config, demo: demoInfo, close: () => (closing ??= cleanup()) };
  } catch (error) {
    await cleanup().catch(() => {});
    throw error;
  }
}

function listen(fetch: Parameters<typeof serve>[0]['fetch'], config: Config): Promise<ServerType> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch, port: config.port, hostname: config.host }, () => resolve(server));
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        new StartupError(
          error.code === 'EADDRINUSE'
            ? `port ${config.port} on ${config.host} is already in use; stop the other process or set PORT`
            : error.code === 'EACCES'
              ? `no permission to listen on port ${config.port}; choose a port above 1023 or set PORT`
              : `cannot listen on ${config.host}:${config.port} (${error.code ?? error.message}); check HOST and PORT`,
        ),
      );
    });
  });
}

/** Stops accepting, waits for in-flight requests, then cuts whatever is left after the timeout. */
function closeServer(server: ServerType, timeoutMs: number, logger: Logger): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      logger.warn('shutdown timeout: closing remaining connections');
      (server as import('node:http').Server).closeAllConnections?.();
    }, timeoutMs);
    timer.unref();
    server.close(() => {
      clearTimeout(timer);
      resolve();
    });
    (server as import('node:http').Server).closeIdleConnections?.();
  });
}

export type { DatabaseHandle };
