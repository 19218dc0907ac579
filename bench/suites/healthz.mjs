// Tollgate's cheapest route against a bare Hono server on the same adapter, in the same run:
// the ratio is the per-request cost of Tollgate's middleware stack (request context and logger,
// metrics, security headers, method check, OpenAPI routing), independent of the machine.
import { fileURLToPath } from 'node:url';
import { assertSameBuild, requireBuild } from '../lib/build.mjs';
import { HTTP_COLUMNS, HTTP_FIELDS, measureHttp, startServer } from '../lib/http-load.mjs';
import { alternatingRounds, medianRows, roundRatio } from '../lib/rounds.mjs';
import { startTollgate } from '../lib/tollgate-server.mjs';

export const name = 'healthz';
export const title = 'HTTP: Tollgate GET /healthz vs bare Hono GET /';

const root = fileURLToPath(new URL('../..', import.meta.url));

const targets = [
  {
    name: 'bare hono (GET /)',
    path: '/',
    start: () => startServer({ cwd: root, args: ['bench/bare-hono.mjs'], readyPath: '/' }),
  },
  {
    name: 'tollgate (GET /healthz)',
    path: '/healthz',
    // The embedded database in a fresh directory, NODE_ENV=development (no HSTS over plain HTTP).
    start: async () => (await startTollgate()).server,
  },
];

/**
 * Measures each target alone (one server up at a time) with the same load, for `ctx.rounds`
 * rounds; the order flips every round so slow drift on the machine does not favour either.
 */
export async function run(ctx) {
  const build = requireBuild(root, 'dist/cli.js');
  const rounds = await alternatingRounds(targets, ctx.rounds, async (target) => {
    const server = await target.start();
    try {
      return await measureHttp(server, target.path, ctx);
    } finally {
      await server.stop();
    }
  });
  assertSameBuild(root, build);

  const [bare, tollgate] = targets.map((target) => target.name);
  return {
    columns: HTTP_COLUMNS,
    rows: medianRows(targets, rounds, HTTP_FIELDS),
    ratios: {
      'tollgate/bare req/s': roundRatio(rounds, tollgate, bare, HTTP_FIELDS.reqPerSec),
      'tollgate/bare p99': roundRatio(rounds, tollgate, bare, HTTP_FIELDS.p99Ms),
    },
    build,
    rounds,
  };
}
