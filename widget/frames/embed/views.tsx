import type { ComponentChildren } from 'preact';
import { embedStrings as t } from './strings';
import type { FrameSession, UserState } from './session';

/** A frame's card: the heading, then its content. */
export function FrameCard({ title, subtitle, children }: { title: string; subtitle?: string; children?: ComponentChildren }) {
  return (
    <main class="tg-embed">
      <div class="tg-card">
        <header class="tg-header">
          <h1>{title}</h1>
          {subtitle && <p class="tg-subtitle">{subtitle}</p>}
        </header>
        {children}
      </div>
    </main>
  );
}

/** Who is signed in to the app, as one polite status line. */
export function SignedInState({ state, signedOut }: { state: UserState; signedOut: string }) {
  const text =
    state.status === 'signed-in' ? t.signedInAs(state.user.label) : state.status === 'signed-out' ? signedOut : state.status === 'unknown' ? t.unknownUser : t.loading;
  return (
    <p class="tg-muted" role="status">
      {text}
    </p>
  );
}

/** Purchase, subscription and balance until their issues fill them: what will be here, and who is signed in. */
export function Shell({ session, kind }: { session: FrameSession; kind: 'purchase' | 'subscription' | 'balance' }) {
  return (
    <FrameCard title={t.titles[kind]}>
      <p>{t.shells[kind]}</p>
      <SignedInState state={session.user.value} signedOut={t.signInFirst} />
    </FrameCard>
  );
}

export function Notice({ title, text }: { title: string; text: string }) {
  return (
    <FrameCard title={title}>
      <p role="alert">{text}</p>
    </FrameCard>
  );
}
