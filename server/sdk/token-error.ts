// The one error that token verification throws, with a stable `code` to branch on. Messages are
// for developers' logs; never show them to end users, and never put the token in them.

/** Why a token was refused. Stable: codes are only ever added. */
export type TollgateTokenErrorCode =
  | 'TOKEN_MALFORMED'
  | 'TOKEN_EXPIRED'
  | 'TOKEN_NOT_YET_VALID'
  | 'TOKEN_INVALID'
  | 'TOKEN_WRONG_AUDIENCE'
  | 'TOKEN_WRONG_ISSUER'
  | 'JWKS_UNAVAILABLE';

// Symbol.for, not a module-level Symbol: two copies of this package (two bundles, two versions)
// in one process must still recognise each other's errors, which `instanceof` cannot do.
const BRAND = Symbol.for('tollgate.TollgateTokenError');

/**
 * Thrown by `verifier.verify()`. Answer 401 for every code except `JWKS_UNAVAILABLE` (503: the
 * keys could not be fetched, the token may be fine).
 *
 * @example
 * try {
 *   const claims = await verifier.verify(token, { appId: 'app_123' });
 * } catch (error) {
 *   if (!isTollgateTokenError(error)) throw error;
 *   return new Response(null, { status: error.code === 'JWKS_UNAVAILABLE' ? 503 : 401 });
 * }
 */
export class TollgateTokenError extends Error {
  override readonly name = 'TollgateTokenError';
  readonly code: TollgateTokenErrorCode;

  constructor(code: TollgateTokenErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    Object.defineProperty(this, BRAND, { value: true });
  }
}

/**
 * Whether `value` is a {@link TollgateTokenError}, from this copy of the package or any other.
 *
 * @example
 * if (isTollgateTokenError(error) && error.code === 'TOKEN_EXPIRED') await refreshAndRetry();
 */
export function isTollgateTokenError(value: unknown): value is TollgateTokenError {
  return typeof value === 'object' && value !== null && (value as { [BRAND]?: unknown })[BRAND] === true;
}

/** jose's error, reduced to ours. Anything unrecognised fails closed as TOKEN_INVALID. */
export function fromJoseError(error: unknown): TollgateTokenError {
  if (isTollgateTokenError(error)) return error;
  const { code, claim, reason } = (error ?? {}) as { code?: string; claim?: string; reason?: string };
  const fail = (ours: TollgateTokenErrorCode, message: string) => new TollgateTokenError(ours, message, { cause: error });
  switch (code) {
    case 'ERR_JWT_EXPIRED':
      return fail('TOKEN_EXPIRED', 'the token has expired');
    case 'ERR_JWS_INVALID':
      return fail('TOKEN_MALFORMED', 'the token is not a well-formed JWS');
    case 'ERR_JWKS_TIMEOUT':
    case 'ERR_JWKS_INVALID':
    case 'ERR_JWKS_MULTIPLE_MATCHING_KEYS':
      return fail('JWKS_UNAVAILABLE', 'the issuer\'s signing keys could not be used');
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED':
      // A claim of the wrong type or a missing one is an invalid token, not a mismatch.
      if (reason === 'check_failed' && claim === 'nbf') return fail('TOKEN_NOT_YET_VALID', 'the token is not valid yet');
      if (reason === 'check_failed' && claim === 'iss') return fail('TOKEN_WRONG_ISSUER', 'the token comes from another issuer');
      if (reason === 'check_failed' && claim === 'aud') return fail('TOKEN_WRONG_AUDIENCE', 'the token is for another app');
      return fail('TOKEN_INVALID', `the token's "${claim}" is missing or invalid`);
    default:
      // ERR_JWS_SIGNATURE_VERIFICATION_FAILED, ERR_JOSE_ALG_NOT_ALLOWED, ERR_JWKS_NO_MATCHING_KEY,
      // ERR_JWT_INVALID, ERR_JOSE_NOT_SUPPORTED and whatever a future jose adds.
      return fail('TOKEN_INVALID', 'the token\'s signature or header is not acceptable');
  }
}
