// The access-token check shared by `tollgate/server` (app backends) and Tollgate's own routes.
// One ES256 verification costs ~120 µs of a core, and real traffic presents the same token many
// times in its 15 minutes, so verified claims are kept in a bounded cache until they expire.
import { createHash } from 'node:crypto';
import { jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { TollgateTokenError, fromJoseError } from './token-error';

/** The verified claims of a Tollgate access token. Frozen: it may be shared with later calls. */
export interface AccessTokenClaims {
  /** Tollgate's public URL (an origin). */
  readonly iss: string;
  /** The app the token was issued to (`app_…`); always the `appId` you verified against. */
  readonly aud: string;
  /** The user (`usr_…`). */
  readonly sub: string;
  /** The user's Tollgate session (`ses_…`). */
  readonly sid: string;
  /** Granted scopes, split from the token's space-separated `scope` claim. */
  readonly scope: readonly string[];
  /** Issued at and expiry, in seconds since the epoch. */
  readonly iat: number;
  readonly exp: number;
  /** The token's unique id. */
  readonly jti: string;
  /** The user's subscription plan, once tokens carry it. */
  readonly plan?: string;
}

/** Checks Tollgate access tokens for one app: what `tollgate/server` gives app backends. */
export interface AppTokenVerifier {
  /** Resolves to the token's claims, or rejects with a `TollgateTokenError`. */
  verify(token: string, options: { appId: string }): Promise<AccessTokenClaims>;
}

/** The server's own verifier: also checks tokens of any app (its routes then check the app). */
export interface TokenVerifier extends AppTokenVerifier {
  /**
   * Verifies a token for whichever app it names (one `aud`, equal to `azp`); for Tollgate's own
   * routes, which serve every app and then check the app's origins themselves.
   */
  check(token: string): Promise<AccessTokenClaims>;
}

export interface CachedVerifierOptions {
  /** The exact `iss` every token must carry. */
  issuer: string;
  /**
   * Where signing keys come from: jose's remote JWKS for apps, the local key set for Tollgate.
   * Reject an unknown kid with jose's `errors.JWKSNoMatchingKey` (TOKEN_INVALID); any other
   * rejection means the keys are out of reach (JWKS_UNAVAILABLE).
   */
  getKey: JWTVerifyGetKey;
  /** Verified tokens kept; 0 disables the cache. */
  cacheSize?: number;
  clockToleranceSec?: number;
  /** Milliseconds since the epoch; for tests. */
  now?: () => number;
}

// Far above a real token (~700 bytes), low enough that junk costs nothing to refuse.
const MAX_TOKEN_CHARS = 8 * 1024;
const COMPACT_JWS = /^[\w-]+\.[\w-]+\.[\w-]+$/; // \w plus '-' is exactly base64url
const REQUIRED_CLAIMS = ['iss', 'aud', 'azp', 'sub', 'sid', 'scope', 'iat', 'exp', 'jti'];

export function createCachedVerifier(options: CachedVerifierOptions): TokenVerifier {
  const { issuer, getKey, cacheSize = 10_000, clockToleranceSec = 5, now = () => Date.now() } = options;
  if (!Number.isInteger(cacheSize) || cacheSize < 0) throw new TypeError('cacheSize must be a whole number ≥ 0 (0 disables the cache)');
  if (!(clockToleranceSec >= 0)) throw new TypeError('clockToleranceSec must be a number of seconds ≥ 0');
  // Map keeps insertion order: re-inserting on every hit makes its first key the least recently used.
  const cache = new Map<string, AccessTokenClaims>();

  // Keys that cannot be fetched are the issuer's failure (503), not the token's (401). An unknown
  // kid after jose's refetch stays jose's error: that token is signed by no key of the issuer.
  const keys: JWTVerifyGetKey = async (header, token) => {
    try {
      return await getKey(header, token);
    } catch (error) {
      if ((error as { code?: unknown } | null)?.code === 'ERR_JWKS_NO_MATCHING_KEY') throw error;
      const reason = error instanceof Error ? `: ${error.message}` : '';
      throw new TollgateTokenError('JWKS_UNAVAILABLE', `the issuer's signing keys could not be fetched${reason}`, { cause: error });
    }
  };

  async function verifySignature(token: string, nowMs: number): Promise<AccessTokenClaims> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, keys, {
        algorithms: ['ES256'], // never taken from the token: no `none`, no HS256 keyed with our public key
        issuer,
        typ: 'at+jwt', // RFC 9068 §4: an ID token or any other JWT of ours is not an access token
        requiredClaims: REQUIRED_CLAIMS,
        clockTolerance: clockToleranceSec,
        currentDate: new Date(nowMs),
      }));
    } catch (error) {
      throw fromJoseError(error);
    }
    return toClaims(payload);
  }

  async function check(token: string): Promise<AccessTokenClaims> {
    if (typeof token !== 'string' || token.length > MAX_TOKEN_CHARS || !COMPACT_JWS.test(token)) {
      throw new TollgateTokenError('TOKEN_MALFORMED', 'the token is not a compact JWS of at most 8 KB');
    }
    const nowMs = now();
    // A hash, never the token: a heap dump of the cache must not hold usable bearer tokens.
    const key = cacheSize ? createHash('sha256').update(token).digest('base64url') : '';
    let claims = key ? cache.get(key) : undefined;
    if (claims) {
      cache.delete(key);
      // The same boundary as jose's own check, so a hit answers exactly as a miss would.
      if (claims.exp <= Math.floor(nowMs / 1000) - clockToleranceSec) throw new TollgateTokenError('TOKEN_EXPIRED', 'the token has expired');
      cache.set(key, claims);
    } else {
      claims = await verifySignature(token, nowMs);
      if (key) {
        cache.delete(key); // verified concurrently by another call: replace, evict nothing
        if (cache.size >= cacheSize) cache.delete(cache.keys().next().value!);
        cache.set(key, claims);
      }
    }
    return claims;
  }

  return {
    check,
    async verify(token, options) {
      const appId = options?.appId;
      if (typeof appId !== 'string' || !appId) throw new TypeError('verify(token, { appId }): appId must be your app id (app_…)');
      const claims = await check(token);
      // Checked on every call, hit or miss: the cache holds what the token proves, not whom it is for.
      if (claims.aud !== appId) throw new TollgateTokenError('TOKEN_WRONG_AUDIENCE', 'the token is for another app');
      return claims;
    },
  };
}

/** The signed payload, checked against Tollgate's token format (jose has checked iat/exp types). */
function toClaims(payload: JWTPayload): AccessTokenClaims {
  const text = (name: string, allowEmpty = false): string => {
    const value = payload[name];
    if (typeof value === 'string' && (allowEmpty || value)) return value;
    throw new TollgateTokenError('TOKEN_INVALID', `the token's "${name}" claim must be a string`);
  };
  // One audience, as a string: Tollgate never issues a token for several apps.
  const aud = text('aud');
  if (text('azp') !== aud) throw new TollgateTokenError('TOKEN_WRONG_AUDIENCE', 'the token was obtained by another app');
  const claims = {
    iss: text('iss'),
    aud,
    sub: text('sub'),
    sid: text('sid'),
    scope: Object.freeze(text('scope', true).split(' ').filter(Boolean)),
    iat: payload.iat!,
    exp: payload.exp!,
    jti: text('jti'),
    ...(typeof payload.plan === 'string' ? { plan: payload.plan } : {}),
  };
  return Object.freeze(claims);
}
