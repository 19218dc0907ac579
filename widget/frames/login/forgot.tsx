import { useSignal } from '@preact/signals';
import { check, Field, Form, useFormState } from '../shared/form';
import { Card } from '../shared/layout';
import { strings } from '../shared/strings';
import { initialError, ViewLink, type LoginViewProps } from './common';

export function Forgot({ data, api }: LoginViewProps) {
  const email = useSignal(data.email ?? '');
  const state = useFormState('forgot', initialError(data));
  return (
    <Card title={strings.forgotTitle} subtitle={strings.forgotIntro}>
      <Form
        state={state}
        submitLabel={strings.forgotSubmit}
        validate={() => check.email(email.value)}
        send={() => api.send('POST', '/auth/password/forgot', { email: email.value.trim() })}
        // Always 202, whether or not the account exists: the page must not tell either.
        onSuccess={() => void (state.done.value = strings.forgotSent)}
      >
        <Field state={state} name="email" label={strings.email} type="email" autocomplete="email" value={email} autofocus required />
      </Form>
      <ViewLink view="signin">{strings.backToSignin}</ViewLink>
    </Card>
  );
}
