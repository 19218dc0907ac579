// Gets real access and refresh tokens from a running Tollgate, the way an app does: register a
// first-party app and a user with the CLI (through the server's admin API on the embedded
// database, directly on PostgreSQL), sign in through the hosted form's JSON API, run the
// authorization code flow with PKCE and exchange the code.
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

function tollgate(args, env) {
  const result = spawnSync(process.execPath, ['bin/tollgate.js', ...args, '--json'], { cwd: root, env: { ...process.env, ...env }, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`tollgate ${args.join(' ')} failed: ${result.stderr}`);
  return JSON.parse(result.stdout);
}

/**
 * Returns `{ appId, accessToken, refreshToken, refreshTokens }` for a fresh user of a fresh
 * first-party app. With `authorizations: n`, the user runs the authorization code flow n times:
 * `refreshTokens` then holds n refresh tokens, each the head of its own family (rotating one
 * never touches another); `accessToken` and `refreshToken` are the first authorization's.
 *
 * The authorizations share one session (one browser signed in), unless `sessions: k` signs the
 * user in k times (k browsers) and spreads the authorizations over them in turn. The sign-in
 * form allows 30 attempts per client IP in 5 minutes; `forwardedFor: true` sends each sign-in
 * from its own X-Forwarded-For address, which a server with TRUST_PROXY=true believes.
 *
 * @example
 * const { appId, refreshTokens } = await signedInApp(server.url, env, { authorizations: 32, sessions: 32, forwardedFor: true });
 */
export async function signedInApp(baseUrl, env, { authorizations = 1, sessions = 1, forwardedFor = false } = {}) {
  const origin = 'https://bench-app.example';
  const app = tollgate(['apps', 'create', '--name', 'Bench', '--origin', origin, '--redirect-uri', `${origin}/cb`, '--first-party'], env);
  const email = `bench-${randomBytes(4).toString('hex')}@example.com`;
  const password = 'bench password 1';
  tollgate(['users', 'create', '--email', email, '--password', password], env);

  const browsers = [];
  for (let i = 0; i < sessions; i++) {
    browsers.push(await signIn(baseUrl, email, password, forwardedFor ? { 'x-forwarded-for': benchAddress(i + 1) } : {}));
  }
  const grants = [];
  for (let i = 0; i < authorizations; i++) grants.push(await authorize(baseUrl, app.id, origin, browsers[i % sessions]));
  return { appId: app.id, accessToken: grants[0].access_token, refreshToken: grants[0].refresh_token, refreshTokens: grants.map((g) => g.refresh_token) };
}

/**
 * The `n`th address of 198.18.0.0/15, the range set aside for benchmarks (RFC 2544), wrapping
 * after 131,072: a client address for the bench's requests behind a trusted proxy.
 */
export function benchAddress(n) {
  const i = n % 131_072;
  return `198.${18 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}`;
}

/** Signs in through the hosted form's JSON API, as its page does; resolves to the Cookie header. */
async function signIn(baseUrl, email, password, headers) {
  const cookies = new Map();
  const remember = (res) => {
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const i = pair.indexOf('=');
      cookies.set(pair.slice(0, i), pair.slice(i + 1));
    }
  };
  const cookie = () => [...cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  const page = await fetch(`${baseUrl}/login`, { headers });
  remember(page);
  const csrf = JSON.parse((await page.text()).match(/id="tg-page">([\s\S]*?)<\/script>/)[1]).csrfToken;
  const signin = await fetch(`${baseUrl}/auth/signin`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json', origin: baseUrl, 'x-csrf-token': csrf, cookie: cookie() },
    body: JSON.stringify({ email, password }),
  });
  if (signin.status !== 200) throw new Error(`sign-in failed: ${signin.status} ${await signin.text()}`);
  remember(signin);
  return cookie();
}

/** One authorization code flow with PKCE for the signed-in browser whose cookies are `cookie`. */
async function authorize(baseUrl, clientId, origin, cookie) {
  const verifier = randomBytes(32).toString('base64url');
  const params = new URLSearchParams({
    response_type: 'code',
    client_id: clientId,
    redirect_uri: `${origin}/cb`,
    state: 'bench',
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
    scope: 'openid profile email',
  });
  const answer = await fetch(`${baseUrl}/oauth/authorize?${params}`, { headers: { cookie }, redirect: 'manual' });
  const location = answer.headers.get('location');
  const code = location && new URL(location).searchParams.get('code');
  if (!code) throw new Error(`no code: ${answer.status} ${location ?? (await answer.text()).slice(0, 500)}`);
  const token = await fetch(`${baseUrl}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: `${origin}/cb`, client_id: clientId, code_verifier: verifier }),
  });
  const tokens = await token.json();
  if (!tokens.access_token || !tokens.refresh_token) throw new Error(`token exchange failed: ${token.status} ${JSON.stringify(tokens)}`);
  return tokens;
}
