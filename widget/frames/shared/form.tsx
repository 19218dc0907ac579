import { useSignal, type Signal } from '@preact/signals';
import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { describeError, type ApiResult } from './api';
import { strings } from './strings';

/** A message for the whole form, and the fields it is about (they get aria-invalid and focus). */
export interface FormError {
  message: string;
  fields: readonly string[];
}

export interface FormState {
  /** Prefix of every id in the form; unique on the page. */
  id: string;
  busy: Signal<boolean>;
  error: Signal<FormError | null>;
  /** A success message, announced politely. */
  done: Signal<string | null>;
}

export function useFormState(id: string, initialError: FormError | null = null): FormState {
  return { id, busy: useSignal(false), error: useSignal(initialError), done: useSignal<string | null>(null) };
}

export interface FormProps<T> {
  state: FormState;
  submitLabel: string;
  /** Client-side checks; the first failing one is shown before anything is sent. */
  validate?: () => FormError | null;
  send: () => Promise<ApiResult<T>>;
  /** Error code → the fields it concerns, e.g. `{ EMAIL_TAKEN: ['email'] }`. */
  fieldsFor?: Readonly<Record<string, readonly string[]>>;
  /** A secondary action (a form with no fields, like "send a new email"). */
  secondary?: boolean;
  /** Return `'navigating'` to keep the form busy while the next page loads. */
  onSuccess: (data: T) => void | 'navigating';
  children: ComponentChildren;
}

/**
 * A form that validates, sends, and shows the outcome accessibly: the button is disabled and
 * aria-busy while sending; an error is announced (role="alert"), linked from the fields it
 * concerns, and focus moves to the first of them (or to the message) so nothing is lost when
 * the disabled button drops focus.
 */
export function Form<T>({ state, submitLabel, validate, send, fieldsFor, secondary, onSuccess, children }: FormProps<T>) {
  const ref = useRef<HTMLFormElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const busy = state.busy.value;

  function fail(error: FormError) {
    state.error.value = error;
    // After the render that shows the message and re-enables the fields.
    setTimeout(() => {
      const field = error.fields[0] && ref.current?.elements.namedItem(error.fields[0]);
      const target = field instanceof HTMLElement ? field : document.getElementById(`${state.id}-error`);
      target?.focus();
    });
  }

  // Disabling the focused button drops focus to <body>; put it back where the user was.
  function refocus() {
    setTimeout(() => {
      if (!document.activeElement || document.activeElement === document.body) button.current?.focus();
    });
  }

  async function submit(event: Event) {
    event.preventDefault();
    if (state.busy.value) return;
    state.done.value = null;
    const invalid = validate?.() ?? null;
    if (invalid) return fail(invalid);
    state.error.value = null;
    state.busy.value = true;
    const result = await send();
    if (result.ok) {
      if (onSuccess(result.data) === 'navigating') return;
      state.busy.value = false;
      return refocus();
    }
    state.busy.value = false;
    fail({ message: describeError(result.error), fields: fieldsFor?.[result.error.code] ?? [] });
  }

  return (
    <form ref={ref} id={state.id} class="tg-form" noValidate onSubmit={submit}>
      <div id={`${state.id}-error`} class="tg-alert" role="alert" tabIndex={-1}>
        {state.error.value?.message}
      </div>
      {children}
      <button ref={button} type="submit" class={secondary ? 'tg-button tg-secondary' : 'tg-button tg-primary'} disabled={busy} aria-busy={busy}>
        {submitLabel}
      </button>
      <p class="tg-status" role="status">
        {state.done.value}
      </p>
    </form>
  );
}

export interface FieldProps {
  state: FormState;
  name: string;
  label: string;
  value: Signal<string>;
  type?: 'text' | 'email' | 'password';
  /** Always given: password managers and autofill depend on it. */
  autocomplete: string;
  hint?: string;
  autofocus?: boolean;
  required?: boolean;
  minLength?: number;
  maxLength?: number;
}

/** Where a person chooses a password: the server's rule (8 to 256 characters) and `new-password` for managers. */
export function NewPasswordField(props: Pick<FieldProps, 'state' | 'name' | 'label' | 'value' | 'autofocus'>) {
  return <Field {...props} hint={strings.passwordHint} type="password" autocomplete="new-password" minLength={8} maxLength={256} required />;
}

/** A labelled input bound to a signal; password inputs get a "Show password" toggle. */
export function Field({ state, name, label, value, hint, autofocus, type = 'text', ...input }: FieldProps) {
  const id = `${state.id}-${name}`;
  const ref = useRef<HTMLInputElement>(null);
  const reveal = useSignal(false);
  const invalid = state.error.value?.fields.includes(name) ?? false;
  const describedBy = [hint ? `${id}-hint` : '', invalid ? `${state.id}-error` : ''].filter(Boolean).join(' ');
  const isPassword = type === 'password';

  // The `autofocus` attribute is not honoured on elements rendered after load.
  useEffect(() => {
    if (autofocus) ref.current?.focus();
  }, []);

  return (
    <div class="tg-field">
      <label for={id}>{label}</label>
      {hint && (
        <p id={`${id}-hint`} class="tg-hint">
          {hint}
        </p>
      )}
      <input
        {...input}
        ref={ref}
        id={id}
        name={name}
        // Preact 11 types <input> as a union keyed by a literal `type`; a union value matches no member.
        type={(isPassword && reveal.value ? 'text' : type) as 'text'}
        value={value.value}
        onInput={(event) => (value.value = event.currentTarget.value)}
        disabled={state.busy.value}
        aria-invalid={invalid || undefined}
        aria-describedby={describedBy || undefined}
      />
      {isPassword && (
        <label class="tg-reveal">
          <input type="checkbox" checked={reveal.value} onChange={(event) => (reveal.value = event.currentTarget.checked)} />
          {strings.showPassword}
        </label>
      )}
    </div>
  );
}

/** Client-side checks shared by the forms; each returns a `FormError` or `null`. */
export const check = {
  email(value: string, field = 'email'): FormError | null {
    if (!value.trim()) return { message: strings.emailRequired, fields: [field] };
    return /^[^\s@]+@[^\s@]+$/.test(value.trim()) ? null : { message: strings.emailInvalid, fields: [field] };
  },
  password(value: string, field = 'password'): FormError | null {
    return value ? null : { message: strings.passwordRequired, fields: [field] };
  },
  /** Passwords the server accepts: 8 to 256 characters. */
  newPassword(value: string, field = 'password'): FormError | null {
    if (value.length < 8) return { message: strings.passwordTooShort, fields: [field] };
    return value.length > 256 ? { message: strings.passwordTooLong, fields: [field] } : null;
  },
  required(value: string, message: string, field: string): FormError | null {
    return value.trim() ? null : { message, fields: [field] };
  },
};

/** The first failing check, or `null`. */
export const firstError = (...results: (FormError | null)[]): FormError | null => results.find(Boolean) ?? null;
