// One autocannon run in its own process, so the parent can pin it to the load generator's core.
// Input: a JSON options object as argv[2]. Output: one JSON result line on stdout.
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';

const { url, connections, pipelining, durationSec } = JSON.parse(process.argv[2]);

// autocannon's own latency histogram has 1 ms resolution, too coarse for sub-millisecond
// responses; the documented 'response' event gives each latency as a float in ms instead.
let latencies = new Float64Array(1 << 18);
let count = 0;
const coresBefore = coreTicks();
const cpuBefore = process.cpuUsage();

const instance = autocannon({ url, connections, pipelining, duration: durationSec }, (error, result) => {
  if (error) throw error;
  const coresAfter = coreTicks();
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

/**
 * Per-core busy and total ticks from /proc/stat (Linux), or null elsewhere. Per-core figures,
 * unlike a process's own CPU time, include the kernel's loopback networking (softirq), so they
 * show whether a core was saturated.
 */
function coreTicks() {
  try {
    const lines = readFileSync('/proc/stat', 'utf8').split('\n').filter((line) => /^cpu\d/.test(line));
    return lines.map((line) => {
      const [user, nice, system, idle, iowait, irq, softirq, steal] = line.split(/\s+/).slice(1, 9).map(Number);
      const busy = user + nice + system + irq + softirq + steal;
      return { busy, total: busy + idle + iowait };
    });
  } catch {
    return null;
  }
}

function busyPercent(before, after) {
  if (!before || !after) return null;
  return after.map((core, i) => Math.round(((core.busy - before[i].busy) / (core.total - before[i].total)) * 1000) / 10);
}
