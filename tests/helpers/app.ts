import { randomBytes } from 'node:crypto';
import { pino } from 'pino';
import { createApp, type AppDeps } from '../../server/app';
import { loadConfig } from '../../server/config';
import type { Assets } from '../../server/static/assets';
import { testDatabase, type TestDatabase } from './db';

export interface TestApp {
  app: ReturnType<typeof createApp>;
  database: TestDatabase;
  close(): Promise<void>;
}

/** The real app, in-process, on this file's own database. */
export async function testApp(
  overrides: Partial<Omit<AppDeps, 'database' | 'logger' | 'config'>> & { assets?: Assets; env?: Record<string, string> } = {},
): Promise<TestApp> {
  const database = await testDatabase();
  const { env, ...rest } = overrides;
  const app = createApp({
    config: loadConfig({ NODE_ENV: 'test', PUBLIC_URL: 'http://localhost:8787', ...env }),
    database,
    logger: pino({ level: 'silent' }),
    masterKey: randomBytes(32).toString('base64url'),
    ...rest,
  });
  return { app, database, close: () => database.close() };
}

/** JSON body of a response, typed loosely for assertions. */
export async function json(res: Response): Promise<any> {
  return res.json();
}
