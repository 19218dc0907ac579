// How busy each core was over a window, from /proc/stat (Linux). Per-core figures, unlike a
// process's own CPU time, include the kernel's loopback networking (softirq) and any other
// process on the core (PostgreSQL, say), so they show whether a core was saturated.
import { readdirSync, readFileSync } from 'node:fs';

/** Per-core busy and total ticks, or null where /proc/stat is unavailable. */
export function coreTicks() {
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

/** Busy % of each core between two `coreTicks()` samples, or null. */
export function busyPercent(before, after) {
  if (!before || !after) return null;
  return after.map((core, i) => Math.round(((core.busy - before[i].busy) / (core.total - before[i].total)) * 1000) / 10);
}

/**
 * CPU time (user + system, ms) used so far by the processes `pids`, or by every process whose
 * command name is `comm` (say, PostgreSQL's postmaster and backends), including their waited-for
 * children: a backend that exits moves its time to the postmaster's, so it is not lost.
 * Null where /proc is unavailable.
 */
export function processCpuMs({ pids, comm }) {
  try {
    const ids = pids ?? readdirSync('/proc').filter((id) => /^\d+$/.test(id) && readQuietly(`/proc/${id}/comm`)?.trim() === comm);
    let ticks = 0;
    for (const id of ids) {
      const stat = readQuietly(`/proc/${id}/stat`);
      if (!stat) continue;
      // Fields after the parenthesised command: state is field 3, utime 14, stime 15, cutime 16, cstime 17.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
    }
    return (ticks * 1000) / CLOCK_TICKS;
  } catch {
    return null;
  }
}

// USER_HZ, 100 on every Linux architecture Node runs on.
const CLOCK_TICKS = 100;

function readQuietly(file) {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
