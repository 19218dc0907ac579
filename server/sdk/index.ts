/**
 * `tollgate/server`: helpers for app backends. Token verification, credit consumption and
 * event pushing arrive with the identity, credits and real-time capabilities.
 */
export { normaliseOrigin } from '../registry/origin';
export { isAppError } from '../http/errors';
