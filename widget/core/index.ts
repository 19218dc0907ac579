import { PROTOCOL_VERSION } from '../protocol/index';

export { PROTOCOL_VERSION } from '../protocol/index';

export interface TollgateOptions {
  /** The app id from `tollgate apps create` (`app_…`). */
  appId: string;
  /** The Tollgate server's origin, e.g. `https://id.example.com`. */
  server: string;
}

export interface Tollgate {
  readonly appId: string;
  readonly server: string;
  readonly protocolVersion: typeof PROTOCOL_VERSION;
}

const APP_ID = /^app_[a-z0-9_]{4,60}$/;

/**
 * Creates the browser client for one app.
 *
 * @example
 * import { createTollgate } from 'tollgate';
 * const tollgate = createTollgate({ appId: 'app_…', server: 'https://id.example.com' });
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
  return Object.freeze({ appId: options.appId, server, protocolVersion: PROTOCOL_VERSION });
}
