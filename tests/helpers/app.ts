import { pino } from 'pino';
import { createApp, type AppDeps } from '../../server/app';
import type { Assets } from '../../server/static/assets';
import { testDatabase, type TestDatabase } from './db';

export interface TestApp {
  app: ReturnType<typeof createApp>;
  database: TestDatabase;
  close(): Promise<void>;
}

/** The real app, in-process, on this file's own database. */
export async function testApp(overrides: Partial<Omit<AppDeps, 'database' | 'logger'>> & { assets?: Assets } = {}): Promise<TestApp> {
  const database = await testDatabase();
  const app = createApp({
    config: { publicUrl: 'http://localhost:8787', bodyLimit: 64 * 1024, ...overrides.config },
    database,
    logger: pino({ level: 'silent' }),
    ...overrides,
  });
  return { app, database, close: () => database.close() };
}

/** JSON body of a response, typed loosely for assertions. */
export async function json(res: Response): Promise<any> {
  return res.json();
}
