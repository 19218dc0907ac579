import { signal } from '@preact/signals';
import { PROTOCOL_VERSION, createCounters, type PortEndpoint } from '../../protocol/index';
import { connectToHost } from './host';
import type { EmbedPage } from './page-data';

/** The person as a frame shows them: never sent back to the host page. */
export interface ShownUser {
  label: string;
}

/** `loading` until the host answered; `unknown` when asking failed (shown as such, not as signed out). */
export type UserState = { status: 'loading' } | { status: 'signed-out' } | { status: 'signed-in'; user: ShownUser } | { status: 'unknown' };

const JWT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/**
 * One frame's connection to its host and what it knows: whether the handshake completed, and
 * who is signed in to the app (the host's token, read through `GET /v1/me`). The host says
 * `auth` when that changes; the frame then asks for the token again.
 *
 * @example
 * const session = createFrameSession(data);
 * session.start();
 */
export function createFrameSession(data: EmbedPage) {
  /** `refused`: the parent is not the page the frame URL names, so no `ready` was posted. */
  const connection = signal<'connecting' | 'connected' | 'refused'>('connecting');
  const user = signal<UserState>({ status: 'loading' });
  const counters = createCounters();
  let host: PortEndpoint | undefined;
  let height = -1;
  let sent = -1;
  let generation = 0;

  async function whoIsSignedIn(): Promise<UserState> {
    try {
      const answer = (await host!.request('getAccessToken')) as { accessToken?: unknown } | null;
      const token = answer?.accessToken;
      if (token === null) return { status: 'signed-out' };
      if (typeof token !== 'string' || token.length > 8192 || !JWT.test(token)) return { status: 'unknown' };
      const response = await fetch('/v1/me', { headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' }, credentials: 'omit', cache: 'no-store' });
      if (response.status === 401) return { status: 'signed-out' };
      const body = (await response.json()) as { user?: { email?: unknown; name?: unknown }; appId?: unknown };
      if (!response.ok || body.appId !== data.appId) return { status: 'unknown' };
      const label = [body.user?.email, body.user?.name].find((v): v is string => typeof v === 'string' && v !== '');
      return { status: 'signed-in', user: { label: label ?? 'you' } };
    } catch {
      return { status: 'unknown' };
    }
  }

  /** Asks again; only the latest answer is shown. */
  async function refresh(): Promise<UserState> {
    const mine = ++generation;
    const state = await whoIsSignedIn();
    if (mine === generation) user.value = state;
    return state;
  }

  function sendHeight() {
    if (host && height !== sent) {
      sent = height;
      host.emit('resize', { height });
    }
  }

  return {
    data,
    connection,
    user,
    counters,
    start() {
      const connecting = connectToHost(
        data,
        {
          handlers: {
            ping: () => ({ frame: data.frame, protocol: PROTOCOL_VERSION }),
            refresh: async () => ({ signedIn: (await refresh()).status === 'signed-in' }),
          },
          onEvent: (name) => {
            if (name === 'auth') void refresh();
          },
        },
        counters,
      );
      if (!connecting) {
        connection.value = 'refused';
        user.value = { status: 'unknown' };
        return;
      }
      void connecting.then((endpoint) => {
        host = endpoint;
        connection.value = 'connected';
        sendHeight();
        void refresh();
      });
    },
    /** Reported to the host (once connected) whenever it changes. */
    setHeight(next: number) {
      height = next;
      sendHeight();
    },
    /** The user clicked "Continue": the host opens the sign-in popup. */
    login() {
      host?.emit('login');
    },
  };
}

export type FrameSession = ReturnType<typeof createFrameSession>;
