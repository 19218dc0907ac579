import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import type { UserRow } from '../db/schema';
import type { SigningKeys } from './signing-keys';

export interface TokenGrant {
  appId: string;
  user: Pick<UserRow, 'id' | 'email' | 'email_verified_at' | 'name'>;
  sessionId: string;
  scope: string;
  authTime: Date;
  nonce?: string | null;
}

/**
 * Signs access tokens (RFC 9068 `at+jwt`) and OpenID Connect ID tokens with the active key.
 * Access tokens carry only what an app backend needs to authorise: who, for which app, which
 * session, which scopes.
 */
export function createTokenIssuer({ keys, issuer, accessTtlSeconds }: { keys: SigningKeys; issuer: string; accessTtlSeconds: number }) {
  return {
    accessTtlSeconds,
    async accessToken(grant: TokenGrant): Promise<string> {
      const { kid, key } = await keys.active();
      return new SignJWT({ scope: grant.scope, sid: grant.sessionId, azp: grant.appId })
        .setProtectedHeader({ alg: 'ES256', kid, typ: 'at+jwt' })
        .setIssuer(issuer)
        .setAudience(grant.appId)
        .setSubject(grant.user.id)
        .setIssuedAt()
        .setExpirationTime(`${accessTtlSeconds}s`)
        .setJti(randomUUID())
        .sign(key);
    },
    /** OIDC Core §2: the ID token; profile and email claims follow the granted scopes. */
    async idToken(grant: TokenGrant): Promise<string> {
      const { kid, key } = await keys.active();
      const scopes = new Set(grant.scope.split(' '));
      return new SignJWT({
        auth_time: Math.floor(grant.authTime.getTime() / 1000),
        azp: grant.appId,
        sid: grant.sessionId,
        ...(grant.nonce ? { nonce: grant.nonce } : {}),
        ...(scopes.has('email') ? { email: grant.user.email, email_verified: grant.user.email_verified_at !== null } : {}),
        ...(scopes.has('profile') ? { name: grant.user.name } : {}),
      })
        .setProtectedHeader({ alg: 'ES256', kid, typ: 'JWT' })
        .setIssuer(issuer)
        .setAudience(grant.appId)
        .setSubject(grant.user.id)
        .setIssuedAt()
        .setExpirationTime(`${accessTtlSeconds}s`)
        .sign(key);
    },
  };
}

export type TokenIssuer = ReturnType<typeof createTokenIssuer>;
