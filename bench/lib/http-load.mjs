// HTTP load: starts a server pinned to the server core, loads it from the load-generator core.
import { fileURLToPath } from 'node:url';
import { freePort, spawnNode, stopChild, waitForOk } from './processes.mjs';

/** Core 0 serves, core 1 generates load: the two never compete for the same CPU. */
export const SERVER_CORE = 0;
export const LOAD_CORE = 1;

const worker = fileURLToPath(new URL('./load-worker.mjs', import.meta.url));

/**
 * Starts `node <args>` on a free port (passed as PORT) and waits until `readyPath` answers 200.
 *
 * @example
 * const server = await startServer({ args: ['bench/bare-hono.mjs'], readyPath: '/' });
 * await server.stop();
 */
export async function startServer({ args, env = {}, readyPath, cwd }) {
  const port = await freePort();
  // `env` may depend on the port (PUBLIC_URL must name it).
  const vars = typeof env === 'function' ? env(port) : env;
  const child = spawnNode(args, { core: SERVER_CORE, cwd, env: { ...vars, PORT: String(port) } });
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForOk(url + readyPath, child);
  } catch (error) {
    await stopChild(child);
    throw error;
  }
  return { url, pid: child.pid, stop: () => stopChild(child) };
}

/** One autocannon run against `url` from the load-generator core. */
async function runLoad(url, { connections, pipelining, durationSec, headers }) {
  const child = spawnNode([worker, JSON.stringify({ url, connections, pipelining, durationSec, headers })], { core: LOAD_CORE });
  const { code } = await child.exited;
  const line = child.output.trim().split('\n').at(-1);
  if (code !== 0 || !line?.startsWith('{')) throw new Error(`load generator failed (exit ${code}):\n${child.output}`);
  return JSON.parse(line);
}

/**
 * Warms `server` up (results discarded: JIT, connection pools and caches settle), then measures.
 * The result's `coreBusyPercent` shows whether the server's core (and not the load generator's)
 * was the bottleneck.
 */
export async function measureHttp(server, path, settings, { headers } = {}) {
  const url = server.url + path;
  settings = { ...settings, headers };
  await runLoad(url, { ...settings, durationSec: settings.warmupSec });
  const result = await runLoad(url, settings);
  if (result.errors || result.timeouts || result.non2xx) {
    // Throughput of failures says nothing about the server; refuse to report it.
    throw new Error(`${url}: ${result.errors} errors, ${result.timeouts} timeouts, ${result.non2xx} non-2xx responses`);
  }
  return result;
}

/** The printed columns of an HTTP suite's table, for `medianRows(…, HTTP_FIELDS)` rows. */
export const HTTP_COLUMNS = {
  target: 'target (median of rounds)',
  reqPerSec: 'req/s',
  p50Ms: 'p50 ms',
  p99Ms: 'p99 ms',
  serverCoreBusy: `core ${SERVER_CORE} busy % (server)`,
  loadCoreBusy: `core ${LOAD_CORE} busy % (load)`,
};

/** How each column is read from one `measureHttp` result. */
export const HTTP_FIELDS = {
  reqPerSec: (r) => r.reqPerSec,
  p50Ms: (r) => r.latencyMs.p50,
  p99Ms: (r) => r.latencyMs.p99,
  serverCoreBusy: (r) => r.coreBusyPercent?.[SERVER_CORE],
  loadCoreBusy: (r) => r.coreBusyPercent?.[LOAD_CORE],
};
