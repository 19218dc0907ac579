import { useSignal } from '@preact/signals';
import { useEffect, useRef } from 'preact/hooks';
import { createApi, describeError } from '../shared/api';
import { Card } from '../shared/layout';
import { answerOpener, isNavigable, sameOriginUrl } from '../shared/navigation';
import type { AuthorizePage } from '../shared/page-data';
import { strings } from '../shared/strings';
import { Done } from './done';

type Decision = { redirectTo?: unknown; webMessage?: { targetOrigin?: unknown; data?: unknown } };
type Action = 'allow' | 'deny' | 'switch';

/** "Continue as ada@example.com": one click, no password, for a user already signed in. */
export function Consent({ data }: { data: AuthorizePage }) {
  const api = createApi(data.csrfToken);
  const busy = useSignal<Action | null>(null);
  const error = useSignal<string | null>(null);
  const answered = useSignal<boolean | null>(null);
  const primary = useRef<HTMLButtonElement>(null);

  useEffect(() => primary.current?.focus(), []);

  function fail(message: string) {
    busy.value = null;
    error.value = message;
    setTimeout(() => document.getElementById('consent-error')?.focus());
  }

  async function decide(decision: 'allow' | 'deny') {
    busy.value = decision;
    error.value = null;
    const result = await api.send<Decision>('POST', '/oauth/authorize/decision', { transaction: data.transaction, decision });
    if (!result.ok) return fail(describeError(result.error));
    const { redirectTo, webMessage } = result.data ?? {};
    if (typeof redirectTo === 'string' && isNavigable(redirectTo)) return location.assign(redirectTo);
    const message = webMessage?.data;
    if (typeof webMessage?.targetOrigin === 'string' && typeof message === 'object' && message !== null) {
      answered.value = answerOpener(webMessage.targetOrigin, message);
      return;
    }
    fail(strings.unexpectedError);
  }

  async function switchAccount() {
    busy.value = 'switch';
    error.value = null;
    const result = await api.send('POST', '/auth/signout', {});
    if (!result.ok) return fail(describeError(result.error));
    location.assign(sameOriginUrl(data.switchAccountUrl, '/login'));
  }

  if (answered.value !== null) return <Done answered={answered.value} />;

  const { app, user } = data;
  const disabled = busy.value !== null;
  return (
    <Card title={strings.authorizeTitle(app.name)}>
      <div class="tg-identity">
        <span class="tg-avatar" aria-hidden="true">
          {(user.name || user.email).charAt(0).toUpperCase()}
        </span>
        <p class="tg-identity-text">
          <span class="tg-visually-hidden">{strings.signedInAs} </span>
          {user.name && <strong>{user.name}</strong>}
          <span class="tg-muted">{user.email}</span>
        </p>
      </div>
      <div id="consent-error" class="tg-alert" role="alert" tabIndex={-1}>
        {error.value}
      </div>
      <div class="tg-actions">
        <button ref={primary} type="button" class="tg-button tg-primary" disabled={disabled} aria-busy={busy.value === 'allow'} onClick={() => decide('allow')}>
          {strings.continueAs(user.email)}
        </button>
        <button type="button" class="tg-button tg-secondary" disabled={disabled} aria-busy={busy.value === 'deny'} onClick={() => decide('deny')}>
          {strings.cancel}
        </button>
      </div>
      <p class="tg-alt">
        {strings.notYou}{' '}
        <button type="button" class="tg-link" disabled={disabled} aria-busy={busy.value === 'switch'} onClick={switchAccount}>
          {strings.switchAccount}
        </button>
      </p>
    </Card>
  );
}
