// One autocannon run in its own process, so the parent can pin it to the load generator's core.
// Input: a JSON options object as argv[2]. Output: one JSON result line on stdout.
import autocannon from 'autocannon';
import { busyPercent, coreTicks } from './cores.mjs';
import { percentile } from './stats.mjs';

const { url, connections, pipelining, durationSec, headers = {} } = JSON.parse(process.argv[2]);

// autocannon's own latency histogram has 1 ms resolution, too coarse for sub-millisecond
// responses; the documented 'response' event gives each latency as a float in ms instead.
let latencies = new Float64Array(1 << 18);
let count = 0;
const coresBefore = coreTicks();
const cpuBefore = process.cpuUsage();

const instance = autocannon({ url, connections, pipelining, duration: durationSec, headers }, (error, result) => {
  if (error) throw error;
  const coresAfter = coreTicks();
  const cpu = process.cpuUsage(cpuBefore);
  const sorted = latencies.subarray(0, count).sort();
  const out = {
    reqPerSec: result.requests.mean,
    requests: result.requests.total,
    durationSec: result.duration,
    latencyMs: { p50: percentile(sorted, 50), p90: percentile(sorted, 90), p99: percentile(sorted, 99), max: count ? sorted[count - 1] : null },
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    coreBusyPercent: busyPercent(coresBefore, coresAfter),
    // The load generator's own CPU (without kernel networking): near 100 means it, not the server, set the pace.
    loadGenCpuPercent: Math.round(((cpu.user + cpu.system) / 1e4 / result.duration) * 10) / 10,
  };
  process.stdout.write(`${JSON.stringify(out)}\n`);
});

instance.on('response', (_client, _status, _bytes, ms) => {
  if (count === latencies.length) {
    const grown = new Float64Array(latencies.length * 2);
    grown.set(latencies);
    latencies = grown;
  }
  latencies[count++] = ms;
});
