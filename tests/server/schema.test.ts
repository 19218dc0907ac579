import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../server/db/index';
import { testDatabase, type TestDatabase } from '../helpers/db';

/**
 * The same migrations must leave the same schema on both engines. This needs a PostgreSQL
 * server: DATABASE_URL, or the local one every development and CI machine runs.
 */
const url = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';

async function reachable(): Promise<boolean> {
  try {
    const probe = await openDatabase({ engine: 'postgres', url, schema: 'public', poolMax: 1 });
    await probe.close();
    return true;
  } catch {
    return false;
  }
}

// On CI a missing PostgreSQL is a failure, not a reason to skip.
const available = process.env.CI ? true : await reachable();

/** Everything a migration can create, with the schema name taken out. */
async function describeSchema(db: Kysely<any>, schema: string) {
  const q = async (query: ReturnType<typeof sql>) => (await query.execute(db)).rows;
  const columns = await q(sql`
    select table_name, column_name, ordinal_position, data_type, udt_name, is_nullable, column_default
    from information_schema.columns where table_schema = ${schema} order by table_name, ordinal_position`);
  // PostgreSQL 18 (PGlite) also lists NOT NULL as constraints ('n'); 15 does not. Nullability
  // is compared through information_schema.columns instead.
  const constraints = await q(sql`
    select t.relname as table_name, c.conname, c.contype, pg_get_constraintdef(c.oid) as definition
    from pg_constraint c join pg_class t on t.oid = c.conrelid join pg_namespace n on n.oid = t.relnamespace
    where n.nspname = ${schema} and c.contype <> 'n' order by t.relname, c.conname`);
  const indexes = await q(sql`
    select tablename, indexname, indexdef from pg_indexes where schemaname = ${schema} order by tablename, indexname`);
  const triggers = await q(sql`
    select c.relname as table_name, t.tgname, pg_get_triggerdef(t.oid) as definition
    from pg_trigger t join pg_class c on c.oid = t.tgrelid join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = ${schema} and not t.tgisinternal order by c.relname, t.tgname`);
  const functions = await q(sql`
    select p.proname, pg_get_function_identity_arguments(p.oid) as args, p.prosrc
    from pg_proc p join pg_namespace n on n.oid = p.pronamespace where n.nspname = ${schema} order by p.proname`);
  const text = JSON.stringify({ columns, constraints, indexes, triggers, functions });
  return JSON.parse(text.replaceAll(`${schema}.`, 'SCHEMA.').replaceAll(`"${schema}"`, '"SCHEMA"'));
}

describe.skipIf(!available)('migrated schema', () => {
  let lite: TestDatabase;
  let postgres: TestDatabase;
  beforeAll(async () => {
    [lite, postgres] = await Promise.all([testDatabase(''), testDatabase(url)]);
  });
  afterAll(async () => {
    await Promise.all([lite?.close(), postgres?.close()]);
  });

  it('is the same on PGlite and PostgreSQL', async () => {
    const [a, b] = await Promise.all([describeSchema(lite.db, lite.schema), describeSchema(postgres.db, postgres.schema)]);
    expect(a.columns.length).toBeGreaterThan(0);
    expect(a.columns.map((c: { table_name: string }) => c.table_name)).toContain('apps');
    expect(b).toEqual(a);
  });
});
