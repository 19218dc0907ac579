// Errors of the protocol layer. Checked by brand, not `instanceof`: the npm core and the
// script-tag build may both be on one page, each with its own copy of this class.

const BRAND = Symbol.for('tollgate.error');

/**
 * - `TIMEOUT`: no answer (or no handshake) within the time limit.
 * - `CLOSED`: the frame was unmounted, or the port closed, before the answer.
 * - `UNKNOWN_METHOD`: the other side has no such method (an older frame or host).
 * - `HANDLER_ERROR`: the other side's handler failed without a code of its own.
 * Any other code is the other side's own (e.g. a handler's `NOT_SIGNED_IN`).
 */
export type ProtocolErrorCode = 'TIMEOUT' | 'CLOSED' | 'UNKNOWN_METHOD' | 'HANDLER_ERROR' | (string & {});

export class ProtocolError extends Error {
  override name = 'TollgateError';
  readonly code: ProtocolErrorCode;
  /** Text fit to show a person: the same field every TollgateError carries. */
  readonly userMessage: string;

  constructor(code: ProtocolErrorCode, message: string) {
    super(message);
    this.code = code;
    this.userMessage = code === 'TIMEOUT' ? 'This is taking too long. Check your connection and try again.' : 'Something went wrong. Reload the page and try again.';
    Object.defineProperty(this, BRAND, { value: true });
  }
}

/**
 * Whether `value` is an error from any copy of the Tollgate widget on the page.
 *
 * @example
 * try { await frame.request('refresh'); } catch (e) { if (isProtocolError(e) && e.code === 'TIMEOUT') retry(); }
 */
export function isProtocolError(value: unknown): value is ProtocolError {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true && typeof (value as { code?: unknown }).code === 'string';
}
