import type { Kysely } from 'kysely';
import type { Database, UserRow } from '../db/schema';
import { newId } from '../lib/random';
import { createTtlCache } from '../lib/ttl-cache';
import { identityErrors } from './errors';

/** A user as clients see them. */
export interface UserView {
  id: string;
  email: string;
  emailVerified: boolean;
  name: string;
  role: 'user' | 'admin';
  createdAt: string;
}

const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,255}\.[^\s@]{1,63}$/;

/** Trimmed, NFC, lower-cased: one account per mailbox whatever the caller typed. */
export function normaliseEmail(input: string): string {
  const email = input.trim().normalize('NFC').toLowerCase();
  if (email.length > 254 || !EMAIL.test(email) || /\p{Cc}/u.test(email)) throw identityErrors.INVALID_EMAIL();
  return email;
}

export function toUserView(row: UserRow): UserView {
  return {
    id: row.id,
    email: row.email,
    emailVerified: row.email_verified_at !== null,
    name: row.name,
    role: row.role,
    createdAt: row.created_at.toISOString(),
  };
}

export function findUserByEmail(db: Kysely<Database>, email: string) {
  return db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst();
}

export function findUser(db: Kysely<Database>, id: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function insertUser(
  db: Kysely<Database>,
  user: { email: string; passwordHash: string | null; name: string; role?: 'user' | 'admin'; verified?: boolean },
): Promise<UserRow> {
  try {
    return await db
      .insertInto('users')
      .values({
        id: newId('usr'),
        email: user.email,
        password_hash: user.passwordHash,
        name: user.name,
        role: user.role ?? 'user',
        email_verified_at: user.verified ? new Date() : null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  } catch (error) {
    // Two sign-ups with one email at once: the unique index decides, the loser gets a clear 409.
    if ((error as { code?: string }).code === '23505') throw identityErrors.EMAIL_TAKEN();
    throw error;
  }
}

export function updateUser(db: Kysely<Database>, id: string, changes: Partial<Pick<UserRow, 'name' | 'password_hash' | 'email_verified_at' | 'role'>>) {
  return db.updateTable('users').set({ ...changes, updated_at: new Date() }).where('id', '=', id).returningAll().executeTakeFirst();
}

/**
 * A short-lived cache of user views for hot bearer-token routes: profile changes show within
 * `ttlMs`; tokens themselves are verified on every request.
 */
export function createUserCache(db: Kysely<Database>) {
  return createTtlCache(async (id: string): Promise<UserView | undefined> => {
    const row = await findUser(db, id);
    return row && toUserView(row);
  });
}
