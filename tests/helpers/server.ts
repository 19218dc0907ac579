import { rmSync } from 'node:fs';
import { sql } from 'kysely';
import { openDatabase } from '../../server/db/index';
import { randomBase32 } from '../../server/lib/random';
import { POSTGRES_URL } from './db';
import { childEnv, freePort, runTollgate, spawnTollgate, tempDir, waitFor200, type Running } from './process';

export interface RegisteredApp {
  id: string;
  name: string;
  origins: string[];
  redirectUris: string[];
}

export interface TollgateServer {
  /** The public URL, `http://localhost:<port>`: the issuer, and the origin the popups post from. */
  url: string;
  /** Registers an app with the real `tollgate apps create` command while the server runs. */
  createApp(input: { name: string; origins?: string[]; redirectUris?: string[] }): Promise<RegisteredApp>;
  /** Stops the server and removes its data (DATA_DIR, or its PostgreSQL schema). Safe to call twice. */
  stop(): Promise<void>;
}

/**
 * A real Tollgate server in a child process, as users run it (`tollgate start`): a temporary
 * DATA_DIR, `PUBLIC_URL=http://localhost:<port>`, the dev mailbox on. On PostgreSQL
 * (`DATABASE_URL` set) it gets a schema of its own, dropped by `stop()`.
 *
 * @example
 * const tollgate = await startTollgate();
 * const app = await tollgate.createApp({ name: 'App A', origins: ['http://127.0.0.1:5173'] });
 * afterAll(() => tollgate.stop());
 */
export async function startTollgate(): Promise<TollgateServer> {
  const port = await freePort();
  const url = `http://localhost:${port}`;
  const schema = POSTGRES_URL ? `t_browser_${randomBase32(8)}` : undefined;
  const dataDir = tempDir('tollgate-browser-');
  const env = childEnv({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    HOST: '127.0.0.1',
    PORT: String(port),
    PUBLIC_URL: url,
    DATA_DIR: dataDir,
    ...(POSTGRES_URL ? { DATABASE_URL: POSTGRES_URL, DATABASE_SCHEMA: schema } : {}),
  });
  let running: Running | undefined = spawnTollgate('bin/tollgate.js', ['start'], env);
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      const code = await running?.stop();
      running = undefined;
      if (schema) await dropSchema(schema);
      rmSync(dataDir, { recursive: true, force: true });
      if (code !== 0 && code !== null) throw new Error(`tollgate exited with ${code}`);
    })());

  try {
    await waitFor200(`${url}/readyz`, 30_000, running);
  } catch (error) {
    await stop().catch(() => {});
    throw error;
  }

  return {
    url,
    stop,
    async createApp({ name, origins = [], redirectUris = [] }) {
      const args = ['apps', 'create', '--name', name, '--json'];
      for (const origin of origins) args.push('--origin', origin);
      for (const uri of redirectUris) args.push('--redirect-uri', uri);
      const res = await runTollgate(args, env);
      if (res.code !== 0) throw new Error(`tollgate apps create failed (${res.code}): ${res.stderr}`);
      return JSON.parse(res.stdout) as RegisteredApp;
    },
  };
}

async function dropSchema(schema: string) {
  const handle = await openDatabase({ engine: 'postgres', url: POSTGRES_URL!, schema: 'public', poolMax: 1 });
  try {
    await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(handle.db);
  } finally {
    await handle.close();
  }
}
