import { useSignal } from '@preact/signals';
import { describeError, type Api } from '../shared/api';
import { strings } from '../shared/strings';
import { useCollection } from './collection';
import { describeDevice, formatWhen } from './format';
import { focusSection, Section } from './section';

interface Session {
  id: string;
  current: boolean;
  createdAt: string;
  lastSeenAt: string;
  ip: string | null;
  userAgent: string | null;
}

const ID = 'sessions';

/** Where the user is signed in; sign out of one device, this one, or all of them. */
export function Sessions({ api }: { api: Api }) {
  const sessions = useCollection<Session>(api, '/auth/sessions', 'sessions');
  const leaving = useSignal<'here' | 'everywhere' | null>(null);
  const list = sessions.items.value;
  const busy = leaving.value !== null || sessions.removing.value !== null;

  async function signOut(everywhere: boolean) {
    leaving.value = everywhere ? 'everywhere' : 'here';
    sessions.error.value = null;
    const result = await api.send('POST', '/auth/signout', everywhere ? { everywhere: true } : {});
    if (result.ok) return location.assign('/login');
    leaving.value = null;
    sessions.error.value = describeError(result.error);
    focusSection(ID);
  }

  async function revoke(session: Session, device: string) {
    await sessions.remove(session.id, strings.signedOutOf(device));
    focusSection(ID);
  }

  return (
    <Section id={ID} title={strings.sessionsHeading}>
      <div class="tg-alert" role="alert">
        {sessions.error.value}
      </div>
      <p class="tg-status" role="status">
        {sessions.status.value}
      </p>
      {list === null ? (
        !sessions.error.value && <p class="tg-muted">{strings.loading}</p>
      ) : (
        <ul class="tg-list">
          {list.map((session) => {
            const device = describeDevice(session.userAgent);
            return (
              <li key={session.id} class="tg-row">
                <div class="tg-row-text">
                  <strong>{device}</strong>
                  {session.current && <span class="tg-badge">{strings.thisDevice}</span>}
                  <span class="tg-muted">
                    {strings.lastSeen(formatWhen(session.lastSeenAt))}
                    {session.ip && ` · ${session.ip}`}
                  </span>
                </div>
                {!session.current && (
                  <button
                    type="button"
                    class="tg-button tg-secondary tg-small"
                    aria-label={strings.signOutSession(device)}
                    disabled={busy}
                    aria-busy={sessions.removing.value === session.id}
                    onClick={() => revoke(session, device)}
                  >
                    {strings.signOut}
                  </button>
                )}
              </li>
            );
          })}
        </ul>
      )}
      <div class="tg-actions tg-inline">
        <button type="button" class="tg-button tg-secondary" disabled={busy} aria-busy={leaving.value === 'here'} onClick={() => signOut(false)}>
          {strings.signOut}
        </button>
        <button type="button" class="tg-button tg-danger" disabled={busy} aria-busy={leaving.value === 'everywhere'} onClick={() => signOut(true)}>
          {strings.signOutEverywhere}
        </button>
      </div>
    </Section>
  );
}
