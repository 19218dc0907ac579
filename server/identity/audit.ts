import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';

export type AuditEvent =
  | 'sign_up'
  | 'sign_in'
  | 'sign_in_failed'
  | 'sign_out'
  | 'sign_out_everywhere'
  | 'session_revoked'
  | 'password_changed'
  | 'password_reset'
  | 'email_verified'
  | 'code_replayed'
  | 'family_revoked'
  | 'consent_revoked'
  | 'key_rotated'
  | 'key_retired'
  | 'role_changed'
  | 'user_created';

/** Who did it and from where; filled from the request at the edge. */
export interface Actor {
  ip?: string | null;
  userAgent?: string | null;
}

export interface AuditEntry {
  event: AuditEvent;
  userId?: string | null;
  appId?: string | null;
  actor?: Actor;
  details?: Record<string, unknown>;
}

export function writeAudit(db: Kysely<Database>, entry: AuditEntry): Promise<unknown> {
  return db
    .insertInto('audit_log')
    .values({
      event: entry.event,
      user_id: entry.userId ?? null,
      app_id: entry.appId ?? null,
      ip: entry.actor?.ip?.slice(0, 64) ?? null,
      user_agent: entry.actor?.userAgent?.slice(0, 512) ?? null,
      details: JSON.stringify(entry.details ?? {}),
    })
    .execute();
}

/** The newest entries, oldest first (for `tollgate audit tail`). */
export async function tailAudit(db: Kysely<Database>, { limit = 50, afterId }: { limit?: number; afterId?: number } = {}) {
  let query = db.selectFrom('audit_log').selectAll();
  if (afterId !== undefined) query = query.where('id', '>', afterId).orderBy('id', 'asc').limit(limit);
  else query = query.orderBy('id', 'desc').limit(limit);
  const rows = await query.execute();
  return afterId === undefined ? rows.reverse() : rows;
}
