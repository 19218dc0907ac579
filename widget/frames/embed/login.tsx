import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { createApi, type User } from '../shared/api';
import type { FrameSession } from './session';
import { embedStrings as t } from './strings';
import { FrameCard, SignedInState } from './views';

/**
 * The Tollgate session, when this frame can see it. The session cookie reaches a frame only
 * where the browser grants it storage access (a same-site app, or a granted Storage Access
 * request); third-party cookies are never relied on (DESIGN: Identity). Shown in this frame
 * only: the host page never learns it.
 */
async function tollgateSession(): Promise<User | null> {
  if (typeof document.hasStorageAccess !== 'function') return null;
  const granted = await document.hasStorageAccess().catch(() => false);
  if (!granted) return null;
  const result = await createApi('').get<{ user: User }>('/auth/me');
  return result.ok ? result.data.user : null;
}

/**
 * The embedded login frame. "Continue" does not sign in here: it tells the host, which opens
 * the sign-in popup on the Tollgate origin while the click's user activation lasts (it reaches
 * the frame's ancestors). When the host has its token, it says `auth` and this shows the user.
 */
export function Login({ session }: { session: FrameSession }) {
  const known = useSignal<User | null>(null);
  const clicked = useSignal(false);
  const state = session.user.value;

  useEffect(() => {
    void tollgateSession().then((user) => (known.value = user), () => {});
  }, []);

  const who = known.value ? known.value.email || known.value.name : '';
  return (
    <FrameCard title={t.titles.login} subtitle={t.toContinueTo(session.data.app.name)}>
      {state.status === 'signed-in' ? (
        <SignedInState state={state} signedOut="" />
      ) : (
        <>
          <button
            type="button"
            class="tg-button tg-primary"
            disabled={session.connection.value !== 'connected'}
            onClick={() => {
              session.login();
              clicked.value = true;
            }}
          >
            {who ? t.continueAs(who) : t.continueWithTollgate}
          </button>
          <p class="tg-status" role="status">
            {clicked.value ? t.continueInWindow : ''}
          </p>
        </>
      )}
    </FrameCard>
  );
}
