import { useSignal } from '@preact/signals';
import type { User } from '../shared/api';
import { check, Field, NewPasswordField, firstError, Form, useFormState } from '../shared/form';
import { Card } from '../shared/layout';
import { strings } from '../shared/strings';
import { initialError, leave, ViewLink, type LoginViewProps } from './common';

const FIELDS = { EMAIL_TAKEN: ['email'], WEAK_PASSWORD: ['password'] } as const;

export function SignUp({ data, api }: LoginViewProps) {
  const name = useSignal('');
  const email = useSignal(data.email ?? '');
  const password = useSignal('');
  const state = useFormState('signup', initialError(data, FIELDS));
  return (
    <Card title={strings.signupTitle} subtitle={data.app && strings.toContinueTo(data.app.name)}>
      <Form
        state={state}
        submitLabel={strings.signupSubmit}
        validate={() =>
          firstError(
            check.required(name.value, strings.nameRequired, 'name'),
            check.email(email.value),
            check.newPassword(password.value),
          )
        }
        send={() =>
          api.send<{ user: User }>('POST', '/auth/signup', { name: name.value.trim(), email: email.value.trim(), password: password.value })
        }
        fieldsFor={FIELDS}
        onSuccess={() => leave(data.returnTo)}
      >
        <Field state={state} name="name" label={strings.name} autocomplete="name" value={name} autofocus required />
        <Field state={state} name="email" label={strings.email} type="email" autocomplete="email" value={email} required />
        <NewPasswordField state={state} name="password" label={strings.password} value={password} />
      </Form>
      <ViewLink view="signin" lead={strings.haveAccount}>
        {strings.signinLink}
      </ViewLink>
    </Card>
  );
}
