import { ProtocolError } from './errors';
import { envelope, isSafeName } from './envelope';
import { createCounters, readMessage, type Counters, type RemoteError } from './messages';

/** What the endpoint needs of a MessagePort (a DOM one, or Node's in tests). */
export interface PortLike {
  postMessage(message: unknown): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  removeEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  start(): void;
  close(): void;
}

export type Handler = (params: Record<string, unknown> | undefined) => unknown;

export interface PortEndpointOptions {
  /** The methods the other side may call. Copied once into a fixed, null-prototype table. */
  handlers?: Record<string, Handler>;
  /** Every event the other side sends. Exceptions it throws are reported, not swallowed. */
  onEvent?(name: string, data: unknown): void;
  /** How long a request waits for its answer (default 10 s). */
  timeoutMs?: number;
  counters?: Counters;
}

export interface PortEndpoint {
  /** Calls a method of the other side; rejects with a `ProtocolError` (`TIMEOUT`, `CLOSED`, or its code). */
  request(method: string, params?: Record<string, unknown>): Promise<unknown>;
  /** Sends an event; does nothing once closed. */
  emit(name: string, data?: unknown): void;
  /** Closes the port and rejects every pending request with `CLOSED`. */
  close(): void;
  readonly counters: Counters;
}

export const DEFAULT_TIMEOUT_MS = 10_000;
/** Request ids remembered to refuse a replay; ids are random, so a window this size is plenty. */
const SEEN_IDS = 1000;

/**
 * Requests, responses and events over one MessagePort, after the handshake. Invalid messages,
 * repeated request ids and stray responses are ignored and counted, never thrown.
 *
 * @example
 * const host = createPortEndpoint(event.ports[0], { handlers: { ping: () => ({ ok: true }) } });
 * const { accessToken } = await host.request('getAccessToken') as { accessToken: string | null };
 */
export function createPortEndpoint(port: PortLike, options: PortEndpointOptions = {}): PortEndpoint {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const counters = options.counters ?? createCounters();
  const handlers = handlerTable(options.handlers ?? {});
  const pending = new Map<string, { resolve(value: unknown): void; reject(error: Error): void; timer: ReturnType<typeof setTimeout> }>();
  const seen = new Set<string>();
  let closed = false;

  const post = (message: object): boolean => {
    if (closed) return false;
    try {
      port.postMessage(message);
      return true;
    } catch {
      return false; // an uncloneable value, or a port the other side closed
    }
  };
  const reply = (re: string, outcome: { ok: true; result: unknown } | { ok: false; error: RemoteError }) => {
    if (!post(envelope('response', { re, ...outcome }))) post(envelope('response', { re, ok: false, error: { code: 'HANDLER_ERROR', message: 'The result could not be sent.' } }));
  };

  const onMessage = (event: { data: unknown }) => {
    const read = readMessage(event.data, ['request', 'response', 'event']);
    if (!read.ok) return counters.count(read.reason);
    const { message } = read;
    if (message.type === 'request') {
      if (seen.has(message.id)) return counters.count('duplicate');
      seen.add(message.id);
      if (seen.size > SEEN_IDS) seen.delete(seen.values().next().value!);
      const handler = handlers[message.payload.method];
      if (!handler) {
        counters.count('unknown-method');
        return reply(message.id, { ok: false, error: { code: 'UNKNOWN_METHOD', message: `No method "${message.payload.method}" here.` } });
      }
      counters.count('accepted');
      const { params } = message.payload;
      void Promise.resolve()
        .then(() => handler(params))
        .then(
          (result) => reply(message.id, { ok: true, result }),
          (error: unknown) => reply(message.id, { ok: false, error: toRemoteError(error) }),
        );
    } else if (message.type === 'response') {
      const waiting = pending.get(message.payload.re);
      if (!waiting) return counters.count('unexpected');
      counters.count('accepted');
      pending.delete(message.payload.re);
      clearTimeout(waiting.timer);
      const { payload } = message;
      if (payload.ok) waiting.resolve(payload.result);
      else waiting.reject(new ProtocolError(payload.error.code, payload.error.message));
    } else {
      counters.count('accepted');
      try {
        options.onEvent?.(message.payload.name, message.payload.data);
      } catch (error) {
        // The app's own callback failed: report it like an event listener's error would be.
        setTimeout(() => {
          throw error;
        });
      }
    }
  };
  port.addEventListener('message', onMessage);
  port.start();

  return {
    counters,
    request(method, params) {
      if (!isSafeName(method)) return Promise.reject(new TypeError(`request: "${String(method)}" is not a method name (letters, digits and _.:- only).`));
      if (params !== undefined && (typeof params !== 'object' || params === null || Array.isArray(params))) {
        return Promise.reject(new TypeError('request: `params` must be a plain object.'));
      }
      if (closed) return Promise.reject(new ProtocolError('CLOSED', 'The frame is closed.'));
      const message = envelope('request', params === undefined ? { method } : { method, params });
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(message.id);
          reject(new ProtocolError('TIMEOUT', `"${method}" got no answer within ${timeoutMs} ms.`));
        }, timeoutMs);
        pending.set(message.id, { resolve, reject, timer });
        if (!post(message)) {
          clearTimeout(timer);
          pending.delete(message.id);
          reject(new TypeError(`request: the params of "${method}" cannot be sent (they must be structured-cloneable).`));
        }
      });
    },
    emit(name, data) {
      if (!isSafeName(name)) throw new TypeError(`emit: "${String(name)}" is not an event name (letters, digits and _.:- only).`);
      post(envelope('event', { name, data }));
    },
    close() {
      if (closed) return;
      closed = true;
      port.removeEventListener('message', onMessage);
      try {
        port.close();
      } catch {
        // already closed
      }
      for (const [id, waiting] of pending) {
        clearTimeout(waiting.timer);
        pending.delete(id);
        waiting.reject(new ProtocolError('CLOSED', 'The frame was closed before it answered.'));
      }
    },
  };
}

function handlerTable(handlers: Record<string, Handler>): Readonly<Record<string, Handler>> {
  const table: Record<string, Handler> = Object.create(null);
  for (const name of Object.keys(handlers)) {
    const handler = handlers[name];
    if (!isSafeName(name)) throw new TypeError(`createPortEndpoint: "${name}" cannot be a method name.`);
    if (typeof handler !== 'function') throw new TypeError(`createPortEndpoint: the handler of "${name}" must be a function.`);
    table[name] = handler;
  }
  return Object.freeze(table);
}

function toRemoteError(error: unknown): RemoteError {
  const { code, message } = (typeof error === 'object' && error !== null ? error : {}) as { code?: unknown; message?: unknown };
  return {
    code: typeof code === 'string' && /^[A-Z][A-Z0-9_]{0,63}$/.test(code) ? code : 'HANDLER_ERROR',
    message: typeof message === 'string' && message ? message.slice(0, 1000) : 'The handler failed.',
  };
}
