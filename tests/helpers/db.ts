import { sql } from 'kysely';
import { migrateToLatest, openDatabase, type DatabaseHandle } from '../../server/db/index';
import { randomBase32 } from '../../server/lib/random';

export const POSTGRES_URL = process.env.DATABASE_URL;

/** On PostgreSQL, `schema` is this test file's own. */
export type TestDatabase = DatabaseHandle;

/**
 * A migrated database of this test file's own: a fresh schema on PostgreSQL when
 * `DATABASE_URL` is set (dropped on close), otherwise an in-memory PGlite.
 */
export async function testDatabase(url = POSTGRES_URL): Promise<TestDatabase> {
  if (url) {
    const schema = `t_${randomBase32(10)}`;
    const handle = await openDatabase({ engine: 'postgres', url, schema, poolMax: 20 });
    await migrateToLatest(handle);
    return {
      ...handle,
      close: async () => {
        await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(handle.db);
        await handle.close();
      },
    };
  }
  const handle = await openDatabase({ engine: 'pglite' });
  await migrateToLatest(handle);
  return handle;
}
