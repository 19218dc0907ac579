import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table users (
      id                text primary key check (id ~ '^usr_[a-z2-7]{16}$'),
      email             text not null check (length(email) between 3 and 254),
      email_verified_at timestamptz,
      password_hash     text,
      name              text not null default '' check (length(name) <= 100),
      role              text not null default 'user' check (role in ('user', 'admin')),
      created_at        timestamptz not null default now(),
      updated_at        timestamptz not null default now()
    )`.execute(db);
  await sql`create unique index users_email_key on users (email)`.execute(db);

  // The cookie holds a random value; the row keeps only its hash. public_id is what the user
  // sees in "your sessions" and what tokens carry as `sid`.
  await sql`
    create table sessions (
      id              text primary key,
      public_id       text not null unique check (public_id ~ '^ses_[a-z2-7]{16}$'),
      user_id         text not null references users (id) on delete cascade,
      auth_time       timestamptz not null,
      created_at      timestamptz not null default now(),
      last_seen_at    timestamptz not null default now(),
      idle_expires_at timestamptz not null,
      expires_at      timestamptz not null,
      ip              text,
      user_agent      text,
      revoked_at      timestamptz
    )`.execute(db);
  await sql`create index sessions_user_idx on sessions (user_id)`.execute(db);

  await sql`
    create table email_tokens (
      token_hash text primary key,
      user_id    text not null references users (id) on delete cascade,
      purpose    text not null check (purpose in ('verify_email', 'reset_password')),
      expires_at timestamptz not null,
      used_at    timestamptz,
      created_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index email_tokens_user_idx on email_tokens (user_id, purpose)`.execute(db);

  // Development mailbox: where mail goes when no SMTP_URL is set (never in production).
  await sql`
    create table dev_mail (
      id         bigint generated always as identity primary key,
      to_address text not null,
      subject    text not null,
      body_text  text not null,
      created_at timestamptz not null default now()
    )`.execute(db);

  await sql`
    create table signing_keys (
      kid             text primary key,
      alg             text not null check (alg = 'ES256'),
      public_jwk      jsonb not null,
      private_jwk_enc text not null,
      status          text not null check (status in ('active', 'retiring', 'retired')),
      created_at      timestamptz not null default now(),
      rotated_at      timestamptz,
      retired_at      timestamptz
    )`.execute(db);
  // At most one key signs at a time.
  await sql`create unique index signing_keys_one_active on signing_keys (status) where status = 'active'`.execute(db);

  // Apps a user signed in to (and so consented to); drives one-click sign-in and /account.
  await sql`
    create table consents (
      user_id    text not null references users (id) on delete cascade,
      app_id     text not null references apps (id) on delete cascade,
      scope      text not null,
      created_at timestamptz not null default now(),
      last_used_at timestamptz not null default now(),
      primary key (user_id, app_id)
    )`.execute(db);

  await sql`
    create table auth_codes (
      code_hash      text primary key,
      app_id         text not null references apps (id) on delete cascade,
      user_id        text not null references users (id) on delete cascade,
      session_id     text not null,
      redirect_uri   text not null,
      code_challenge text not null,
      scope          text not null,
      nonce          text,
      auth_time      timestamptz not null,
      expires_at     timestamptz not null,
      used_at        timestamptz,
      created_at     timestamptz not null default now()
    )`.execute(db);

  // Refresh tokens rotate on every use; a family is every token descended from one code.
  await sql`
    create table refresh_tokens (
      token_hash  text primary key,
      family_id   text not null,
      app_id      text not null references apps (id) on delete cascade,
      user_id     text not null references users (id) on delete cascade,
      session_id  text not null,
      code_hash   text,
      scope       text not null,
      auth_time   timestamptz not null,
      created_at  timestamptz not null default now(),
      expires_at  timestamptz not null,
      rotated_at  timestamptz,
      revoked_at  timestamptz
    )`.execute(db);
  await sql`create index refresh_tokens_family_idx on refresh_tokens (family_id)`.execute(db);
  await sql`create index refresh_tokens_session_idx on refresh_tokens (session_id)`.execute(db);
  await sql`create index refresh_tokens_code_idx on refresh_tokens (code_hash)`.execute(db);

  await sql`
    create table audit_log (
      id         bigint generated always as identity primary key,
      at         timestamptz not null default now(),
      event      text not null,
      user_id    text,
      app_id     text,
      ip         text,
      user_agent text,
      details    jsonb not null default '{}'::jsonb
    )`.execute(db);
  await sql`create index audit_log_user_idx on audit_log (user_id, id)`.execute(db);

  // rate-limiter-flexible's PostgreSQL store (its own layout), so limits hold across instances.
  await sql`
    create table rate_limits (
      key    varchar(255) primary key,
      points integer not null default 0,
      expire bigint
    )`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['rate_limits', 'audit_log', 'refresh_tokens', 'auth_codes', 'consents', 'signing_keys', 'dev_mail', 'email_tokens', 'sessions', 'users']) {
    await sql`drop table ${sql.id(table)}`.execute(db);
  }
}
