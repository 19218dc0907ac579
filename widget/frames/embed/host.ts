import { createCounters, createPortEndpoint, envelope, readMessage, type Counters, type PortEndpoint, type PortEndpointOptions } from '../../protocol/index';
import type { EmbedPage } from './page-data';

/**
 * The frame's side of the handshake: posts `ready` to the parent at the registered origin the
 * server confirmed, then takes the first `hello` that comes from the parent window, from that
 * origin, with this page's nonce and app and one port. Everything else is ignored and counted.
 * Returns `undefined` when the parent is not the page the URL names (nothing is posted).
 */
export function connectToHost(data: EmbedPage, options: Omit<PortEndpointOptions, 'counters'>, counters: Counters = createCounters()): Promise<PortEndpoint> | undefined {
  // Where the browser tells us (Chromium, Safari), refuse before posting: a `ready` addressed
  // to an origin the parent does not have would only log an error in the console.
  const parentOrigin = location.ancestorOrigins?.[0];
  if (parentOrigin !== undefined && parentOrigin !== data.origin) return undefined;

  return new Promise((resolve) => {
    let connected = false;
    addEventListener('message', (event) => {
      if (event.source === null || event.source !== window.parent) return counters.count('source');
      if (event.origin !== data.origin) return counters.count('origin');
      const read = readMessage(event.data, ['hello']);
      if (!read.ok) return counters.count(read.reason);
      const { nonce, appId } = read.message.payload;
      if (nonce !== data.nonce || appId !== data.appId) return counters.count('nonce');
      const port = event.ports.length === 1 ? event.ports[0] : undefined;
      if (!port) return counters.count('invalid');
      if (connected) return counters.count('replayed');
      connected = true;
      counters.count('accepted');
      resolve(createPortEndpoint(port, { ...options, counters }));
    });
    window.parent.postMessage(envelope('ready', { nonce: data.nonce, frame: data.frame }), data.origin);
  });
}
