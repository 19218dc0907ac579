import { isOtherVersion, isSafeName, parseEnvelope, type Envelope } from './envelope';

// Every message type and its payload, each with one validator. A validator reads each field
// once and returns a fresh object holding only the fields it checked, or `undefined`. Fields it
// does not know are dropped, not refused: a newer peer may add them (minor versions only add).

/** The frames the Tollgate server serves under `/embed/<kind>`. */
export const FRAME_KINDS = ['login', 'purchase', 'subscription', 'balance'] as const;
export type FrameKind = (typeof FRAME_KINDS)[number];

/** `ready` (frame → parent window): the frame has loaded and waits for its `hello`. */
export interface ReadyPayload {
  nonce: string;
  frame: FrameKind;
}
/** `hello` (host → frame window), with a MessagePort transferred: all later traffic uses it. */
export interface HelloPayload {
  nonce: string;
  appId: string;
}
/** `request` (over the port); the envelope's id is the request id. */
export interface RequestPayload {
  method: string;
  params?: Record<string, unknown>;
}
export interface RemoteError {
  code: string;
  message: string;
}
/** `response` (over the port) to the request whose id is `re`. */
export type ResponsePayload = { re: string; ok: true; result: unknown } | { re: string; ok: false; error: RemoteError };
/** `event` (over the port): fire and forget, either way. */
export interface EventPayload {
  name: string;
  data: unknown;
}

export interface Payloads {
  ready: ReadyPayload;
  hello: HelloPayload;
  request: RequestPayload;
  response: ResponsePayload;
  event: EventPayload;
}
export type MessageType = keyof Payloads;
export type Message<T extends MessageType = MessageType> = { [K in T]: Envelope<K, Payloads[K]> }[T];

/** 16 to 64 base64url (or hex) characters. */
export const NONCE = /^[A-Za-z0-9_-]{16,64}$/;
/** An app id as `tollgate apps create` prints it. */
export const APP_ID = /^app_[a-z0-9_]{4,60}$/;
const ID = /^[A-Za-z0-9_-]{1,64}$/;
const ERROR_CODE = /^[A-Z][A-Z0-9_]{0,63}$/;
const MAX_ERROR_MESSAGE = 1000;

type Fields = Record<string, unknown>;
const isPlainObject = (value: unknown): value is Fields => typeof value === 'object' && value !== null && !Array.isArray(value);
const matches = (value: unknown, pattern: RegExp): value is string => typeof value === 'string' && pattern.test(value);

const validators: { [T in MessageType]: (payload: Fields) => Payloads[T] | undefined } = {
  ready({ nonce, frame }) {
    return matches(nonce, NONCE) && (FRAME_KINDS as readonly unknown[]).includes(frame) ? { nonce, frame: frame as FrameKind } : undefined;
  },
  hello({ nonce, appId }) {
    return matches(nonce, NONCE) && matches(appId, APP_ID) ? { nonce, appId } : undefined;
  },
  request({ method, params }) {
    if (!isSafeName(method)) return undefined;
    if (params === undefined) return { method };
    return isPlainObject(params) ? { method, params } : undefined;
  },
  response({ re, ok, result, error }) {
    if (!matches(re, ID)) return undefined;
    if (ok === true) return { re, ok, result };
    if (ok !== false || !isPlainObject(error)) return undefined;
    const { code, message } = error;
    if (!matches(code, ERROR_CODE) || typeof message !== 'string' || message.length > MAX_ERROR_MESSAGE) return undefined;
    return { re, ok, error: { code, message } };
  },
  event({ name, data }) {
    return isSafeName(name) ? { name, data } : undefined;
  },
};

/** Why a message was ignored. Counted by each receiver; see `createCounters`. */
export type IgnoredReason =
  | 'invalid' // not an envelope, or a payload that does not validate
  | 'version' // an envelope of another major version
  | 'type' // a valid envelope of a type this receiver does not take
  | 'origin' // from an origin other than the expected one
  | 'source' // from a window other than the expected one
  | 'nonce' // a handshake for another frame (wrong nonce, app or frame kind)
  | 'replayed' // a second handshake message after the first was accepted
  | 'duplicate' // a request id already processed
  | 'unknown-method' // a request for a method this side does not have (answered with UNKNOWN_METHOD)
  | 'unexpected'; // a response to no pending request

export type ReadResult<T extends MessageType> = { ok: true; message: Message<T> } | { ok: false; reason: IgnoredReason };

/**
 * Reads `data` as one of `types`: the envelope, then the payload of its type. Never throws.
 *
 * @example
 * const read = readMessage(event.data, ['ready']);
 * if (!read.ok) return counters.count(read.reason);
 */
export function readMessage<T extends MessageType>(data: unknown, types: readonly T[]): ReadResult<T> {
  const parsed = parseEnvelope(data);
  if (!parsed) return { ok: false, reason: isOtherVersion(data) ? 'version' : 'invalid' };
  if (!(types as readonly string[]).includes(parsed.type)) return { ok: false, reason: 'type' };
  const type = parsed.type as T;
  let payload: Payloads[T] | undefined;
  try {
    payload = validators[type](parsed.payload as Fields);
  } catch {
    payload = undefined;
  }
  if (!payload) return { ok: false, reason: 'invalid' };
  return { ok: true, message: { tg: parsed.tg, id: parsed.id, type, payload } as Message<T> };
}

export type Counts = Record<IgnoredReason | 'accepted', number>;

export interface Counters {
  count(reason: IgnoredReason | 'accepted'): void;
  /** A copy of the counts so far: what tests and diagnostics read. */
  snapshot(): Counts;
}

/** Per-receiver counts of accepted and ignored messages, by reason. */
export function createCounters(): Counters {
  const counts: Counts = {
    accepted: 0, invalid: 0, version: 0, type: 0, origin: 0, source: 0, nonce: 0, replayed: 0, duplicate: 0, 'unknown-method': 0, unexpected: 0,
  };
  return {
    count: (reason) => void counts[reason]++,
    snapshot: () => ({ ...counts }),
  };
}
