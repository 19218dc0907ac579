// The sign-in popup. It must open synchronously inside the click (user activation lasts a few
// seconds and never survives an await), so it opens on about:blank and is sent to
// /oauth/authorize once PKCE is ready; its answer is accepted only from the Tollgate origin,
// only from that window, and only for the state this sign-in sent.
import { tollgateError } from './errors';

const WIDTH = 480;
const HEIGHT = 640;

/** Opens the (blank) sign-in window; `null` when the browser blocked it. */
export function openPopup(): Window | null {
  const left = Math.max(0, window.screenX + (window.outerWidth - WIDTH) / 2);
  const top = Math.max(0, window.screenY + (window.outerHeight - HEIGHT) / 2);
  return window.open('about:blank', 'tollgate_signin', `popup,width=${WIDTH},height=${HEIGHT},left=${left},top=${top}`);
}

export interface PendingAnswer {
  /** The authorization code. */
  code: Promise<string>;
  /** Stops waiting: the promise rejects with LOGIN_CANCELLED. */
  cancel(): void;
}

/**
 * Waits for `{ type: 'authorization_response', code, state, iss }` from `popup`. A popup closed
 * without an answer rejects with POPUP_CLOSED (after a short grace: the answer is posted just
 * before the window closes itself).
 */
export function waitForAnswer(popup: Window, server: string, state: string): PendingAnswer {
  let cancel = () => {};
  const code = new Promise<string>((resolve, reject) => {
    let closedTicks = 0;
    const finish = (settle: () => void) => {
      removeEventListener('message', onMessage);
      clearInterval(timer);
      settle();
    };
    const onMessage = (event: MessageEvent) => {
      const data = event.data;
      if (event.origin !== server || event.source !== popup) return;
      if (typeof data !== 'object' || data === null || data.type !== 'authorization_response' || data.state !== state) return;
      finish(() => {
        // RFC 9207: the answer names its issuer; a mix-up attack names another.
        if (data.iss !== server) reject(tollgateError('INVALID_CALLBACK', `The answer came with iss=${data.iss}, not ${server}.`));
        else if (data.error || typeof data.code !== 'string') {
          reject(tollgateError('AUTHORIZATION_FAILED', `Sign-in failed: ${data.error} ${data.error_description ?? ''}`.trim(), { oauthError: data.error }));
        } else resolve(data.code);
      });
    };
    const timer = setInterval(() => {
      if (popup.closed && ++closedTicks > 2) {
        finish(() => reject(tollgateError('POPUP_CLOSED', 'The sign-in window was closed before it answered.')));
      }
    }, 250);
    addEventListener('message', onMessage);
    cancel = () => finish(() => reject(tollgateError('LOGIN_CANCELLED', 'Another sign-in started before this one finished.')));
  });
  return { code, cancel };
}
