import { errors as joseErrors } from 'jose';
import type { Logger } from 'pino';
import type { Config } from '../config';
import type { DatabaseHandle } from '../db/index';
import { createRateLimits } from '../http/rate-limit';
import { deriveKey } from '../lib/sealing';
import type { Registry } from '../registry/service';
import { createCachedVerifier } from '../sdk/token-verifier';
import { createAccounts } from './accounts';
import { writeAudit, type Actor } from './audit';
import { createMailer } from './mailer';
import { createRefreshTokens } from './oauth/refresh-tokens';
import { createOAuth } from './oauth/service';
import { createSessions } from './sessions';
import { createSigningKeys } from './signing-keys';
import { createTokenIssuer } from './tokens';

export type IdentityConfig = Pick<Config, 'publicUrl' | 'env' | 'accessTokenTtlSeconds' | 'refreshTokenTtlDays' | 'session' | 'mail' | 'trustProxy'> &
  Partial<Pick<Config, 'rateLimits'>>;

/** Per-IP and per-account limits; tests may raise them. */
export const DEFAULT_LIMITS = {
  signin_ip: { points: 30, duration: 300 },
  signin_account: { points: 10, duration: 900 },
  signin_account_total: { points: 100, duration: 3600 },
  signup_ip: { points: 20, duration: 3600 },
  reset_ip: { points: 10, duration: 3600 },
  reset_account: { points: 3, duration: 3600 },
  token_ip: { points: 600, duration: 60 },
  email_ip: { points: 30, duration: 3600 },
  resend_user: { points: 3, duration: 3600 },
  password_user: { points: 10, duration: 900 },
};
export type LimitName = keyof typeof DEFAULT_LIMITS;

export interface IdentityOptions {
  database: DatabaseHandle;
  registry: Registry;
  config: IdentityConfig;
  masterKey: string;
  logger: Logger;
  limits?: Partial<typeof DEFAULT_LIMITS>;
}

/** Accounts, sessions, signing keys and the OAuth 2.1 / OIDC provider, wired together. */
export function createIdentity({ database, registry, config, masterKey, logger, limits }: IdentityOptions) {
  const { db } = database;
  const sessions = createSessions({ db, idleDays: config.session.idleDays, maxDays: config.session.maxDays });
  const keys = createSigningKeys({ db, masterKey });
  const tokens = createTokenIssuer({ keys, issuer: config.publicUrl, accessTtlSeconds: config.accessTokenTtlSeconds });
  const refresh = createRefreshTokens({ db, macKey: deriveKey(masterKey, 'refresh-successor'), ttlDays: config.refreshTokenTtlDays });
  const mailer = createMailer({ smtpUrl: config.mail.smtpUrl, from: config.mail.from, db, logger });

  /** Ends sessions of a user (one, or all but one) and every refresh token they carried. */
  async function signOut(userId: string, which: { publicId: string } | { allExcept?: string }, actor: Actor & { currentSession?: string } = {}) {
    const ended = await sessions.revoke(userId, which);
    await refresh.revokeSessions(ended);
    if (ended.length) {
      await writeAudit(db, {
        event: 'publicId' in which ? (which.publicId === actor.currentSession ? 'sign_out' : 'session_revoked') : 'sign_out_everywhere',
        userId,
        actor,
        details: { sessions: ended },
      });
    }
    return ended;
  }

  const accounts = createAccounts({ db, mailer, logger, publicUrl: config.publicUrl, onSignOutEverywhere: (userId, except) => signOut(userId, { allExcept: except }).then(() => undefined) });
  const oauth = createOAuth({ db, registry, sessions, tokens, refresh, transactionKey: deriveKey(masterKey, 'authorize-transaction') });
  // An unknown kid is the token's fault (TOKEN_INVALID), not the key store's: say so in jose's terms.
  const verifier = createCachedVerifier({
    issuer: config.publicUrl,
    getKey: async (header) => (await keys.publicKey(header.kid)) ?? Promise.reject(new joseErrors.JWKSNoMatchingKey()),
  });
  const rateLimits = createRateLimits(database, { ...DEFAULT_LIMITS, ...limits }, { enabled: config.rateLimits !== false });

  return { config, db, sessions, keys, tokens, refresh, mailer, accounts, oauth, verifier, rateLimits, registry, signOut };
}

export type Identity = ReturnType<typeof createIdentity>;
