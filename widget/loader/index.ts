import { createTollgate, PROTOCOL_VERSION, type Tollgate } from '../core/index';

/**
 * The script-tag build (`/widget.js`):
 *   <script src="https://id.example.com/widget.js" data-app-id="app_…" async></script>
 * sets `window.Tollgate` and dispatches `tollgate:ready` on `document`. The server origin
 * defaults to the script's own origin.
 */
interface TollgateGlobal {
  version: string;
  protocolVersion: typeof PROTOCOL_VERSION;
  create: typeof createTollgate;
  /** The client configured from the script tag's `data-*` attributes, when they were given. */
  client?: Tollgate;
}

declare global {
  interface Window {
    Tollgate?: TollgateGlobal;
  }
}

declare const __VERSION__: string;

function boot() {
  // An existing global from a second copy of the script wins: one client per page.
  if (window.Tollgate) return;
  const script = document.currentScript as HTMLScriptElement | null;
  const global: TollgateGlobal = { version: __VERSION__, protocolVersion: PROTOCOL_VERSION, create: createTollgate };
  if (script?.dataset.appId) {
    try {
      global.client = createTollgate({ appId: script.dataset.appId, server: script.dataset.server ?? new URL(script.src).origin });
    } catch (error) {
      console.error(`[tollgate] ${(error as Error).message}`);
    }
  }
  window.Tollgate = global;
  document.dispatchEvent(new CustomEvent('tollgate:ready', { detail: global }));
}

boot();
