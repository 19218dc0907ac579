import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { describeError, type User } from '../shared/api';
import { Form, useFormState } from '../shared/form';
import { Card, focusTitle } from '../shared/layout';
import { safeReturnTo } from '../shared/navigation';
import { strings } from '../shared/strings';
import type { LoginViewProps } from './common';

type Outcome = { state: 'pending' } | { state: 'verified' } | { state: 'failed'; message: string };

/** Posts the emailed token as soon as the page loads; offers a new link when it fails. */
export function Verify({ data, api }: LoginViewProps) {
  const outcome = useSignal<Outcome>(data.token ? { state: 'pending' } : { state: 'failed', message: data.error?.message ?? strings.resetNoToken });
  const resend = useFormState('resend');

  useEffect(() => {
    if (!data.token) return;
    void api.send<{ user: User }>('POST', '/auth/email/verify', { token: data.token }).then((result) => {
      outcome.value = result.ok ? { state: 'verified' } : { state: 'failed', message: describeError(result.error) };
      focusTitle();
    });
  }, []);

  const current = outcome.value;
  return (
    <Card title={strings.verifyTitle}>
      <div aria-live="polite" class="tg-stack">
        {current.state === 'pending' && <p class="tg-muted">{strings.verifying}</p>}
        {current.state === 'verified' && (
          <>
            <p class="tg-success">{strings.verified}</p>
            <a class="tg-button tg-primary" href={safeReturnTo(data.returnTo)}>
              {strings.continue}
            </a>
          </>
        )}
        {current.state === 'failed' && <p class="tg-alert">{current.message}</p>}
      </div>
      {current.state === 'failed' && (
        <Form
          state={resend}
          submitLabel={strings.resendVerification}
          send={() => api.send('POST', '/auth/email/resend', {})}
          onSuccess={() => void (resend.done.value = strings.resent)}
        >
          {null}
        </Form>
      )}
    </Card>
  );
}
