// Token refresh on PostgreSQL: POST /oauth/token grant_type=refresh_token, each of N chains
// presenting the token its previous refresh returned (rotation means no request can be
// replayed). The baseline, measured in the same run against the same PostgreSQL, is pgbench's
// built-in simple-update transaction (UPDATE, SELECT, INSERT in one transaction: the shape of
// the rotation's own transaction) with as many clients as Tollgate has pool connections.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { assertSameBuild, requireBuild } from '../lib/build.mjs';
import { busyPercent, coreTicks, processCpuMs } from '../lib/cores.mjs';
import { LOAD_CORE, SERVER_CORE } from '../lib/http-load.mjs';
import { atExit, spawnNode, spawnPinned, tempDir } from '../lib/processes.mjs';
import { alternatingRounds, medianRows, roundRatio } from '../lib/rounds.mjs';
import { percentile } from '../lib/stats.mjs';
import { signedInApp } from '../lib/tollgate-flow.mjs';
import { startTollgate } from '../lib/tollgate-server.mjs';

export const name = 'refresh';
export const title = 'PostgreSQL: Tollgate refresh-token rotation (POST /oauth/token) vs pgbench simple-update';

const root = fileURLToPath(new URL('../..', import.meta.url));
const worker = fileURLToPath(new URL('../lib/refresh-worker.mjs', import.meta.url));

const DATABASE_URL = process.env.DATABASE_URL || 'postgresql://postgres@127.0.0.1:5432/test';
/** Concurrent refresh chains, one request in flight each. */
const CHAINS = Number(process.env.BENCH_REFRESH_CHAINS) || 32;
/** Tollgate's default DATABASE_POOL_MAX, set explicitly; pgbench runs as many clients. */
const POOL_MAX = 10;
/**
 * Sessions the chains' refresh tokens come from (each refresh slides its session's expiry, one
 * UPDATE of the session row). One, as one user signed in once authorizing N times; set it to
 * the number of chains to check that the shared row is no hot spot (it was not: 1,017 against
 * 1,020 req/s in a 5 s trial).
 */
const SESSIONS = Number(process.env.BENCH_REFRESH_SESSIONS) || 1;
/**
 * The token endpoint allows 600 requests a minute per client IP (DEFAULT_LIMITS.token_ip), more
 * than a second of this load. So the server trusts X-Forwarded-For (TRUST_PROXY=true) and every
 * request comes from its own address, as from many clients behind a proxy: the limiter runs
 * (one PostgreSQL upsert per request) and never binds. The last target turns the limits off
 * (RATE_LIMITS=false), everything else equal: the difference is what the limiter costs.
 */
const targets = [
  { name: 'pgbench simple-update', measure: measurePgbench },
  { name: 'tollgate refresh', measure: (ctx) => measureRefresh(ctx, { rateLimits: true }) },
  { name: 'tollgate refresh, RATE_LIMITS=false', measure: (ctx) => measureRefresh(ctx, { rateLimits: false }) },
];

export async function run(ctx) {
  const build = requireBuild(root, 'dist/cli.js');
  await checkDatabase();
  console.log(`${CHAINS} refresh chains from ${SESSIONS} session(s), pool of ${POOL_MAX}; pgbench with ${POOL_MAX} clients; ${new URL(DATABASE_URL).host}`);
  const rounds = await alternatingRounds(targets, ctx.rounds, (target) => target.measure(ctx));
  assertSameBuild(root, build);

  const [pgbench, refresh, unlimited] = targets.map((target) => target.name);
  const fields = {
    perSec: (r) => r.reqPerSec,
    p50Ms: (r) => r.latencyMs.p50,
    p99Ms: (r) => r.latencyMs.p99,
    failed: (r) => r.failed,
    core0: (r) => r.coreBusyPercent?.[SERVER_CORE],
    core1: (r) => r.coreBusyPercent?.[LOAD_CORE],
    serverCpu: (r) => r.cpuMicrosPerRequest.server,
    postgresCpu: (r) => r.cpuMicrosPerRequest.postgres,
  };
  return {
    columns: {
      target: 'target (median of rounds)',
      perSec: 'req/s (tx/s)',
      p50Ms: 'p50 ms',
      p99Ms: 'p99 ms',
      failed: 'errors',
      core0: `core ${SERVER_CORE} busy % (server)`,
      core1: `core ${LOAD_CORE} busy % (load)`,
      serverCpu: 'server CPU µs/req',
      postgresCpu: 'PostgreSQL CPU µs/req',
    },
    // Any error fails the run, so a printed table always says 0.
    rows: medianRows(targets, rounds, fields).map((row) => ({ ...row, failed: String(row.failed) })),
    ratios: {
      'refresh req/s / pgbench tx/s': roundRatio(rounds, refresh, pgbench, fields.perSec),
      'refresh, limits on / off req/s': roundRatio(rounds, refresh, unlimited, fields.perSec),
    },
    build,
    database: { server: await serverVersion(), chains: CHAINS, sessions: SESSIONS, poolMax: POOL_MAX },
    rounds,
  };
}

/** A Tollgate on its own schema, N refresh tokens of one user and app, then the chains. */
async function measureRefresh(ctx, { rateLimits }) {
  return withSchema(async (schema) => {
    const { server, env } = await startTollgate({
      env: (port) => ({
        PUBLIC_URL: `http://127.0.0.1:${port}`,
        DATABASE_URL,
        DATABASE_SCHEMA: schema,
        DATABASE_POOL_MAX: String(POOL_MAX),
        MASTER_KEY: randomBytes(32).toString('base64url'),
        TRUST_PROXY: 'true',
        RATE_LIMITS: String(rateLimits),
      }),
    });
    try {
      const { appId, refreshTokens } = await signedInApp(server.url, env, { authorizations: CHAINS, sessions: SESSIONS, forwardedFor: true });
      const options = { url: `${server.url}/oauth/token`, clientId: appId, refreshTokens, warmupSec: ctx.warmupSec, durationSec: ctx.durationSec, forwardedFor: true };
      const cpuBefore = { server: processCpuMs({ pids: [server.pid] }), postgres: processCpuMs({ comm: 'postgres' }) };
      const child = spawnNode([worker, JSON.stringify(options)], { core: LOAD_CORE });
      const { code } = await child.exited;
      const cpuAfter = { server: processCpuMs({ pids: [server.pid] }), postgres: processCpuMs({ comm: 'postgres' }) };
      const line = child.output.trim().split('\n').at(-1);
      if (code !== 0 || !line?.startsWith('{')) throw new Error(`refresh load generator failed (exit ${code}):\n${child.output}`);
      // The chains' newest refresh tokens stay out of the results file.
      const { refreshTokens: _latest, ...result } = JSON.parse(line);
      if (result.failures[429]) {
        throw new Error(
          `the token endpoint rate-limited the bench: ${result.failures[429]} of its ${CHAINS} chains got 429 after ${result.allRequests} refreshes had succeeded (${result.firstFailure.body}). ` +
            'It allows 600 requests a minute per client IP (DEFAULT_LIMITS.token_ip in server/identity/index.ts). The bench gives every request its own ' +
            'X-Forwarded-For address, which counts only if the server trusts it: check that TRUST_PROXY=true reaches the server and that the client IP is still the last hop.',
        );
      }
      if (result.failed) {
        // Throughput of failures says nothing about the server; refuse to report it.
        throw new Error(`${options.url}: ${result.failed} requests failed (${JSON.stringify(result.failures)}); first: ${JSON.stringify(result.firstFailure)}`);
      }
      // Over warm-up and measurement alike, divided by every refresh in both.
      result.cpuMicrosPerRequest = cpuPerRequest(cpuBefore, cpuAfter, result.allRequests);
      return result;
    } finally {
      await server.stop();
    }
  });
}

/**
 * pgbench's built-in simple-update script (`-b simple-update`: BEGIN; UPDATE pgbench_accounts;
 * SELECT; INSERT INTO pgbench_history; END) at scale 1, extended protocol like node-postgres,
 * pinned to the load core; per-transaction latencies from its log (`-l`).
 */
async function measurePgbench(ctx) {
  return withSchema(async (schema) => {
    await query(`create schema ${schema}`);
    const env = { PGOPTIONS: `-c search_path=${schema}` };
    await pgbench(['-i', '-q', '-s', '1', DATABASE_URL], env);
    const common = ['-n', '-b', 'simple-update', '-M', 'extended', '-c', String(POOL_MAX), '-j', '1'];
    await pgbench([...common, '-T', String(ctx.warmupSec), DATABASE_URL], env);
    const logs = tempDir('tollgate-pgbench-');
    const before = coreTicks();
    const cpuBefore = { postgres: processCpuMs({ comm: 'postgres' }) };
    const output = await pgbench([...common, '-T', String(ctx.durationSec), '-l', `--log-prefix=${join(logs, 'tx')}`, DATABASE_URL], env);
    const cpuAfter = { postgres: processCpuMs({ comm: 'postgres' }) };
    const coreBusyPercent = busyPercent(before, coreTicks());
    const tps = Number(output.match(/^tps = ([\d.]+) \(without initial connection time\)/m)?.[1]);
    const failed = Number(output.match(/^number of failed transactions: (\d+)/m)?.[1] ?? 0);
    if (!tps) throw new Error(`pgbench printed no tps:\n${output}`);
    if (failed) throw new Error(`pgbench: ${failed} failed transactions:\n${output}`);
    // Log lines: client_id transaction_no time_us script_no epoch epoch_us.
    const micros = readdirSync(logs).flatMap((file) =>
      readFileSync(join(logs, file), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => Number(line.split(' ')[2])),
    );
    const sorted = Float64Array.from(micros, (us) => us / 1000).sort();
    return {
      reqPerSec: tps,
      requests: sorted.length,
      durationSec: ctx.durationSec,
      clients: POOL_MAX,
      latencyMs: { p50: percentile(sorted, 50), p90: percentile(sorted, 90), p99: percentile(sorted, 99), max: sorted.at(-1) ?? null },
      failed,
      coreBusyPercent,
      cpuMicrosPerRequest: cpuPerRequest(cpuBefore, cpuAfter, sorted.length),
    };
  });
}

/**
 * CPU µs per request of each process group, from `processCpuMs` samples. PostgreSQL's figure is
 * the whole cluster's, so other work on the same database server would count in it.
 */
function cpuPerRequest(before, after, requests) {
  const out = {};
  for (const key of Object.keys(before)) {
    out[key] = before[key] === null || after[key] === null ? null : Math.round(((after[key] - before[key]) * 1000) / requests);
  }
  return out;
}

async function pgbench(args, env) {
  const child = spawnPinned('pgbench', args, { core: LOAD_CORE, env });
  const { code } = await child.exited;
  if (code !== 0) throw new Error(`pgbench ${args.slice(0, -1).join(' ')} failed (exit ${code}):\n${child.output}`);
  return child.output;
}

/** Runs `fn(schema)` on a fresh schema name, and drops the schema afterwards, even on Ctrl+C. */
async function withSchema(fn) {
  const schema = `bench_${randomBytes(6).toString('hex')}`;
  const drop = `drop schema if exists ${schema} cascade`;
  // Only synchronous work runs at exit: psql if it is there.
  const forget = atExit(() => spawnSync('psql', [DATABASE_URL, '-qc', drop], { stdio: 'ignore', timeout: 10_000 }));
  try {
    return await fn(schema);
  } finally {
    await query(drop);
    forget();
  }
}

async function query(text) {
  const client = new pg.Client({ connectionString: DATABASE_URL });
  await client.connect();
  try {
    return await client.query(text);
  } finally {
    await client.end();
  }
}

async function checkDatabase() {
  try {
    await query('select 1');
  } catch (error) {
    throw new Error(`PostgreSQL at DATABASE_URL (default postgresql://postgres@127.0.0.1:5432/test) does not answer: ${error.message}`);
  }
  if (spawnSync('pgbench', ['--version']).status !== 0) throw new Error('pgbench is missing: install PostgreSQL\'s client tools (the baseline needs it)');
}

async function serverVersion() {
  return (await query('show server_version')).rows[0].server_version;
}
