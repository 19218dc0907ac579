/** @jsxImportSource react */
// The embed demo's React page: what an app written with `tollgate/react` looks like.
import { useState } from 'react';
import { createRoot } from 'react-dom/client';
import { SignInButton, TollgateProvider, useTollgate, useUser } from 'tollgate/react';

const root = document.getElementById('root')!;
const { tollgateUrl, appId, appName, otherAppUrl } = root.dataset as Record<string, string>;

function Account() {
  const { auth } = useTollgate();
  const { isLoaded, user } = useUser();
  const [error, setError] = useState('');
  const fail = (e: { userMessage?: string; message: string }) => setError(e.userMessage ?? e.message);
  if (!isLoaded) return <p role="status">Loading…</p>;
  return (
    <>
      <p role="status">{user ? `Signed in as ${user.email ?? user.id}` : 'Signed out'}</p>
      {error && <p role="alert">{error}</p>}
      {user ? (
        <button type="button" onClick={() => auth.logout({ everywhere: true }).then(() => setError(''), fail)}>
          Sign out everywhere
        </button>
      ) : (
        <SignInButton fallback="redirect" onError={fail}>
          Sign in with Tollgate
        </SignInButton>
      )}
    </>
  );
}

function App() {
  return (
    <TollgateProvider appId={appId!} server={tollgateUrl!}>
      <h1>{appName} (React)</h1>
      <p>
        This page imports <code>tollgate/react</code>: <code>&lt;TollgateProvider&gt;</code>, <code>useUser()</code> and{' '}
        <code>&lt;SignInButton&gt;</code>.
      </p>
      <Account />
      <p>
        The other demo app: <a href={`${otherAppUrl}/react/`}>{otherAppUrl}/react/</a> (one click once you are signed in here).
        The <a href="/">script-tag version</a> of this page.
      </p>
    </TollgateProvider>
  );
}

createRoot(root).render(<App />);
