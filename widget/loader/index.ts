import { createTollgate, isTollgateError, PROTOCOL_VERSION, type FrameKind, type Tollgate, type TollgateUser } from '../core/index';

/**
 * The script-tag build (`/widget.js`), for a blank HTML page:
 *
 *   <script src="https://id.example.com/widget.js" data-app-id="app_…" async></script>
 *   <button data-tollgate="login">Sign in</button>
 *   <button data-tollgate="logout" data-everywhere hidden>Sign out everywhere</button>
 *   <div data-tollgate="balance"></div>
 *
 * It sets `window.Tollgate` (`version`, `protocolVersion`, `create`, `isTollgateError`, and
 * `client` when `data-app-id` is given), finishes a redirect sign-in, wires every
 * `data-tollgate` element, and dispatches on `document`:
 * - `tollgate:ready` (detail: the global) as soon as the script ran;
 * - `tollgate:auth` (detail: `{ signedIn, user? }`) once at start and on every change, in this
 *   tab or another;
 * - `tollgate:error` (detail: the TollgateError) for failures nobody else sees; a person
 *   closing the sign-in window is not one;
 * - each frame's own events as `tollgate:<name>`.
 *
 * Elements: `<button data-tollgate="login">` is a plain sign-in button (popup; add
 * `data-fallback="redirect"` to redirect when the popup is blocked), `<button
 * data-tollgate="logout">` signs out (`data-everywhere`: every session); the widget hides the
 * one that does not apply. Any other element with `login`, `purchase`, `subscription` or
 * `balance` gets that Tollgate frame. Script attributes: `data-app-id`; `data-server` (default:
 * the script's own origin); `data-cache="memory"` (default localStorage); `data-redirect-uri`.
 */
interface TollgateGlobal {
  version: string;
  protocolVersion: typeof PROTOCOL_VERSION;
  create: typeof createTollgate;
  isTollgateError: typeof isTollgateError;
  /** The client configured from the script tag's `data-*` attributes, when they were given. */
  client?: Tollgate;
}

declare global {
  interface Window {
    Tollgate?: TollgateGlobal;
  }
}

declare const __VERSION__: string;
const FRAMES = ['login', 'purchase', 'subscription', 'balance'];
/** The loader's own event names: a frame's event of the same name is not forwarded. */
const OWN = ['ready', 'auth', 'error'];

const emit = (name: string, detail: unknown) => document.dispatchEvent(new CustomEvent(`tollgate:${name}`, { detail }));

function boot() {
  // An existing global from a second copy of the script wins: one client per page.
  if (window.Tollgate) return;
  const script = (document.currentScript ?? document.querySelector('script[data-app-id][src$="/widget.js"]')) as HTMLScriptElement | null;
  const data = script?.dataset ?? {};
  const global: TollgateGlobal = { version: __VERSION__, protocolVersion: PROTOCOL_VERSION, create: createTollgate, isTollgateError };
  if (data.appId) {
    try {
      global.client = createTollgate({
        appId: data.appId,
        server: data.server ?? new URL(script!.src).origin,
        cacheLocation: data.cache === 'memory' ? 'memory' : 'localstorage',
        redirectUri: data.redirectUri,
      });
    } catch (error) {
      console.error(`[tollgate] ${(error as Error).message}`);
    }
  }
  window.Tollgate = global;
  emit('ready', global);
  const client = global.client;
  if (!client) return;
  const fail = (error: unknown) => emit('error', error);
  const start = async () => {
    if (client.auth.isRedirectCallback()) await client.auth.handleRedirectCallback().catch(fail);
    mountAll(client, fail);
    let last: string | undefined;
    const announce = () =>
      client.auth.getUser().then((user: TollgateUser | null) => {
        showButtons(!!user);
        if ((user?.id ?? '') === last) return;
        last = user?.id ?? '';
        emit('auth', user ? { signedIn: true, user } : { signedIn: false });
      }, fail);
    client.auth.onChange(announce);
    await announce();
  };
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else void start();
}

function mountAll(client: Tollgate, fail: (error: unknown) => void) {
  for (const element of document.querySelectorAll<HTMLElement>('[data-tollgate]')) {
    const kind = element.dataset.tollgate!;
    const button = element.tagName === 'BUTTON';
    if (button && (kind === 'login' || kind === 'logout')) {
      element.hidden = client.auth.isAuthenticated() === (kind === 'login');
      element.addEventListener('click', () => {
        // login() opens the popup before its first await: still inside the click.
        const pending = kind === 'login' ? client.auth.login({ fallback: element.dataset.fallback === 'redirect' ? 'redirect' : 'none' }) : client.auth.logout({ everywhere: 'everywhere' in element.dataset });
        pending.catch((error) => {
          if (!isTollgateError(error) || (error.code !== 'POPUP_CLOSED' && error.code !== 'LOGIN_CANCELLED')) fail(error);
        });
      });
    } else if (FRAMES.includes(kind)) {
      try {
        client.mount(element, kind as FrameKind, { onEvent: (name, detail) => OWN.includes(name) || emit(name, detail), onError: fail }).ready.catch(fail);
      } catch (error) {
        fail(error);
      }
    }
  }
}

function showButtons(signedIn: boolean) {
  for (const element of document.querySelectorAll<HTMLElement>('button[data-tollgate="login"], button[data-tollgate="logout"]')) {
    element.hidden = signedIn === (element.dataset.tollgate === 'login');
  }
}

boot();
