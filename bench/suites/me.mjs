// An authenticated API call, `GET /v1/me` with a real access token, against a bare Hono server
// on the same adapter and against Tollgate's own `/healthz`, all in the same run. me/bare is the
// issue's figure (goal ≥ 0.7); me/healthz is what the route itself costs (bearer parsing, the
// verified-token cache, the user cache, the JSON view) beyond the middleware every route pays.
import { fileURLToPath } from 'node:url';
import { assertSameBuild, requireBuild } from '../lib/build.mjs';
import { HTTP_COLUMNS, HTTP_FIELDS, measureHttp, startServer } from '../lib/http-load.mjs';
import { alternatingRounds, medianRows, roundRatio } from '../lib/rounds.mjs';
import { signedInApp } from '../lib/tollgate-flow.mjs';
import { startTollgate } from '../lib/tollgate-server.mjs';

export const name = 'me';
export const title = 'HTTP: Tollgate GET /v1/me (bearer token) vs bare Hono GET / and Tollgate GET /healthz';

const root = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Both Tollgate targets run the same configuration, on the embedded database in a fresh data
 * directory. PUBLIC_URL names the bench port because the hosted sign-in checks the Origin
 * against it. The access token lives the default 15 minutes (ACCESS_TOKEN_TTL_SECONDS=900): each
 * server gets a fresh token and is measured for seconds, so nothing needs raising.
 */
const tollgate = () => startTollgate({ env: (port) => ({ PUBLIC_URL: `http://127.0.0.1:${port}` }) });

const targets = [
  {
    name: 'bare hono (GET /)',
    path: '/',
    start: async () => ({ server: await startServer({ cwd: root, args: ['bench/bare-hono.mjs'], readyPath: '/' }) }),
  },
  {
    name: 'tollgate (GET /healthz)',
    path: '/healthz',
    start: async () => ({ server: (await tollgate()).server }),
  },
  {
    name: 'tollgate (GET /v1/me)',
    path: '/v1/me',
    // A first-party app and a user made with the CLI, signed in through the hosted form, then
    // the authorization code flow with PKCE: the token an app would send. No Origin header, as
    // from an app's backend; with one, the route would also check it against the app's origins.
    start: async () => {
      const { server, env } = await tollgate();
      try {
        const { accessToken } = await signedInApp(server.url, env);
        return { server, headers: { authorization: `Bearer ${accessToken}` } };
      } catch (error) {
        await server.stop();
        throw error;
      }
    },
  },
];

export async function run(ctx) {
  const build = requireBuild(root, 'dist/cli.js');
  const rounds = await alternatingRounds(targets, ctx.rounds, async (target) => {
    const { server, headers } = await target.start();
    try {
      return await measureHttp(server, target.path, ctx, { headers });
    } finally {
      await server.stop();
    }
  });
  assertSameBuild(root, build);

  const [bare, healthz, me] = targets.map((target) => target.name);
  return {
    columns: HTTP_COLUMNS,
    rows: medianRows(targets, rounds, HTTP_FIELDS),
    ratios: {
      'me/bare req/s (goal ≥ 0.7)': roundRatio(rounds, me, bare, HTTP_FIELDS.reqPerSec),
      'me/bare p99': roundRatio(rounds, me, bare, HTTP_FIELDS.p99Ms),
      'me/healthz req/s': roundRatio(rounds, me, healthz, HTTP_FIELDS.reqPerSec),
      'me/healthz p99': roundRatio(rounds, me, healthz, HTTP_FIELDS.p99Ms),
      'healthz/bare req/s': roundRatio(rounds, healthz, bare, HTTP_FIELDS.reqPerSec),
    },
    build,
    rounds,
  };
}
