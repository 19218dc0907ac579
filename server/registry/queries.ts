import { sql, type Kysely } from 'kysely';
import type { AppRow, Database, NewAppRow } from '../db/schema';

export function insertApp(db: Kysely<Database>, row: NewAppRow): Promise<AppRow> {
  return db.insertInto('apps').values(row).returningAll().executeTakeFirstOrThrow();
}

export function findApp(db: Kysely<Database>, id: string): Promise<AppRow | undefined> {
  return db.selectFrom('apps').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findAppBySecretHash(db: Kysely<Database>, secretHash: string): Promise<AppRow | undefined> {
  return db.selectFrom('apps').selectAll().where('secret_hash', '=', secretHash).executeTakeFirst();
}

export function listApps(db: Kysely<Database>): Promise<AppRow[]> {
  return db.selectFrom('apps').selectAll().orderBy('created_at').orderBy('id').execute();
}

/** Every registered origin with the apps that registered it. */
export async function listOrigins(db: Kysely<Database>): Promise<{ origin: string; app_id: string }[]> {
  const result = await sql<{ origin: string; app_id: string }>`
    select unnest(origins) as origin, id as app_id from apps`.execute(db);
  return result.rows;
}

export function updateApp(
  db: Kysely<Database>,
  id: string,
  changes: Partial<Pick<AppRow, 'name' | 'origins' | 'redirect_uris' | 'secret_hash' | 'secret_hint'>> & { settings?: string },
): Promise<AppRow | undefined> {
  return db
    .updateTable('apps')
    .set({ ...changes, updated_at: new Date() })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
}

/**
 * Adds or removes one array element in a single statement, so two concurrent edits of the
 * same app never overwrite each other.
 */
export function addToList(db: Kysely<Database>, id: string, column: 'origins' | 'redirect_uris', value: string) {
  return db
    .updateTable('apps')
    .set({
      [column]: sql`case when ${sql.ref(column)} @> array[${value}]::text[] then ${sql.ref(column)} else array_append(${sql.ref(column)}, ${value}::text) end`,
      updated_at: new Date(),
    })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
}

export function removeFromList(db: Kysely<Database>, id: string, column: 'origins' | 'redirect_uris', value: string) {
  return db
    .updateTable('apps')
    .set({ [column]: sql`array_remove(${sql.ref(column)}, ${value}::text)`, updated_at: new Date() })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
}
