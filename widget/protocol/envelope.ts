/**
 * The envelope every message travels in: `{ tg, id, type, payload }`. `tg` is the protocol's
 * major version; a minor change only adds message types or payload fields.
 */
export const PROTOCOL_VERSION = 1 as const;

export interface Envelope<T extends string = string, P = unknown> {
  tg: typeof PROTOCOL_VERSION;
  id: string;
  type: T;
  payload: P;
}

const ID = /^[A-Za-z0-9_-]{1,64}$/;
const TYPE = /^[a-z][a-z0-9_.:-]{0,63}$/;
/** Names that must never be looked up as a handler, whatever table they reach (comlink #603). */
const FORBIDDEN = new Set([
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'toLocaleString',
  'valueOf',
  'hasOwnProperty',
  'isPrototypeOf',
  'propertyIsEnumerable',
]);

/** A method or event name: a short identifier, never one of Object.prototype's. */
export function isSafeName(value: unknown): value is string {
  return typeof value === 'string' && /^[A-Za-z][A-Za-z0-9_.:-]{0,63}$/.test(value) && !FORBIDDEN.has(value);
}

/**
 * Returns the envelope when `data` is one, otherwise `undefined`. Never throws, whatever
 * `data` is (getters, proxies, cycles): it reads each field once, inside a try.
 *
 * @example
 * window.addEventListener('message', (e) => { const msg = parseEnvelope(e.data); if (!msg) return; … });
 */
export function parseEnvelope(data: unknown): Envelope | undefined {
  try {
    if (typeof data !== 'object' || data === null || Array.isArray(data)) return undefined;
    const { tg, id, type, payload } = data as Record<string, unknown>;
    if (tg !== PROTOCOL_VERSION) return undefined;
    if (typeof id !== 'string' || !ID.test(id)) return undefined;
    if (typeof type !== 'string' || !TYPE.test(type) || FORBIDDEN.has(type)) return undefined;
    if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return undefined;
    return { tg, id, type, payload };
  } catch {
    return undefined;
  }
}

/** Whether `data` looks like an envelope of another major version (to count it apart). */
export function isOtherVersion(data: unknown): boolean {
  try {
    if (typeof data !== 'object' || data === null) return false;
    const { tg } = data as Record<string, unknown>;
    return tg !== undefined && tg !== PROTOCOL_VERSION;
  } catch {
    return false;
  }
}

/** Builds an envelope with a fresh random id. */
export function envelope<T extends string, P extends object>(type: T, payload: P): Envelope<T, P> {
  return { tg: PROTOCOL_VERSION, id: randomId(), type, payload };
}

/** 128 random bits as 32 hex characters: message ids and handshake nonces. */
export function randomId(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  let out = '';
  for (const b of bytes) out += b.toString(16).padStart(2, '0');
  return out;
}
