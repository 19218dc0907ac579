import {
  APP_ID,
  FRAME_KINDS,
  PROTOCOL_VERSION,
  ProtocolError,
  createCounters,
  createPortEndpoint,
  envelope,
  isSafeName,
  randomId,
  readMessage,
  type Counts,
  type FrameKind,
  type PortEndpoint,
} from '../protocol/index';

export type { FrameKind } from '../protocol/index';

export interface MountFrameOptions {
  appId: string;
  /** The Tollgate origin, e.g. `https://id.example.com`. */
  server: string;
  /** Answers the frame's `getAccessToken` request; `null` when signed out. */
  getAccessToken(): Promise<string | null>;
  /**
   * The user clicked "Continue" in the login frame. Runs while the click's user activation
   * still holds (it reaches the ancestors of the clicked frame), so a popup opened here is allowed.
   */
  login(): void;
  /** Every other event of the frame. */
  onEvent?(name: string, data: unknown): void;
  /** Limit for the handshake and for each request (default 10 s). */
  timeoutMs?: number;
}

export interface MountedFrame {
  /** Resolves once the frame has loaded and holds its port; rejects with `TIMEOUT` or `CLOSED`. */
  ready: Promise<void>;
  /** Calls one of the frame's methods (waits for `ready` first). */
  request(method: string, params?: Record<string, unknown>): Promise<unknown>;
  /** Sends the frame an event, e.g. `auth` when the user signs in or out (after `ready`). */
  emit(name: string, data?: unknown): void;
  /** Removes the iframe, closes the port and stops listening. */
  unmount(): void;
  /** Messages accepted and ignored (by reason) so far: for tests and diagnostics. */
  stats(): Counts;
}

const TITLES: Record<FrameKind, string> = {
  login: 'Sign in with Tollgate',
  purchase: 'Buy credits',
  subscription: 'Subscription',
  balance: 'Credit balance',
};
const MAX_HEIGHT = 100_000;
const noop = () => {};

/**
 * Mounts a Tollgate frame in `element` and runs the DESIGN's handshake: the frame posts
 * `ready{nonce}`; it is accepted only from the Tollgate origin, from this iframe's window and
 * with this mount's nonce; then a MessageChannel port is transferred in `hello` (addressed to
 * the Tollgate origin, never `'*'`) and every later message uses the port.
 *
 * @example
 * const frame = mountFrame(document.getElementById('balance')!, 'balance', {
 *   appId: 'app_…', server: 'https://id.example.com', getAccessToken, login: () => auth.login(),
 * });
 * await frame.ready;
 */
export function mountFrame(element: HTMLElement, kind: FrameKind, options: MountFrameOptions): MountedFrame {
  if (!element || typeof element.appendChild !== 'function') throw new TypeError('mountFrame: `element` must be an element of the page.');
  if (!(FRAME_KINDS as readonly string[]).includes(kind)) throw new TypeError(`mountFrame: the frame must be one of ${FRAME_KINDS.join(', ')}.`);
  if (!options || typeof options.appId !== 'string' || !APP_ID.test(options.appId)) throw new TypeError('mountFrame: `appId` must be the app id printed by `tollgate apps create` (app_…).');
  if (typeof options.getAccessToken !== 'function' || typeof options.login !== 'function') throw new TypeError('mountFrame: `getAccessToken` and `login` must be functions.');
  const server = originOf(options.server);
  if (!server) throw new TypeError('mountFrame: `server` must be the Tollgate origin, e.g. "https://id.example.com".');
  if (!/^https?:\/\//.test(location.origin)) throw new TypeError('mountFrame: the page must be served over http(s) to have an origin Tollgate can register.');

  const timeoutMs = options.timeoutMs ?? 10_000;
  const nonce = randomId();
  const counters = createCounters();
  let port: PortEndpoint | undefined;
  let state: 'loading' | 'ready' | 'closed' = 'loading';

  let settle!: (error?: Error) => void;
  const ready = new Promise<void>((resolve, reject) => (settle = (error) => (error ? reject(error) : resolve())));
  // Nobody has to await `ready`: a frame that never loads must not end up as an unhandled rejection.
  ready.catch(noop);
  const handshakeTimer = setTimeout(() => {
    if (state === 'loading') settle(new ProtocolError('TIMEOUT', `The ${kind} frame did not load within ${timeoutMs} ms. Is ${location.origin} registered for ${options.appId}?`));
  }, timeoutMs);

  const iframe = document.createElement('iframe');
  const url = new URL(`/embed/${kind}`, server);
  url.search = new URLSearchParams({ appId: options.appId, origin: location.origin, nonce, v: String(PROTOCOL_VERSION) }).toString();
  iframe.src = url.href;
  iframe.title = TITLES[kind];
  // Properties, not a style attribute: a host page's CSP may refuse inline styles.
  Object.assign(iframe.style, { display: 'block', width: '100%', height: '0px', border: '0' });

  const onFrameEvent = (name: string, data: unknown) => {
    if (name === 'resize') {
      const height = (data as { height?: unknown } | null)?.height;
      if (typeof height === 'number' && height >= 0 && height <= MAX_HEIGHT) iframe.style.height = `${Math.ceil(height)}px`;
      else counters.count('invalid');
    } else if (name === 'login') {
      options.login();
    } else {
      options.onEvent?.(name, data);
    }
  };

  const onMessage = (event: MessageEvent) => {
    if (event.origin !== server) return counters.count('origin');
    if (event.source === null || event.source !== iframe.contentWindow) return counters.count('source');
    const read = readMessage(event.data, ['ready']);
    if (!read.ok) return counters.count(read.reason);
    if (read.message.payload.nonce !== nonce || read.message.payload.frame !== kind) return counters.count('nonce');
    if (state !== 'loading') return counters.count('replayed');
    counters.count('accepted');
    const channel = new MessageChannel();
    port = createPortEndpoint(channel.port1, {
      handlers: {
        getAccessToken: async () => {
          const accessToken = await options.getAccessToken();
          return { accessToken: typeof accessToken === 'string' && accessToken ? accessToken : null };
        },
      },
      onEvent: onFrameEvent,
      timeoutMs,
      counters,
    });
    event.source.postMessage(envelope('hello', { nonce, appId: options.appId }), { targetOrigin: server, transfer: [channel.port2] });
    state = 'ready';
    clearTimeout(handshakeTimer);
    settle();
  };

  addEventListener('message', onMessage);
  element.appendChild(iframe);

  return {
    ready,
    stats: () => counters.snapshot(),
    request: (method, params) => ready.then(() => port!.request(method, params)),
    emit(name, data) {
      if (!isSafeName(name)) throw new TypeError(`emit: "${String(name)}" is not an event name (letters, digits and _.:- only).`);
      void ready.then(() => port!.emit(name, data), noop);
    },
    unmount() {
      if (state === 'closed') return;
      const wasLoading = state === 'loading';
      state = 'closed';
      clearTimeout(handshakeTimer);
      removeEventListener('message', onMessage);
      port?.close();
      iframe.remove();
      if (wasLoading) settle(new ProtocolError('CLOSED', `The ${kind} frame was unmounted before it loaded.`));
    },
  };
}

function originOf(value: unknown): string | undefined {
  try {
    const url = new URL(String(value));
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.origin : undefined;
  } catch {
    return undefined;
  }
}
