// Entry of `/assets/embed.js`: the frames the widget mounts (login, purchase, subscription,
// balance). Each talks to its host page only over the port of the handshake.
import { render } from 'preact';
import { strings } from '../shared/strings';
import { Login } from './login';
import { readEmbedPage } from './page-data';
import { createFrameSession, type FrameSession } from './session';
import { embedStrings as t } from './strings';
import { Notice, Shell } from './views';

function Frame({ session }: { session: FrameSession }) {
  if (session.connection.value === 'refused') return <Notice title={t.refusedTitle} text={t.refused} />;
  const { frame } = session.data;
  return frame === 'login' ? <Login session={session} /> : <Shell session={session} kind={frame} />;
}

/** Reports the content's height (not the viewport's: the host sizes the viewport from it). */
function watchHeight(root: HTMLElement, report: (height: number) => void) {
  const measure = () => report(Math.ceil(root.getBoundingClientRect().height));
  new ResizeObserver(measure).observe(root);
  measure();
}

const root = document.getElementById('root');
const data = readEmbedPage();
if (root) {
  if (!data) {
    render(<Notice title={strings.pageBrokenTitle} text={strings.pageBroken} />, root);
  } else if (window.parent === window) {
    render(<Notice title={t.standaloneTitle} text={t.standalone} />, root);
  } else {
    const session = createFrameSession(data);
    render(<Frame session={session} />, root);
    session.start();
    watchHeight(root, session.setHeight);
    // For tests and diagnostics: what this frame ignored, by reason.
    Object.defineProperty(window, '__tollgateFrameStats', { value: () => session.counters.snapshot() });
  }
}
