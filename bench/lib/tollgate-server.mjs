// Tollgate as a bench target: `node dist/cli.js start`, pinned to the server core like any target.
import { fileURLToPath } from 'node:url';
import { startServer } from './http-load.mjs';
import { tempDir } from './processes.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Starts Tollgate on a free port and resolves once `/readyz` answers 200 (the database is open
 * and migrated: only then is it a fair target). By default on the embedded database in a fresh
 * data directory, so no earlier state or lock interferes; `env` (an object, or a function of the
 * port) adds to or overrides the defaults. Resolves to the server and the variables it ran with,
 * which the CLI needs to reach the same data (`DATA_DIR`, `DATABASE_URL`, …).
 *
 * @example
 * const { server, env } = await startTollgate({ env: (port) => ({ PUBLIC_URL: `http://127.0.0.1:${port}` }) });
 */
export async function startTollgate({ env = {} } = {}) {
  let vars;
  const server = await startServer({
    cwd: root,
    args: ['dist/cli.js', 'start'],
    env: (port) => {
      vars = {
        // development, not production: the same headers as over plain HTTP (no HSTS).
        NODE_ENV: 'development',
        HOST: '127.0.0.1',
        LOG_LEVEL: 'silent',
        DATA_DIR: tempDir('tollgate-bench-'),
        // Empty counts as unset: a DATABASE_URL in the bench's own environment must not move
        // an embedded-database target onto PostgreSQL.
        DATABASE_URL: '',
        ...(typeof env === 'function' ? env(port) : env),
      };
      return vars;
    },
    readyPath: '/readyz',
  });
  return { server, env: vars };
}
