import { PGlite } from '@electric-sql/pglite';
import { Kysely, Migrator, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { migrationProvider } from '../../migrations/index';
import { PGliteDialect } from './pglite-dialect';
import type { Database } from './schema';

export type DatabaseOptions =
  | { engine: 'postgres'; url: string; schema: string; poolMax: number }
  /** `dataDir` undefined keeps the database in memory (tests). */
  | { engine: 'pglite'; dataDir?: string };

export interface DatabaseHandle {
  db: Kysely<Database>;
  engine: DatabaseOptions['engine'];
  /** The PostgreSQL schema everything lives in (`search_path`); `public` on PGlite. */
  schema: string;
  /** The pg pool, for libraries that speak `pg` directly (rate limits). PostgreSQL only. */
  pool?: pg.Pool;
  /** Resolves when the database answers a trivial query. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Thrown when the database cannot be reached or migrated; its message is one printable line. */
export class DatabaseError extends Error {
  override name = 'DatabaseError';
}

// int8 (20) as a JS number on pg, as PGlite does, so both engines return the same rows.
// Amounts are validated to stay below 2^53 where they enter.
const INT8 = 20;
const pgTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8) return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format);
  },
};

/**
 * Opens the database the configuration names: PostgreSQL through `pg` when a URL is given,
 * embedded PGlite otherwise.
 *
 * @example
 * const handle = await openDatabase({ engine: 'pglite' }); // in memory
 * await migrateToLatest(handle);
 */
export async function openDatabase(options: DatabaseOptions): Promise<DatabaseHandle> {
  if (options.engine === 'postgres') {
    const pool = new pg.Pool({
      connectionString: options.url,
      max: options.poolMax,
      connectionTimeoutMillis: 5_000,
      options: `-c search_path=${options.schema}`,
      types: pgTypes,
    });
    // An idle client that errors (server restart) must not crash the process.
    pool.on('error', () => {});
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    const handle: DatabaseHandle = {
      db,
      engine: 'postgres',
      schema: options.schema,
      pool,
      ping: async () => void (await sql`select 1`.execute(db)),
      close: () => db.destroy(),
    };
    try {
      await handle.ping();
    } catch (error) {
      await db.destroy().catch(() => {});
      throw new DatabaseError(`cannot reach the database at ${redactUrl(options.url)}: ${describe(error)}`);
    }
    if (options.schema !== 'public') await sql`create schema if not exists ${sql.id(options.schema)}`.execute(db);
    return handle;
  }
  let pglite: PGlite;
  try {
    pglite = await PGlite.create(options.dataDir ? { dataDir: options.dataDir } : {});
  } catch (error) {
    throw new DatabaseError(`cannot open the embedded database at ${options.dataDir ?? 'memory'}: ${describe(error)}`);
  }
  const db = new Kysely<Database>({ dialect: new PGliteDialect(pglite) });
  return {
    db,
    engine: 'pglite',
    schema: 'public',
    ping: async () => void (await sql`select 1`.execute(db)),
    close: () => db.destroy(),
  };
}

/** Runs every pending migration (Kysely holds an advisory lock, so instances may race safely). */
export async function migrateToLatest(handle: DatabaseHandle): Promise<string[]> {
  // The schema must be named: otherwise Kysely finds its tables in any schema of the database
  // (another deployment's, another test file's) and skips creating its own.
  const migrator = new Migrator({ db: handle.db, provider: migrationProvider, migrationTableSchema: handle.schema });
  const { error, results = [] } = await migrator.migrateToLatest();
  const failed = results.find((r) => r.status === 'Error');
  if (error || failed) {
    throw new DatabaseError(`migration ${failed?.migrationName ?? ''} failed: ${describe(error)}`.replace('  ', ' '));
  }
  return results.filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable URL)';
  }
}

function describe(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length) return describe(error.errors[0]);
  if (error instanceof Error) return (error as NodeJS.ErrnoException).code ? `${(error as NodeJS.ErrnoException).code} ${error.message}`.trim() : error.message;
  return String(error);
}
