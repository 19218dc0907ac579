import { useSignal } from '@preact/signals';
import type { User } from '../shared/api';
import { check, Field, firstError, Form, useFormState } from '../shared/form';
import { Card } from '../shared/layout';
import { strings } from '../shared/strings';
import { initialError, leave, ViewLink, type LoginViewProps } from './common';

const FIELDS = { INVALID_CREDENTIALS: ['password'] } as const;

export function SignIn({ data, api }: LoginViewProps) {
  const email = useSignal(data.email ?? '');
  const password = useSignal('');
  const state = useFormState('signin', initialError(data, FIELDS));
  return (
    <Card title={strings.signinTitle} subtitle={data.app && strings.toContinueTo(data.app.name)}>
      <Form
        state={state}
        submitLabel={strings.signinSubmit}
        validate={() => firstError(check.email(email.value), check.password(password.value))}
        send={() => api.send<{ user: User }>('POST', '/auth/signin', { email: email.value.trim(), password: password.value })}
        fieldsFor={FIELDS}
        onSuccess={() => leave(data.returnTo)}
      >
        <Field state={state} name="email" label={strings.email} type="email" autocomplete="email" value={email} autofocus={!data.email} required />
        <Field state={state} name="password" label={strings.password} type="password" autocomplete="current-password" value={password} autofocus={!!data.email} required />
      </Form>
      <ViewLink view="forgot">{strings.forgotLink}</ViewLink>
      <ViewLink view="signup" lead={strings.noAccount}>
        {strings.signupLink}
      </ViewLink>
    </Card>
  );
}
