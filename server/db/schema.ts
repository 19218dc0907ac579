import type { ColumnType, Insertable, Selectable } from 'kysely';

/** Column types as both engines return them (int8 is parsed to a JS number on both). */
/** Set by the database on insert. */
type CreatedAt = ColumnType<Date, never, never>;
type UpdatedAt = ColumnType<Date, never, Date>;

export interface AppsTable {
  id: string;
  name: string;
  origins: string[];
  redirect_uris: string[];
  secret_hash: string;
  secret_hint: string;
  settings: ColumnType<Record<string, unknown>, string | undefined, string>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface Database {
  apps: AppsTable;
}

export type AppRow = Selectable<AppsTable>;
export type NewAppRow = Insertable<AppsTable>;
