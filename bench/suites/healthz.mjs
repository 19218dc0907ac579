// Tollgate's cheapest route against a bare Hono server on the same adapter, in the same run:
// the ratio is the per-request cost of Tollgate's middleware stack (request context and logger,
// metrics, security headers, method check, OpenAPI routing), independent of the machine.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { fingerprint } from '../lib/build.mjs';
import { LOAD_CORE, SERVER_CORE, measureHttp, startServer } from '../lib/http-load.mjs';
import { tempDir } from '../lib/processes.mjs';
import { median, spread } from '../lib/stats.mjs';

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
    start: () =>
      startServer({
        cwd: root,
        args: ['dist/cli.js', 'start'],
        // development, not production: the same headers as over plain HTTP (no HSTS); the
        // embedded database in a fresh directory, so no earlier state or lock interferes.
        env: { NODE_ENV: 'development', HOST: '127.0.0.1', LOG_LEVEL: 'silent', DATA_DIR: tempDir('tollgate-bench-') },
        // /readyz answers once the database is open and migrated; only then is it a fair target.
        readyPath: '/readyz',
      }),
  },
];

/**
 * Measures each target alone (one server up at a time) with the same load, for `ctx.rounds`
 * rounds; the order flips every round so slow drift on the machine does not favour either.
 */
export async function run(ctx) {
  if (!existsSync(`${root}/dist/cli.js`)) throw new Error('dist/cli.js is missing: run `npm run build` (or `npm run bench`)');
  const build = fingerprint(`${root}/dist`);
  const rounds = [];
  for (let round = 0; round < ctx.rounds; round++) {
    const results = {};
    for (const target of round % 2 ? [...targets].reverse() : targets) {
      const server = await target.start();
      try {
        results[target.name] = await measureHttp(server, target.path, ctx);
      } finally {
        await server.stop();
      }
    }
    rounds.push(results);
  }
  if (fingerprint(`${root}/dist`) !== build) {
    throw new Error('dist/ was rebuilt during the run, so the rounds measured different builds; run again');
  }

  const rows = targets.map(({ name }) => {
    const of = (pick) => median(rounds.map((results) => pick(results[name])));
    return {
      target: name,
      reqPerSec: of((r) => r.reqPerSec),
      p50Ms: of((r) => r.latencyMs.p50),
      p99Ms: of((r) => r.latencyMs.p99),
      serverCoreBusy: of((r) => r.coreBusyPercent?.[SERVER_CORE] ?? NaN),
      loadCoreBusy: of((r) => r.coreBusyPercent?.[LOAD_CORE] ?? NaN),
    };
  });
  // Ratios are taken within each round (both targets measured seconds apart), then summarised.
  const ratio = (pick) => spread(rounds.map((results) => pick(results[targets[1].name]) / pick(results[targets[0].name])));
  return {
    columns: {
      target: 'target (median of rounds)',
      reqPerSec: 'req/s',
      p50Ms: 'p50 ms',
      p99Ms: 'p99 ms',
      serverCoreBusy: `core ${SERVER_CORE} busy % (server)`,
      loadCoreBusy: `core ${LOAD_CORE} busy % (load)`,
    },
    rows,
    ratios: {
      'tollgate/bare req/s': ratio((r) => r.reqPerSec),
      'tollgate/bare p99': ratio((r) => r.latencyMs.p99),
    },
    build,
    rounds,
  };
}
