import type { ComponentChildren } from 'preact';

/** A titled part of the account page; its heading takes focus when its content changes under the user. */
export function Section({ id, title, children }: { id: string; title: string; children: ComponentChildren }) {
  return (
    <section class="tg-section" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`} tabIndex={-1}>
        {title}
      </h2>
      {children}
    </section>
  );
}

export function focusSection(id: string) {
  setTimeout(() => document.getElementById(`${id}-title`)?.focus());
}
