import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { Database, SessionRow, UserRow } from '../../db/schema';
import { hashSecret } from '../../lib/random';
import type { Registry } from '../../registry/service';
import { writeAudit, type Actor } from '../audit';
import type { Sessions } from '../sessions';
import type { TokenIssuer } from '../tokens';
import { findUser } from '../users';
import { normaliseOrigin, normaliseRedirectUri } from '../../registry/origin';
import type { AuthorizeRequest } from './authorize-request';
import type { RefreshTokens } from './refresh-tokens';

const CODE_TTL_MS = 60_000;
/** How long a consent page may stay open before its answer is refused. */
const TRANSACTION_TTL_MS = 3_600_000;

/** An error of the token, revocation and userinfo endpoints, in RFC 6749 §5.2 terms. */
export class OAuthError extends Error {
  override name = 'OAuthError';
  constructor(
    readonly error: 'invalid_request' | 'invalid_client' | 'invalid_grant' | 'unsupported_grant_type' | 'invalid_token' | 'invalid_scope',
    readonly description: string,
    readonly status: 400 | 401 = 400,
  ) {
    super(description);
  }
}

export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  refresh_token: string;
  scope: string;
  id_token?: string;
}

export interface OAuthOptions {
  db: Kysely<Database>;
  registry: Registry;
  sessions: Sessions;
  tokens: TokenIssuer;
  refresh: RefreshTokens;
  transactionKey: Buffer;
}

export type OAuth = ReturnType<typeof createOAuth>;

export function createOAuth({ db, registry, sessions, tokens, refresh, transactionKey }: OAuthOptions) {
  async function respond(user: UserRow, context: { appId: string; sessionId: string; scope: string; authTime: Date; nonce?: string | null }, refreshToken: string): Promise<TokenResponse> {
    const grant = { ...context, user };
    const scopes = context.scope.split(' ');
    return {
      access_token: await tokens.accessToken(grant),
      token_type: 'Bearer',
      expires_in: tokens.accessTtlSeconds,
      refresh_token: refreshToken,
      scope: context.scope,
      ...(scopes.includes('openid') ? { id_token: await tokens.idToken(grant) } : {}),
    };
  }

  /**
   * Records that the user signed in to the app (consented, or first-party): scopes add up, so a
   * narrower request later does not take back what was granted before.
   */
  async function grantConsent(userId: string, appId: string, scope: string): Promise<void> {
    // The union is taken inside the upsert, so two grants at once cannot drop each other's scopes.
    await db
      .insertInto('consents')
      .values({ user_id: userId, app_id: appId, scope })
      .onConflict((oc) =>
        oc.columns(['user_id', 'app_id']).doUpdateSet({
          scope: sql<string>`(select string_agg(distinct s, ' ' order by s) from unnest(string_to_array(consents.scope || ' ' || excluded.scope, ' ')) as s where s <> '')`,
          last_used_at: new Date(),
        }),
      )
      .execute();
  }

  async function knownApp(clientId: string) {
    if (!/^app_[a-z0-9_]{4,60}$/.test(clientId)) return undefined;
    return registry.getApp(clientId).catch(() => undefined);
  }

  return {
    /** Whether the user must click "Continue" first (never for first-party apps or a prior grant). */
    async needsConsent(userId: string, request: AuthorizeRequest): Promise<boolean> {
      if (request.prompt === 'consent') return true;
      if (request.app.settings.firstParty === true) return false;
      const row = await db.selectFrom('consents').select('scope').where('user_id', '=', userId).where('app_id', '=', request.app.id).executeTakeFirst();
      if (!row) return true;
      const granted = new Set(row.scope.split(' '));
      return request.scope.split(' ').some((s) => !granted.has(s));
    },

    /** The consent form's reference to the request: the query and the time, MACed and bound to the session. */
    sealTransaction(query: string, sessionId: string): string {
      const at = String(Date.now());
      const mac = createHmac('sha256', transactionKey).update(`${sessionId}\n${at}\n${query}`).digest('base64url');
      return `${at}.${Buffer.from(query).toString('base64url')}.${mac}`;
    },
    openTransaction(transaction: string, sessionId: string): URLSearchParams | undefined {
      const [at, body, mac] = transaction.split('.');
      if (!at || !body || !mac || transaction.length > 8192 || !/^\d{1,16}$/.test(at)) return undefined;
      if (Date.now() - Number(at) > TRANSACTION_TTL_MS) return undefined;
      const query = Buffer.from(body, 'base64url').toString('utf8');
      const expected = createHmac('sha256', transactionKey).update(`${sessionId}\n${at}\n${query}`).digest();
      const given = Buffer.from(mac, 'base64url');
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
      return new URLSearchParams(query);
    },

    async issueCode(request: AuthorizeRequest, session: SessionRow): Promise<string> {
      const code = `ac_${randomBytes(32).toString('base64url')}`;
      await db
        .insertInto('auth_codes')
        .values({
          code_hash: hashSecret(code),
          app_id: request.app.id,
          user_id: session.user_id,
          session_id: session.public_id,
          redirect_uri: request.redirectUri,
          code_challenge: request.codeChallenge,
          scope: request.scope,
          nonce: request.nonce ?? null,
          auth_time: session.auth_time,
          expires_at: new Date(Date.now() + CODE_TTL_MS),
        })
        .execute();
      await grantConsent(session.user_id, request.app.id, request.scope);
      return code;
    },

    /** RFC 6749 §4.1.3 + RFC 7636 §4.6. A code works once; a replay revokes what it issued. */
    async exchangeCode(input: { code: string; redirectUri: string; clientId: string; codeVerifier: string }, actor: Actor): Promise<TokenResponse> {
      if (!(await knownApp(input.clientId))) throw new OAuthError('invalid_client', 'Unknown client_id.', 401);
      const codeHash = hashSecret(input.code);
      // One transaction holding the code's row lock: a concurrent exchange of the same code waits
      // for this one to commit, then sees it used and revokes what it issued. A request that
      // fails validation leaves the code unused, so a bad guess cannot burn a real client's code.
      const outcome = await db.transaction().execute(async (trx) => {
        const row = await trx.selectFrom('auth_codes').selectAll().where('code_hash', '=', codeHash).forUpdate().executeTakeFirst();
        if (!row) return { error: new OAuthError('invalid_grant', 'The authorization code is invalid, expired or already used.') };
        if (row.used_at) {
          const revoked = await refresh.revokeByCode(codeHash, trx);
          return { error: new OAuthError('invalid_grant', 'The authorization code is invalid, expired or already used.'), replay: { row, revoked } };
        }
        if (row.expires_at.getTime() <= Date.now()) return { error: new OAuthError('invalid_grant', 'The authorization code has expired.') };
        if (row.app_id !== input.clientId) return { error: new OAuthError('invalid_grant', 'The authorization code was issued to another client.') };
        // Compared as the authorization endpoint stored it: normalised (RFC 3986 §6 equivalence).
        if (!sameRedirect(row.redirect_uri, input.redirectUri)) return { error: new OAuthError('invalid_grant', 'redirect_uri does not match the authorization request.') };
        if (!/^[A-Za-z0-9._~-]{43,128}$/.test(input.codeVerifier)) return { error: new OAuthError('invalid_grant', 'code_verifier must be 43 to 128 unreserved characters.') };
        if (createHash('sha256').update(input.codeVerifier).digest('base64url') !== row.code_challenge) {
          return { error: new OAuthError('invalid_grant', 'code_verifier does not match the code_challenge.') };
        }
        const user = await findUser(trx, row.user_id);
        if (!user) return { error: new OAuthError('invalid_grant', 'The user no longer exists.') };
        await trx.updateTable('auth_codes').set({ used_at: new Date() }).where('code_hash', '=', codeHash).execute();
        const context = { appId: row.app_id, userId: row.user_id, sessionId: row.session_id, scope: row.scope, authTime: row.auth_time };
        const refreshToken = await refresh.issue(context, codeHash, trx);
        return { user, context, nonce: row.nonce, refreshToken };
      });
      if ('error' in outcome) {
        if (outcome.replay) {
          const { row, revoked } = outcome.replay;
          await writeAudit(db, { event: 'code_replayed', userId: row.user_id, appId: row.app_id, actor, details: { revokedRefreshTokens: revoked } });
        }
        throw outcome.error;
      }
      if (!(await sessions.touch(outcome.context.sessionId))) {
        await refresh.revokeByCode(codeHash);
        throw new OAuthError('invalid_grant', 'The session that approved this code has ended.');
      }
      return respond(outcome.user, { ...outcome.context, nonce: outcome.nonce }, outcome.refreshToken);
    },

    /** RFC 6749 §6 with rotation; see refresh-tokens.ts for the grace window and reuse. */
    async refresh(input: { refreshToken: string; clientId: string }, actor: Actor): Promise<TokenResponse> {
      if (!(await knownApp(input.clientId))) throw new OAuthError('invalid_client', 'Unknown client_id.', 401);
      const result = await refresh.rotate(input.refreshToken, input.clientId);
      if (!result.ok) {
        if (result.reason === 'reused' && result.familyId) {
          await writeAudit(db, { event: 'family_revoked', userId: result.userId, appId: input.clientId, actor, details: { familyId: result.familyId, reason: 'refresh token reuse' } });
        }
        throw new OAuthError('invalid_grant', 'The refresh token is invalid, expired or revoked.');
      }
      const { context } = result;
      // An app refreshing is the user still using the session: it slides the idle expiry.
      if (!(await sessions.touch(context.sessionId))) throw new OAuthError('invalid_grant', 'The session has ended; sign in again.');
      const user = await findUser(db, context.userId);
      if (!user) throw new OAuthError('invalid_grant', 'The user no longer exists.');
      return respond(user, context, result.token);
    },

    /** RFC 7009: revokes a refresh token's family; anything else is answered the same way. */
    async revoke(input: { token: string; clientId: string }): Promise<void> {
      if (!(await knownApp(input.clientId))) throw new OAuthError('invalid_client', 'Unknown client_id.', 401);
      const family = await refresh.familyOf(input.token, input.clientId);
      if (family) await refresh.revokeFamily(family);
    },

    /** The apps a user signed in to (for /account). */
    async listApps(userId: string) {
      const rows = await db
        .selectFrom('consents')
        .innerJoin('apps', 'apps.id', 'consents.app_id')
        .select(['apps.id', 'apps.name', 'consents.last_used_at'])
        .where('consents.user_id', '=', userId)
        .orderBy('consents.last_used_at', 'desc')
        .execute();
      return rows.map((r) => ({ id: r.id, name: r.name, lastUsedAt: r.last_used_at.toISOString() }));
    },

    /** Signs the user out of one app: its grant and every refresh token it holds. */
    async revokeApp(userId: string, appId: string, actor: Actor): Promise<void> {
      await db.deleteFrom('consents').where('user_id', '=', userId).where('app_id', '=', appId).execute();
      await refresh.revokeUserApp(userId, appId);
      await writeAudit(db, { event: 'consent_revoked', userId, appId, actor });
    },
  };
}

/** Whether a presented redirect URI (or web_message origin) names the stored, normalised one. */
export function sameRedirect(stored: string, presented: string): boolean {
  if (stored === presented) return true;
  const uri = normaliseRedirectUri(presented);
  if (uri.ok && uri.value === stored) return true;
  const origin = normaliseOrigin(presented);
  return origin.ok && origin.value === stored;
}
