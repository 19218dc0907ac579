import type { ComponentChildren } from 'preact';
import type { Api } from '../shared/api';
import type { FormError } from '../shared/form';
import { safeReturnTo, viewHref } from '../shared/navigation';
import type { LoginPage, LoginView } from '../shared/page-data';

export interface LoginViewProps {
  data: LoginPage;
  api: Api;
}

/** The error the server rendered into the page (a failed step before this one), if any. */
export function initialError(data: LoginPage, fieldsFor: Readonly<Record<string, readonly string[]>> = {}): FormError | null {
  return data.error ? { message: data.error.message, fields: fieldsFor[data.error.code] ?? [] } : null;
}

/** Signed in: go where the user was going. Keeps the form busy while the next page loads. */
export function leave(returnTo: string): 'navigating' {
  location.assign(safeReturnTo(returnTo));
  return 'navigating';
}

/** "New here? Create an account": a plain link, so every view also works on a direct load. */
export function ViewLink({ view, lead, children }: { view: LoginView; lead?: string; children: ComponentChildren }) {
  return (
    <p class="tg-alt">
      {lead && `${lead} `}
      <a href={viewHref(view)}>{children}</a>
    </p>
  );
}
