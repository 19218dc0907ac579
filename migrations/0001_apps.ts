import { sql, type Kysely } from 'kysely';

// Raw SQL on purpose: the same statements run on PostgreSQL and on PGlite, and the schema test
// compares what both engines end up with.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table apps (
      id            text primary key check (id ~ '^app_[a-z0-9_]{4,60}$'),
      name          text not null check (length(name) between 1 and 100),
      origins       text[] not null default '{}',
      redirect_uris text[] not null default '{}',
      secret_hash   text not null unique,
      secret_hint   text not null,
      settings      jsonb not null default '{}'::jsonb check (jsonb_typeof(settings) = 'object'),
      created_at    timestamptz not null default now(),
      updated_at    timestamptz not null default now()
    )`.execute(db);
  // CORS, postMessage and WebSocket checks ask "which apps registered this origin?".
  await sql`create index apps_origins_idx on apps using gin (origins)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table apps`.execute(db);
}
