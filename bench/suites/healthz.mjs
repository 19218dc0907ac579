// Tollgate's cheapest route against a bare Hono server on the same adapter, in the same run:
// the ratio is the per-request cost of Tollgate's middleware stack (request context and logger,
// metrics, security headers, method check, OpenAPI routing), independent of the machine.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { measureHttp, startServer } from '../lib/http-load.mjs';
import { tempDir } from '../lib/processes.mjs';

export const name = 'healthz';
export const title = 'HTTP: Tollgate GET /healthz vs bare Hono GET /';

const root = fileURLToPath(new URL('../..', import.meta.url));

const targets = [
  {
    target: 'bare hono',
    path: '/',
    start: () => startServer({ cwd: root, args: ['bench/bare-hono.mjs'], readyPath: '/' }),
  },
  {
    target: 'tollgate',
    path: '/healthz',
    start: () =>
      startServer({
        cwd: root,
        args: ['dist/cli.js', 'start'],
        // development, not production: same headers as over plain HTTP (no HSTS), and the
        // embedded database in a fresh directory so no earlier state or lock interferes.
        env: { NODE_ENV: 'development', HOST: '127.0.0.1', LOG_LEVEL: 'silent', DATA_DIR: tempDir('tollgate-bench-') },
        // /readyz answers once the database is open and migrated; only then is it a fair target.
        readyPath: '/readyz',
      }),
  },
];

/** Measures each target alone, one after the other, with the same load settings. */
export async function run(ctx) {
  if (!existsSync(`${root}/dist/cli.js`)) throw new Error('dist/cli.js is missing: run `npm run build` (or `npm run bench`)');
  const rows = [];
  for (const { target, path, start } of targets) {
    const server = await start();
    try {
      const result = await measureHttp(server, path, ctx);
      rows.push({
        target: `${target} (GET ${path})`,
        reqPerSec: result.reqPerSec,
        p50Ms: result.latencyMs.p50,
        p99Ms: result.latencyMs.p99,
        serverCpuPercent: result.serverCpuPercent,
        loadCpuPercent: result.loadCpuPercent,
        requests: result.requests,
      });
    } finally {
      await server.stop();
    }
  }
  const [bare, tollgate] = rows;
  return {
    columns: {
      target: 'target',
      reqPerSec: 'req/s (mean)',
      p50Ms: 'p50 ms',
      p99Ms: 'p99 ms',
      serverCpuPercent: 'server CPU %',
      loadCpuPercent: 'load gen CPU %',
    },
    rows,
    // Ratios against the baseline measured in the same run: comparable across machines.
    ratios: {
      'tollgate/bare req/s': tollgate.reqPerSec / bare.reqPerSec,
      'tollgate/bare p99': tollgate.p99Ms / bare.p99Ms,
    },
  };
}
