/**
 * The host ⇄ frame message protocol. No DOM and no dependencies: both sides import it.
 * Every message is an envelope `{ tg, id, type, payload }`; `tg` is the protocol's major
 * version. Anything that does not validate is ignored by the receiver (and counted).
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
const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty']);

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

/** Builds an envelope with a fresh random id. */
export function envelope<T extends string, P extends object>(type: T, payload: P): Envelope<T, P> {
  return { tg: PROTOCOL_VERSION, id: randomId(), type, payload };
}

export function randomId(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  let out = '';
  for (const b of bytes) out += b.toString(16).padStart(2, '0');
  return out;
}
