import { render, type ComponentChild, type ComponentChildren } from 'preact';
import { readPageData, type PageData } from './page-data';
import { strings } from './strings';

export interface CardProps {
  title: string;
  subtitle?: string | undefined;
  /** `wide` for the account page. */
  wide?: boolean;
  children?: ComponentChildren;
}

/** The frame of every hosted page: one `<main>`, one `<h1>`. */
export function Card({ title, subtitle, wide, children }: CardProps) {
  return (
    <main class={wide ? 'tg-page tg-wide' : 'tg-page'}>
      <div class="tg-card">
        <header class="tg-header">
          <h1 id="tg-title" tabIndex={-1}>
            {title}
          </h1>
          {subtitle && <p class="tg-subtitle">{subtitle}</p>}
        </header>
        {children}
      </div>
    </main>
  );
}

/** Moves focus to the page heading, so a screen reader starts reading the new content. */
export function focusTitle() {
  setTimeout(() => document.getElementById('tg-title')?.focus());
}

/**
 * Renders an entry's page into `#root` from the page data. Data that is missing or not for
 * this entry shows a "reload" message rather than a half-working form.
 *
 * @example
 * mount(['account'], (data) => <Account data={data} />);
 */
export function mount<K extends PageData['page']>(expected: readonly K[], page: (data: Extract<PageData, { page: K }>) => ComponentChild) {
  const root = document.getElementById('root');
  if (!root) return;
  const data = readPageData(expected);
  render(
    data ? (
      page(data)
    ) : (
      <Card title={strings.pageBrokenTitle}>
        <p role="alert">{strings.pageBroken}</p>
      </Card>
    ),
    root,
  );
}
