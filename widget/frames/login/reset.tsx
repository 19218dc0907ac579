import { useSignal } from '@preact/signals';
import type { User } from '../shared/api';
import { check, Form, NewPasswordField, useFormState } from '../shared/form';
import { Card } from '../shared/layout';
import { strings } from '../shared/strings';
import { initialError, leave, ViewLink, type LoginViewProps } from './common';

const FIELDS = { WEAK_PASSWORD: ['password'] } as const;

export function Reset({ data, api }: LoginViewProps) {
  const password = useSignal('');
  const state = useFormState('reset', initialError(data, FIELDS));
  const token = data.token;
  if (!token) {
    return (
      <Card title={strings.resetTitle}>
        <p class="tg-alert" role="alert">
          {strings.resetNoToken}
        </p>
        <ViewLink view="forgot">{strings.requestNewLink}</ViewLink>
      </Card>
    );
  }
  return (
    <Card title={strings.resetTitle}>
      <Form
        state={state}
        submitLabel={strings.resetSubmit}
        validate={() => check.newPassword(password.value)}
        send={() => api.send<{ user: User }>('POST', '/auth/password/reset', { token, password: password.value })}
        fieldsFor={FIELDS}
        onSuccess={() => leave(data.returnTo)}
      >
        {/* Lets a password manager file the new password under the right account. */}
        {data.email && <input type="email" name="username" autocomplete="username" value={data.email} hidden readOnly />}
        <NewPasswordField state={state} name="password" label={strings.newPassword} value={password} autofocus />
      </Form>
      <ViewLink view="forgot">{strings.requestNewLink}</ViewLink>
    </Card>
  );
}
