// `createVerifier` for app backends: Tollgate's keys are found through OIDC discovery on the
// issuer, fetched by jose's remote JWKS (cached, refetched on an unknown kid after a cooldown),
// and every verified token goes through the cached core.
import { createRemoteJWKSet, type JWTVerifyGetKey, type RemoteJWKSet } from 'jose';
import { createCachedVerifier, type AppTokenVerifier } from './token-verifier';

export interface VerifierOptions {
  /** Tollgate's public URL, an origin such as `https://id.example.com`: every token's `iss`. */
  issuer: string;
  /** Verified tokens kept until they expire (default 10 000; 0 disables the cache). */
  cacheSize?: number;
  /** Leeway for clock skew on `exp` and `nbf`, in seconds (default 5). */
  clockToleranceSec?: number;
  /** Timeout of each discovery or JWKS request, in milliseconds (default 5000). */
  fetchTimeoutMs?: number;
}

/**
 * Verifies Tollgate access tokens in an app's backend. Create one per process and reuse it: it
 * holds the signing keys and the cache. Nothing is fetched until the first well-formed token.
 *
 * @example
 * import { bearerToken, createVerifier } from 'tollgate/server';
 *
 * const verifier = createVerifier({ issuer: 'https://id.example.com' });
 * // in a request handler:
 * const token = bearerToken(req.headers.authorization);
 * if (!token) return res.status(401).end();
 * const claims = await verifier.verify(token, { appId: 'app_123' });
 * claims.sub;   // 'usr_…'
 * claims.scope; // ['openid', 'credits:consume']
 */
export function createVerifier(options: VerifierOptions): AppTokenVerifier {
  const issuer = issuerOrigin(options?.issuer);
  const { fetchTimeoutMs = 5000 } = options;
  if (!Number.isInteger(fetchTimeoutMs) || fetchTimeoutMs <= 0) throw new TypeError('createVerifier: fetchTimeoutMs must be a whole number of milliseconds > 0');

  // One discovery for the verifier's life, shared by concurrent first calls. A failure is not
  // kept: the promise is dropped, so the next token tries again once Tollgate is back.
  let keySet: Promise<RemoteJWKSet> | undefined;
  const getKey: JWTVerifyGetKey = async (header, token) => {
    keySet ??= discoverKeys(issuer, fetchTimeoutMs).catch((error: unknown) => {
      keySet = undefined;
      throw error;
    });
    return (await keySet)(header, token);
  };
  // Only `verify`: an app backend must never accept a token issued to another app.
  const { verify } = createCachedVerifier({ issuer, getKey, cacheSize: options.cacheSize, clockToleranceSec: options.clockToleranceSec });
  return { verify };
}

async function discoverKeys(issuer: string, timeoutMs: number): Promise<RemoteJWKSet> {
  const url = `${issuer}/.well-known/openid-configuration`;
  // No redirects, as jose does for the JWKS: the keys must come from the issuer itself.
  const response = await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(timeoutMs), headers: { accept: 'application/json' } });
  if (response.status !== 200) throw new Error(`${url} answered ${response.status}`);
  const document = (await response.json()) as { issuer?: unknown; jwks_uri?: unknown } | null;
  // OpenID Connect Discovery 1.0 §4.3: the document must name the issuer it was fetched from.
  if (document?.issuer !== issuer) throw new Error(`${url} names issuer ${JSON.stringify(document?.issuer)}, not ${issuer}`);
  // Keys served from another origin would let whoever runs that origin mint tokens.
  const jwksUri = typeof document.jwks_uri === 'string' && URL.canParse(document.jwks_uri) ? new URL(document.jwks_uri) : undefined;
  if (jwksUri?.origin !== issuer) throw new Error(`${url} has a jwks_uri outside ${issuer}`);
  return createRemoteJWKSet(jwksUri, { timeoutDuration: timeoutMs });
}

/** The issuer as an origin; https, except on loopback for local development. */
function issuerOrigin(input: unknown): string {
  const url = typeof input === 'string' && URL.canParse(input) ? new URL(input) : undefined;
  const loopback = url && /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/.test(url.hostname);
  const secure = url?.protocol === 'https:' || (url?.protocol === 'http:' && loopback);
  if (!url || !secure || url.pathname !== '/' || url.search || url.hash || url.username || url.password) {
    throw new TypeError(
      `createVerifier: issuer must be Tollgate's public URL, an https origin such as https://id.example.com (http only on localhost); got ${JSON.stringify(input)}`,
    );
  }
  return url.origin;
}
