import { createHmac, randomBytes } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import { hashSecret, newId } from '../../lib/random';

/** DESIGN: the same rotated token presented again within this window gets the same successor. */
export const REFRESH_GRACE_MS = 10_000;
const DAY_MS = 86_400_000;

export interface RefreshContext {
  appId: string;
  userId: string;
  sessionId: string;
  scope: string;
  authTime: Date;
}

export type RotateResult =
  | { ok: true; token: string; context: RefreshContext }
  | { ok: false; reason: 'unknown' | 'expired' | 'revoked' | 'wrong_client' | 'reused' | 'stale'; familyId?: string; userId?: string };

/**
 * Opaque refresh tokens, hashed at rest, rotated on every use. The successor of a token is
 * derived from it with a keyed MAC, so a retry of the same rotation (two tabs, a lost
 * response) can be answered with the very token already issued; nothing secret is stored.
 */
export function createRefreshTokens({ db, macKey, ttlDays }: { db: Kysely<Database>; macKey: Buffer; ttlDays: number }) {
  const successorOf = (token: string) => `rt_${createHmac('sha256', macKey).update(token).digest('base64url')}`;
  const expiry = () => new Date(Date.now() + ttlDays * DAY_MS);

  return {
    /** Starts a family (after an authorization code). */
    async issue(context: RefreshContext, codeHash: string | null, trx: Kysely<Database> = db): Promise<string> {
      const token = `rt_${randomBytes(32).toString('base64url')}`;
      await trx
        .insertInto('refresh_tokens')
        .values({
          token_hash: hashSecret(token),
          family_id: newId('fam'),
          app_id: context.appId,
          user_id: context.userId,
          session_id: context.sessionId,
          code_hash: codeHash,
          scope: context.scope,
          auth_time: context.authTime,
          expires_at: expiry(),
        })
        .execute();
      return token;
    },

    /**
     * Rotates `token` for `appId`. One conditional UPDATE decides the winner of concurrent
     * rotations; a loser within the grace window gets the winner's successor; any other reuse
     * revokes the whole family (RFC 9700 §4.14.2).
     */
    async rotate(token: string, appId: string): Promise<RotateResult> {
      if (!/^rt_[A-Za-z0-9_-]{43}$/.test(token)) return { ok: false, reason: 'unknown' };
      const hash = hashSecret(token);
      const successor = successorOf(token);
      return db.transaction().execute(async (trx) => {
        const row = await trx.selectFrom('refresh_tokens').selectAll().where('token_hash', '=', hash).executeTakeFirst();
        if (!row) return { ok: false, reason: 'unknown' } as const;
        if (row.app_id !== appId) return { ok: false, reason: 'wrong_client' } as const;
        if (row.revoked_at) return { ok: false, reason: 'revoked', familyId: row.family_id, userId: row.user_id } as const;
        if (row.expires_at.getTime() <= Date.now()) return { ok: false, reason: 'expired' } as const;
        const context: RefreshContext = { appId: row.app_id, userId: row.user_id, sessionId: row.session_id, scope: row.scope, authTime: row.auth_time };

        const won = await trx
          .updateTable('refresh_tokens')
          .set({ rotated_at: new Date() })
          .where('token_hash', '=', hash)
          .where('rotated_at', 'is', null)
          .where('revoked_at', 'is', null)
          .executeTakeFirst();
        if (Number(won.numUpdatedRows) === 1) {
          await trx
            .insertInto('refresh_tokens')
            .values({
              token_hash: hashSecret(successor),
              family_id: row.family_id,
              app_id: row.app_id,
              user_id: row.user_id,
              session_id: row.session_id,
              code_hash: row.code_hash,
              scope: row.scope,
              auth_time: row.auth_time,
              expires_at: expiry(),
            })
            .execute();
          return { ok: true, token: successor, context } as const;
        }
        // Already rotated: a retry inside the grace window gets the same successor, if that
        // successor is still the family's live token.
        const again = await trx.selectFrom('refresh_tokens').selectAll().where('token_hash', '=', hash).executeTakeFirstOrThrow();
        const next = await trx.selectFrom('refresh_tokens').selectAll().where('token_hash', '=', hashSecret(successor)).executeTakeFirst();
        const withinGrace = again.rotated_at !== null && Date.now() - again.rotated_at.getTime() <= REFRESH_GRACE_MS;
        if (withinGrace && next && !next.rotated_at && !next.revoked_at) return { ok: true, token: successor, context } as const;
        // A late tab inside the window whose successor has itself moved on: refuse it, but do not
        // sign every tab out for what is a race, not a theft.
        if (withinGrace) return { ok: false, reason: 'stale' } as const;
        await revokeFamily(trx, row.family_id);
        return { ok: false, reason: 'reused', familyId: row.family_id, userId: row.user_id } as const;
      });
    },

    revokeFamily: (familyId: string) => revokeFamily(db, familyId),

    /** The family a token belongs to, for RFC 7009 revocation by the client that holds it. */
    async familyOf(token: string, appId: string): Promise<string | undefined> {
      const row = await db.selectFrom('refresh_tokens').select(['family_id', 'app_id']).where('token_hash', '=', hashSecret(token)).executeTakeFirst();
      return row && row.app_id === appId ? row.family_id : undefined;
    },

    /** Everything issued from one authorization code (a replayed code revokes it). */
    async revokeByCode(codeHash: string, trx: Kysely<Database> = db): Promise<number> {
      const rows = await trx.updateTable('refresh_tokens').set({ revoked_at: new Date() }).where('code_hash', '=', codeHash).where('revoked_at', 'is', null).executeTakeFirst();
      return Number(rows.numUpdatedRows);
    },

    async revokeSessions(sessionIds: string[]): Promise<void> {
      if (!sessionIds.length) return;
      await db.updateTable('refresh_tokens').set({ revoked_at: new Date() }).where('session_id', 'in', sessionIds).where('revoked_at', 'is', null).execute();
    },

    async revokeUserApp(userId: string, appId: string): Promise<void> {
      await db.updateTable('refresh_tokens').set({ revoked_at: new Date() }).where('user_id', '=', userId).where('app_id', '=', appId).where('revoked_at', 'is', null).execute();
    },
  };
}

async function revokeFamily(db: Kysely<Database>, familyId: string) {
  await db.updateTable('refresh_tokens').set({ revoked_at: sql`coalesce(revoked_at, now())` }).where('family_id', '=', familyId).execute();
}

export type RefreshTokens = ReturnType<typeof createRefreshTokens>;
