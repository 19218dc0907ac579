/**
 * `tollgate/server`: helpers for app backends. Token verification today; credit consumption and
 * event pushing arrive with the credits and real-time capabilities.
 */
export { createVerifier, type VerifierOptions } from './verifier';
export { bearerToken } from './bearer-token';
export { TollgateTokenError, isTollgateTokenError, type TollgateTokenErrorCode } from './token-error';
export type { AccessTokenClaims, AppTokenVerifier as TokenVerifier } from './token-verifier';
