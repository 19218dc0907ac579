import { useSignal } from '@preact/signals';
import type { Api, User } from '../shared/api';
import { check, Field, Form, useFormState } from '../shared/form';
import { strings } from '../shared/strings';
import { formatDate } from './format';
import { Section } from './section';

/** Who the user is: email (and whether it is verified), name, and since when. */
export function Profile({ api, user, onSaved }: { api: Api; user: User; onSaved: (user: User) => void }) {
  const { email, emailVerified, createdAt } = user;
  const name = useSignal(user.name);
  const state = useFormState('profile');
  const resend = useFormState('resend');
  return (
    <Section id="profile" title={strings.profileHeading}>
      <dl class="tg-facts">
        <dt>{strings.email}</dt>
        <dd>
          {email}{' '}
          <span class={emailVerified ? 'tg-badge' : 'tg-badge tg-warn'}>{emailVerified ? strings.emailVerified : strings.emailUnverified}</span>
        </dd>
      </dl>
      {!emailVerified && (
        <Form
          state={resend}
          secondary
          submitLabel={strings.resendVerification}
          send={() => api.send('POST', '/auth/email/resend', {})}
          onSuccess={() => void (resend.done.value = strings.resent)}
        >
          {null}
        </Form>
      )}
      <Form
        state={state}
        submitLabel={strings.save}
        validate={() => check.required(name.value, strings.nameRequired, 'name')}
        send={() => api.send<{ user: User }>('PATCH', '/auth/me', { name: name.value.trim() })}
        onSuccess={(data) => {
          if (data?.user) onSaved(data.user);
          state.done.value = strings.saved;
        }}
      >
        <Field state={state} name="name" label={strings.name} autocomplete="name" value={name} required />
      </Form>
      <p class="tg-muted">{strings.memberSince(formatDate(createdAt))}</p>
    </Section>
  );
}
