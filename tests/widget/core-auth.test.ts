import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { isTollgateError } from '../../widget/core/errors';
import { createTollgate } from '../../widget/core/index';
import { withLock } from '../../widget/core/refresh-lock';

// The SDK's rules that need no browser: misuse, the error brand, the lock's timeout, and the
// refresh logic (one request at a time, re-read storage, sign out only on invalid_grant).
// Cross-origin behaviour is tested in Chromium (tests/browser/sdk-*.test.ts).

const SERVER = 'https://id.example.com';
const APP = 'app_unittest';

describe('createTollgate misuse', () => {
  it.each([
    [{ server: SERVER }, /`appId` must be the app id/],
    [{ appId: 'nope', server: SERVER }, /`appId` must be the app id/],
    [{ appId: APP, server: 'id.example.com' }, /`server` must be the Tollgate origin/],
    [{ appId: APP, server: 'ftp://id.example.com' }, /`server` must be the Tollgate origin/],
    [{ appId: APP, server: SERVER, cacheLocation: 'cookie' }, /`cacheLocation` must be/],
  ])('%j throws a TypeError that says the fix', (options, message) => {
    expect(() => createTollgate(options as never)).toThrow(TypeError);
    expect(() => createTollgate(options as never)).toThrow(message);
  });

  it('keeps only the origin of `server`', () => {
    expect(createTollgate({ appId: APP, server: `${SERVER}/some/path?x` }).server).toBe(SERVER);
  });
});

describe('isTollgateError', () => {
  it('checks the registered brand, so an error of another copy of the SDK passes', () => {
    const foreign = Object.assign(new Error('x'), { code: 'POPUP_CLOSED', [Symbol.for('tollgate.error')]: true });
    expect(isTollgateError(foreign)).toBe(true);
    expect(isTollgateError(Object.assign(new Error('x'), { name: 'TollgateError', code: 'POPUP_CLOSED' }))).toBe(false);
    expect(isTollgateError(null)).toBe(false);
    expect(isTollgateError('POPUP_CLOSED')).toBe(false);
  });
});

describe('withLock', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('runs without the lock when it waited longer than the limit (a stuck tab never deadlocks the others)', async () => {
    const never = {
      request: (_name: string, { signal }: { signal: AbortSignal }) =>
        new Promise((_, reject) => signal.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')))),
    };
    vi.stubGlobal('navigator', { locks: never });
    const started = Date.now();
    expect(await withLock('x', async () => 'ran', 50)).toBe('ran');
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
  });

  it('runs inside the lock when it is granted, and passes errors through', async () => {
    const held: string[] = [];
    vi.stubGlobal('navigator', { locks: { request: async (name: string, _o: unknown, fn: () => Promise<unknown>) => (held.push(name), fn()) } });
    expect(await withLock('tollgate:x:refresh', async () => 1)).toBe(1);
    await expect(withLock('y', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(held).toEqual(['tollgate:x:refresh', 'y']);
  });

  it('runs directly where Web Locks do not exist', async () => {
    vi.stubGlobal('navigator', {});
    expect(await withLock('x', async () => 'ran')).toBe('ran');
  });
});

describe('getAccessToken and refresh', () => {
  const key = `tollgate:${APP}`;
  let storage: Map<string, string>;
  let fetchMock: ReturnType<typeof vi.fn>;

  /** A JWT-shaped access token with `sub` and `sid` (the SDK reads them, never verifies). */
  const jwt = (sub: string, sid: string, n: number) => `h.${Buffer.from(JSON.stringify({ sub, sid, n })).toString('base64url')}.s`;
  const tokenAnswer = (n: number) => new Response(JSON.stringify({ access_token: jwt('usr_1', 'ses_1', n), refresh_token: `rt_${n}`, expires_in: 900 }), { status: 200 });
  const store = (tokens: object) => storage.set(key, JSON.stringify({ accessToken: jwt('usr_1', 'ses_1', 0), refreshToken: 'rt_0', expiresAt: 0, sub: 'usr_1', sid: 'ses_1', ...tokens }));

  beforeEach(() => {
    storage = new Map();
    const localStorage = {
      getItem: (k: string) => storage.get(k) ?? null,
      setItem: (k: string, v: string) => void storage.set(k, v),
      removeItem: (k: string) => void storage.delete(k),
    };
    vi.stubGlobal('window', { localStorage, addEventListener: () => {} });
    vi.stubGlobal('BroadcastChannel', undefined);
    vi.stubGlobal('navigator', {});
    fetchMock = vi.fn();
    vi.stubGlobal('fetch', fetchMock);
  });
  afterEach(() => vi.unstubAllGlobals());

  const client = () => createTollgate({ appId: APP, server: SERVER });

  it('answers from storage while the token is fresh, without a request', async () => {
    store({ refreshAt: Date.now() + 60_000 });
    expect(await client().auth.getAccessToken()).toBe(jwt('usr_1', 'ses_1', 0));
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it('refreshes once for many callers at once, form-encoded, and stores the rotated token', async () => {
    store({ refreshAt: 0 });
    fetchMock.mockResolvedValueOnce(tokenAnswer(1));
    const { auth } = client();
    const tokens = await Promise.all([auth.getAccessToken(), auth.getAccessToken(), auth.getAccessToken()]);
    expect(new Set(tokens)).toEqual(new Set([jwt('usr_1', 'ses_1', 1)]));
    expect(fetchMock).toHaveBeenCalledTimes(1);
    const [url, init] = fetchMock.mock.calls[0]!;
    expect(url).toBe(`${SERVER}/oauth/token`);
    expect(Object.fromEntries(init.body as URLSearchParams)).toEqual({ grant_type: 'refresh_token', refresh_token: 'rt_0', client_id: APP });
    expect(JSON.parse(storage.get(key)!)).toMatchObject({ refreshToken: 'rt_1', sub: 'usr_1', sid: 'ses_1' });
  });

  it('re-reads storage inside the lock: when another tab refreshed already, it uses that token', async () => {
    store({ refreshAt: 0 });
    vi.stubGlobal('navigator', {
      locks: {
        request: async (_n: string, _o: unknown, fn: () => Promise<unknown>) => {
          store({ accessToken: 'from-the-other-tab', refreshToken: 'rt_other', refreshAt: Date.now() + 60_000 });
          return fn();
        },
      },
    });
    expect(await client().auth.getAccessToken()).toBe('from-the-other-tab');
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it('invalid_grant signs out (onChange fires, storage cleared); a network error keeps the tokens', async () => {
    store({ refreshAt: 0 });
    const { auth } = client();
    fetchMock.mockRejectedValueOnce(new TypeError('Failed to fetch'));
    const offline = await auth.getAccessToken().catch((error) => error);
    expect(isTollgateError(offline) && offline.code).toBe('NETWORK_ERROR');
    expect(auth.isAuthenticated()).toBe(true);

    const changes: unknown[] = [];
    auth.onChange((change) => changes.push(change));
    fetchMock.mockResolvedValueOnce(new Response(JSON.stringify({ error: 'invalid_grant', error_description: 'revoked' }), { status: 400 }));
    expect(await auth.getAccessToken()).toBeNull();
    expect(auth.isAuthenticated()).toBe(false);
    expect(storage.has(key)).toBe(false);
    expect(changes).toEqual([{ signedIn: false }]);
  });

  it('a 5xx from /oauth/token is a TOKEN_REQUEST_FAILED with the status; the user stays signed in', async () => {
    store({ refreshAt: 0 });
    fetchMock.mockResolvedValueOnce(new Response('{}', { status: 503 }));
    const { auth } = client();
    const error = await auth.getAccessToken().catch((e) => e);
    expect(error).toMatchObject({ name: 'TollgateError', code: 'TOKEN_REQUEST_FAILED', status: 503, userMessage: expect.any(String) });
    expect(auth.isAuthenticated()).toBe(true);
  });
});
