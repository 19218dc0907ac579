import { sql, type Kysely } from 'kysely';
import type { Database, SessionRow } from '../db/schema';
import { hashSecret, newId } from '../lib/random';
import { randomBytes } from 'node:crypto';
import type { Actor } from './audit';

export const SESSION_COOKIE = '__Host-tg_session';
/** How stale `last_seen_at` may get before a request refreshes it: one write per minute, not per request. */
const TOUCH_EVERY_MS = 60_000;
const DAY_MS = 86_400_000;

export interface SessionView {
  id: string;
  current: boolean;
  createdAt: string;
  lastSeenAt: string;
  ip: string | null;
  userAgent: string | null;
}

export type Sessions = ReturnType<typeof createSessions>;

/**
 * Server-side sessions at the Tollgate origin. The cookie carries 256 random bits; the row keeps
 * only their hash. Idle expiry slides with use; absolute expiry never moves.
 */
export function createSessions({ db, idleDays, maxDays }: { db: Kysely<Database>; idleDays: number; maxDays: number }) {
  return {
    maxAgeSeconds: maxDays * 86_400,

    /** A new session (a new id at every sign-in: no fixation). */
    async create(userId: string, actor: Actor, authTime = new Date()): Promise<{ token: string; session: SessionRow }> {
      const token = randomBytes(32).toString('base64url');
      const now = Date.now();
      const session = await db
        .insertInto('sessions')
        .values({
          id: hashSecret(token),
          public_id: newId('ses'),
          user_id: userId,
          auth_time: authTime,
          idle_expires_at: new Date(Math.min(now + idleDays * DAY_MS, now + maxDays * DAY_MS)),
          expires_at: new Date(now + maxDays * DAY_MS),
          ip: actor.ip?.slice(0, 64) ?? null,
          user_agent: actor.userAgent?.slice(0, 512) ?? null,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return { token, session };
    },

    /**
     * The same user signing in again (prompt=login): the session gets a new cookie value (no
     * fixation) and a new auth_time, but keeps its public id, so apps holding refresh tokens
     * bound to it are not signed out.
     */
    async reauthenticate(session: SessionRow): Promise<{ token: string; session: SessionRow }> {
      const token = randomBytes(32).toString('base64url');
      const updated = await db
        .updateTable('sessions')
        .set({ id: hashSecret(token), auth_time: new Date(), last_seen_at: new Date() })
        .where('id', '=', session.id)
        .returningAll()
        .executeTakeFirstOrThrow();
      return { token, session: updated };
    },

    /** The live session a cookie value names, or undefined. */
    async fromToken(token: string | undefined): Promise<SessionRow | undefined> {
      if (!token || token.length > 100) return undefined;
      const now = new Date();
      const session = await db
        .selectFrom('sessions')
        .selectAll()
        .where('id', '=', hashSecret(token))
        .where('revoked_at', 'is', null)
        .where('expires_at', '>', now)
        .where('idle_expires_at', '>', now)
        .executeTakeFirst();
      if (session && now.getTime() - session.last_seen_at.getTime() > TOUCH_EVERY_MS) {
        const idle = new Date(Math.min(now.getTime() + idleDays * DAY_MS, session.expires_at.getTime()));
        await db.updateTable('sessions').set({ last_seen_at: now, idle_expires_at: idle }).where('id', '=', session.id).execute();
      }
      return session;
    },

    /** Slides a live session's idle expiry (an app refreshed for it); false when it has ended. */
    async touch(publicId: string): Promise<boolean> {
      const now = new Date();
      const row = await db
        .updateTable('sessions')
        .set({ last_seen_at: now, idle_expires_at: sql<Date>`least(now() + make_interval(days => ${idleDays}), expires_at)` })
        .where('public_id', '=', publicId)
        .where('revoked_at', 'is', null)
        .where('expires_at', '>', now)
        .where('idle_expires_at', '>', now)
        .returning('public_id')
        .executeTakeFirst();
      return row !== undefined;
    },

    /** Whether the session behind a token's `sid` is still live (userinfo asks). */
    async isLive(publicId: string): Promise<boolean> {
      const now = new Date();
      const row = await db
        .selectFrom('sessions')
        .select('public_id')
        .where('public_id', '=', publicId)
        .where('revoked_at', 'is', null)
        .where('expires_at', '>', now)
        .where('idle_expires_at', '>', now)
        .executeTakeFirst();
      return row !== undefined;
    },

    async list(userId: string, currentPublicId?: string): Promise<SessionView[]> {
      const now = new Date();
      const rows = await db
        .selectFrom('sessions')
        .selectAll()
        .where('user_id', '=', userId)
        .where('revoked_at', 'is', null)
        .where('expires_at', '>', now)
        .where('idle_expires_at', '>', now)
        .orderBy('last_seen_at', 'desc')
        .execute();
      return rows.map((r) => ({
        id: r.public_id,
        current: r.public_id === currentPublicId,
        createdAt: r.created_at.toISOString(),
        lastSeenAt: r.last_seen_at.toISOString(),
        ip: r.ip,
        userAgent: r.user_agent,
      }));
    },

    /** Revokes sessions of a user: one (by public id), or all but `except`; returns the revoked ids. */
    async revoke(userId: string, which: { publicId: string } | { allExcept?: string }): Promise<string[]> {
      let query = db.updateTable('sessions').set({ revoked_at: new Date() }).where('user_id', '=', userId).where('revoked_at', 'is', null);
      if ('publicId' in which) query = query.where('public_id', '=', which.publicId);
      else if (which.allExcept) query = query.where('public_id', '!=', which.allExcept);
      const rows = await query.returning('public_id').execute();
      return rows.map((r) => r.public_id);
    },
  };
}
