// Refresh-token load in its own process, so the parent can pin it to the load generator's core.
// A refresh rotates the token, so no request can be replayed (autocannon cannot do this): each
// of N chains loops POST /oauth/token grant_type=refresh_token with the refresh token its own
// previous response returned, one request in flight per chain.
//
// Input: a JSON options object as argv[2]:
//   { url, clientId, refreshTokens: [one per chain], warmupSec, durationSec, forwardedFor }
// With `forwardedFor`, every request carries its own X-Forwarded-For address (the server must
// run with TRUST_PROXY=true), as when many clients refresh behind a proxy.
// Output: one JSON result line on stdout. The first non-200 ends its chain and is reported;
// the parent fails the run on any.
import { Agent, request } from 'node:http';
import { busyPercent, coreTicks } from './cores.mjs';
import { percentile } from './stats.mjs';
import { benchAddress } from './tollgate-flow.mjs';

const { url, clientId, refreshTokens, warmupSec, durationSec, forwardedFor = false } = JSON.parse(process.argv[2]);
const target = new URL(url);
// One keep-alive connection per chain, as autocannon keeps one per connection.
const agent = new Agent({ keepAlive: true, maxSockets: refreshTokens.length });

let latencies = new Float64Array(1 << 16);
let count = 0;
let succeeded = 0;
let sent = 0;
const failures = {};
let firstFailure = null;

function post(body) {
  return new Promise((resolve, reject) => {
    const headers = { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) };
    // A new address per request (198.18.0.0/15, 131,072 of them before one comes round again).
    if (forwardedFor) headers['x-forwarded-for'] = benchAddress(++sent);
    const req = request({ agent, host: target.hostname, port: target.port, path: target.pathname, method: 'POST', headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode, text }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

const record = (ms) => {
  if (count === latencies.length) {
    const grown = new Float64Array(latencies.length * 2);
    grown.set(latencies);
    latencies = grown;
  }
  latencies[count++] = ms;
};

const start = performance.now();
const measureFrom = start + warmupSec * 1000;
const measureUntil = measureFrom + durationSec * 1000;
let coresBefore = null;
let cpuBefore = null;
const warmed = setTimeout(() => {
  coresBefore = coreTicks();
  cpuBefore = process.cpuUsage();
}, warmupSec * 1000);
let coresAfter = null;
let cpuAfter = null;
const done = setTimeout(() => {
  coresAfter = coreTicks();
  cpuAfter = process.cpuUsage(cpuBefore ?? undefined);
}, (warmupSec + durationSec) * 1000);

async function chain(token) {
  for (;;) {
    const began = performance.now();
    if (began >= measureUntil) return token;
    const body = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: token, client_id: clientId }).toString();
    let answer;
    try {
      answer = await post(body);
    } catch (error) {
      answer = { status: 'network error', text: String(error?.message ?? error) };
    }
    const ended = performance.now();
    if (answer.status !== 200) {
      failures[answer.status] = (failures[answer.status] ?? 0) + 1;
      firstFailure ??= { status: answer.status, body: answer.text.slice(0, 500) };
      return null;
    }
    token = JSON.parse(answer.text).refresh_token;
    succeeded++;
    // Counted when it started inside the measured window: warm-up requests are discarded.
    if (began >= measureFrom) record(ended - began);
  }
}

const latest = await Promise.all(refreshTokens.map(chain));
clearTimeout(warmed);
clearTimeout(done);
coresAfter ??= coreTicks();
cpuAfter ??= process.cpuUsage(cpuBefore ?? undefined);
agent.destroy();

const sorted = latencies.subarray(0, count).sort();
const failed = Object.values(failures).reduce((a, b) => a + b, 0);
const out = {
  reqPerSec: count / durationSec,
  requests: count,
  // Warm-up included: every successful refresh this process made.
  allRequests: succeeded,
  durationSec,
  chains: refreshTokens.length,
  latencyMs: { p50: percentile(sorted, 50), p90: percentile(sorted, 90), p99: percentile(sorted, 99), max: count ? sorted[count - 1] : null },
  failed,
  failures,
  firstFailure,
  coreBusyPercent: busyPercent(coresBefore, coresAfter),
  // The load generator's own CPU (without kernel networking): near 100 means it, not the server, set the pace.
  loadGenCpuPercent: cpuBefore ? Math.round(((cpuAfter.user + cpuAfter.system) / 1e4 / durationSec) * 10) / 10 : null,
  // Each chain's newest refresh token (null where the chain failed).
  refreshTokens: latest,
};
process.stdout.write(`${JSON.stringify(out)}\n`);
