// One autocannon run in its own process, so the parent can pin it to the load generator's core.
// Input: a JSON options object as argv[2]. Output: one JSON result line on stdout.
import autocannon from 'autocannon';

const { url, connections, pipelining, durationSec } = JSON.parse(process.argv[2]);

// autocannon's own latency histogram has 1 ms resolution, too coarse for sub-millisecond
// responses; the documented 'response' event gives each latency as a float in ms instead.
let latencies = new Float64Array(1 << 18);
let count = 0;
const cpuBefore = process.cpuUsage();

const instance = autocannon({ url, connections, pipelining, duration: durationSec }, (error, result) => {
  if (error) throw error;
  const cpu = process.cpuUsage(cpuBefore);
  const sorted = latencies.subarray(0, count).sort();
  // Nearest-rank percentile.
  const percentile = (p) => (count ? sorted[Math.max(0, Math.ceil((p / 100) * count) - 1)] : null);
  const out = {
    reqPerSec: result.requests.mean,
    requests: result.requests.total,
    durationSec: result.duration,
    latencyMs: { p50: percentile(50), p90: percentile(90), p99: percentile(99), max: count ? sorted[count - 1] : null },
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    loadCpuPercent: ((cpu.user + cpu.system) / 1e6 / result.duration) * 100,
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
