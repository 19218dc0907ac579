import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';

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

export interface UsersTable {
  id: string;
  email: string;
  email_verified_at: Date | null;
  password_hash: string | null;
  name: string;
  role: 'user' | 'admin';
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface SessionsTable {
  id: string;
  public_id: string;
  user_id: string;
  auth_time: Date;
  created_at: CreatedAt;
  last_seen_at: ColumnType<Date, never, Date>;
  idle_expires_at: Date;
  expires_at: Date;
  ip: string | null;
  user_agent: string | null;
  revoked_at: Date | null;
}

export interface EmailTokensTable {
  token_hash: string;
  user_id: string;
  purpose: 'verify_email' | 'reset_password';
  expires_at: Date;
  used_at: Date | null;
  created_at: CreatedAt;
}

export interface DevMailTable {
  id: Generated<number>;
  to_address: string;
  subject: string;
  body_text: string;
  created_at: CreatedAt;
}

export interface SigningKeysTable {
  kid: string;
  alg: 'ES256';
  public_jwk: ColumnType<Record<string, unknown>, string, string>;
  private_jwk_enc: string;
  status: 'active' | 'retiring' | 'retired';
  created_at: CreatedAt;
  rotated_at: Date | null;
  retired_at: Date | null;
}

export interface ConsentsTable {
  user_id: string;
  app_id: string;
  scope: string;
  created_at: CreatedAt;
  last_used_at: ColumnType<Date, never, Date>;
}

export interface AuthCodesTable {
  code_hash: string;
  app_id: string;
  user_id: string;
  session_id: string;
  redirect_uri: string;
  code_challenge: string;
  scope: string;
  nonce: string | null;
  auth_time: Date;
  expires_at: Date;
  used_at: Date | null;
  created_at: CreatedAt;
}

export interface RefreshTokensTable {
  token_hash: string;
  family_id: string;
  app_id: string;
  user_id: string;
  session_id: string;
  code_hash: string | null;
  scope: string;
  auth_time: Date;
  created_at: CreatedAt;
  expires_at: Date;
  rotated_at: Date | null;
  revoked_at: Date | null;
}

export interface AuditLogTable {
  id: Generated<number>;
  at: CreatedAt;
  event: string;
  user_id: string | null;
  app_id: string | null;
  ip: string | null;
  user_agent: string | null;
  details: ColumnType<Record<string, unknown>, string | undefined, never>;
}

export interface Database {
  apps: AppsTable;
  users: UsersTable;
  sessions: SessionsTable;
  email_tokens: EmailTokensTable;
  dev_mail: DevMailTable;
  signing_keys: SigningKeysTable;
  consents: ConsentsTable;
  auth_codes: AuthCodesTable;
  refresh_tokens: RefreshTokensTable;
  audit_log: AuditLogTable;
}

export type UserRow = Selectable<UsersTable>;
export type SessionRow = Selectable<SessionsTable>;

export type AppRow = Selectable<AppsTable>;
export type NewAppRow = Insertable<AppsTable>;
