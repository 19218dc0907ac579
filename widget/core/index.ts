import { PROTOCOL_VERSION } from '../protocol/index';
import { createAuth, type TollgateAuth } from './auth';
import { mountFrame, type FrameKind, type MountedFrame } from './frames';
import type { CacheLocation } from './token-store';

export { PROTOCOL_VERSION } from '../protocol/index';
export { isTollgateError, type TollgateError, type TollgateErrorCode } from './errors';
export type { AuthChange, LoginOptions, TollgateAuth, TollgateUser } from './auth';
export type { FrameKind, MountedFrame } from './frames';
export type { CacheLocation } from './token-store';

export interface TollgateOptions {
  /** The app id from `tollgate apps create` (`app_…`). */
  appId: string;
  /** The Tollgate server's origin, e.g. `https://id.example.com`. */
  server: string;
  /**
   * Where tokens are kept: `'localstorage'` (the default: they survive a reload and every tab
   * shares them, under the key `tollgate:<appId>`) or `'memory'` (each page load signs in again).
   */
  cacheLocation?: CacheLocation;
  /** Where redirect sign-in returns to; registered for the app. Default: this page, without its query. */
  redirectUri?: string;
}

export interface MountOptions {
  /** The frame's events (`balance`, `purchase`, …), as the frame names them. */
  onEvent?(name: string, data: unknown): void;
  /** A sign-in started from the frame failed (POPUP_CLOSED and LOGIN_CANCELLED included). */
  onError?(error: unknown): void;
  /** Limit for the handshake and each request, in ms (default 10 000). */
  timeoutMs?: number;
}

export interface Tollgate {
  readonly appId: string;
  readonly server: string;
  readonly protocolVersion: typeof PROTOCOL_VERSION;
  readonly auth: TollgateAuth;
  /** Mounts a Tollgate frame in `element`; `unmount()` removes it. */
  mount(element: HTMLElement, kind: FrameKind, options?: MountOptions): MountedFrame;
}

const APP_ID = /^app_[a-z0-9_]{4,60}$/;

/**
 * Creates the browser client for one app. Safe to call during server-side rendering: nothing
 * touches `window` until a method runs in the browser.
 *
 * @example
 * import { createTollgate } from 'tollgate';
 * const tollgate = createTollgate({ appId: 'app_…', server: 'https://id.example.com' });
 * button.onclick = () => tollgate.auth.login().catch((e) => alert(e.userMessage));
 */
export function createTollgate(options: TollgateOptions): Tollgate {
  if (!options || typeof options.appId !== 'string' || !APP_ID.test(options.appId)) {
    throw new TypeError('createTollgate: `appId` must be the app id printed by `tollgate apps create` (app_…).');
  }
  let server: string;
  try {
    const url = new URL(options.server);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error();
    server = url.origin;
  } catch {
    throw new TypeError('createTollgate: `server` must be the Tollgate origin, e.g. "https://id.example.com".');
  }
  const { appId, cacheLocation = 'localstorage', redirectUri } = options;
  if (cacheLocation !== 'localstorage' && cacheLocation !== 'memory') {
    throw new TypeError('createTollgate: `cacheLocation` must be "localstorage" or "memory".');
  }
  const auth = createAuth(appId, server, cacheLocation, redirectUri);

  function mount(element: HTMLElement, kind: FrameKind, { onEvent, onError, timeoutMs }: MountOptions = {}): MountedFrame {
    const frame = mountFrame(element, kind, {
      appId,
      server,
      getAccessToken: auth.getAccessToken,
      login: () => void auth.login().catch((error) => onError?.(error)),
      onEvent,
      timeoutMs,
    });
    // The frame follows sign-in and sign-out, in this tab or another.
    const off = auth.onChange((change) => frame.emit('auth', change));
    return { ...frame, unmount: () => (off(), frame.unmount()) };
  }

  return Object.freeze({ appId, server, protocolVersion: PROTOCOL_VERSION, auth, mount });
}
