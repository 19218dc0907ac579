// Entry of `/assets/account.js`: the signed-in user's profile, password, devices and apps.
import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { createApi, describeError, type Api, type User } from '../shared/api';
import { Card, focusTitle, mount } from '../shared/layout';
import { strings } from '../shared/strings';
import { Apps } from './apps';
import { Password } from './password';
import { Profile } from './profile';
import { Sessions } from './sessions';

const SIGN_IN = `/login?return_to=${encodeURIComponent('/account')}`;

function Account({ api }: { api: Api }) {
  const user = useSignal<User | null>(null);
  /** Why there is no user: signed out (401) or the request failed. */
  const problem = useSignal<{ signedOut: boolean; message: string } | null>(null);

  useEffect(() => {
    void api.get<{ user: User }>('/auth/me').then((result) => {
      if (result.ok) {
        user.value = result.data.user;
        return;
      }
      const signedOut = result.error.status === 401;
      problem.value = { signedOut, message: signedOut ? strings.signedOut : describeError(result.error) };
      focusTitle();
    });
  }, []);

  const me = user.value;
  if (!me) {
    return (
      <Card title={strings.accountTitle} wide>
        {problem.value ? (
          <>
            <p role="alert" class="tg-alert">
              {problem.value.message}
            </p>
            {problem.value.signedOut && (
              <a class="tg-button tg-primary" href={SIGN_IN}>
                {strings.signinLink}
              </a>
            )}
          </>
        ) : (
          <p class="tg-muted">{strings.loading}</p>
        )}
      </Card>
    );
  }
  return (
    <Card title={strings.accountTitle} subtitle={me.email} wide>
      <Profile api={api} user={me} onSaved={(next) => (user.value = next)} />
      <Password api={api} user={me} />
      <Sessions api={api} />
      <Apps api={api} />
    </Card>
  );
}

mount(['account'], (data) => <Account api={createApi(data.csrfToken)} />);
