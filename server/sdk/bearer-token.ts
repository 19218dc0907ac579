// RFC 6750 §2.1: `Authorization: Bearer <b64token>`. The scheme is case-insensitive
// (RFC 9110 §11.1); the token alphabet is b64token's, so nothing else slips through.
const BEARER = /^Bearer +([\w\-.~+/]+=*) *$/i;

/**
 * The token of an `Authorization: Bearer …` header, or `undefined` for any other header (none,
 * another scheme, an empty token). Pass it on to `verifier.verify()`.
 *
 * @example
 * const token = bearerToken(request.headers.get('authorization'));
 * if (!token) return new Response(null, { status: 401, headers: { 'WWW-Authenticate': 'Bearer' } });
 */
export function bearerToken(header: string | null | undefined): string | undefined {
  return typeof header === 'string' ? BEARER.exec(header)?.[1] : undefined;
}
