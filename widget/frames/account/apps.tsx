import type { Api } from '../shared/api';
import { strings } from '../shared/strings';
import { useCollection } from './collection';
import { formatWhen } from './format';
import { focusSection, Section } from './section';

interface App {
  id: string;
  name: string;
  lastUsedAt: string | null;
}

const ID = 'apps';

/** The apps the user signed in to; signing out of one revokes its tokens. */
export function Apps({ api }: { api: Api }) {
  const apps = useCollection<App>(api, '/auth/apps', 'apps');
  const list = apps.items.value;

  async function disconnect(app: App) {
    await apps.remove(app.id, strings.signedOutOf(app.name));
    focusSection(ID);
  }

  return (
    <Section id={ID} title={strings.appsHeading}>
      <div class="tg-alert" role="alert">
        {apps.error.value}
      </div>
      <p class="tg-status" role="status">
        {apps.status.value}
      </p>
      {list === null && !apps.error.value && <p class="tg-muted">{strings.loading}</p>}
      {list?.length === 0 && <p class="tg-muted">{strings.noApps}</p>}
      {list && list.length > 0 && (
        <ul class="tg-list">
          {list.map((app) => (
            <li key={app.id} class="tg-row">
              <div class="tg-row-text">
                <strong>{app.name}</strong>
                {app.lastUsedAt && <span class="tg-muted">{strings.lastUsed(formatWhen(app.lastUsedAt))}</span>}
              </div>
              <button
                type="button"
                class="tg-button tg-secondary tg-small"
                aria-label={strings.disconnectApp(app.name)}
                disabled={apps.removing.value !== null}
                aria-busy={apps.removing.value === app.id}
                onClick={() => disconnect(app)}
              >
                {strings.disconnect}
              </button>
            </li>
          ))}
        </ul>
      )}
    </Section>
  );
}
