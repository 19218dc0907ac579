import { useSignal } from '@preact/signals';
import type { Api, User } from '../shared/api';
import { check, Field, NewPasswordField, firstError, Form, useFormState } from '../shared/form';
import { strings } from '../shared/strings';
import { Section } from './section';

const FIELDS = { INVALID_CREDENTIALS: ['currentPassword'], WEAK_PASSWORD: ['newPassword'] } as const;

export function Password({ api, user }: { api: Api; user: User }) {
  const current = useSignal('');
  const next = useSignal('');
  const state = useFormState('password');
  return (
    <Section id="password" title={strings.passwordHeading}>
      <Form
        state={state}
        submitLabel={strings.changePassword}
        validate={() => firstError(check.password(current.value, 'currentPassword'), check.newPassword(next.value, 'newPassword'))}
        send={() => api.send('POST', '/auth/password/change', { currentPassword: current.value, newPassword: next.value })}
        fieldsFor={FIELDS}
        onSuccess={() => {
          current.value = next.value = '';
          state.done.value = strings.passwordChanged;
        }}
      >
        {/* Lets a password manager file the new password under the right account. */}
        <input type="email" name="username" autocomplete="username" value={user.email} hidden readOnly />
        <Field state={state} name="currentPassword" label={strings.currentPassword} type="password" autocomplete="current-password" value={current} required />
        <NewPasswordField state={state} name="newPassword" label={strings.newPassword} value={next} />
      </Form>
    </Section>
  );
}
