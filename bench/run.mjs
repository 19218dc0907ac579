// `npm run bench`: runs every suite in bench/suites (or those named on the command line), prints
// one table per suite and writes all results, with the machine they ran on, to bench/results/.
//
// A suite is a module exporting `name`, `title` and `run(ctx)`, which resolves to
// `{ columns: { key: label }, rows: [{ key: value }], ratios?: { label: { median, min, max } } }`
// plus anything else worth keeping in the JSON (raw per-round results, say).
// Figures are only meaningful against a baseline measured in the same run, hence `ratios`.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, release, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { LOAD_CORE } from './lib/http-load.mjs';
import { canPin, pinSelf } from './lib/processes.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));

const ctx = {
  connections: 10,
  pipelining: 1,
  warmupSec: 3,
  durationSec: Number(process.env.BENCH_DURATION) || 10,
  // Several rounds, summarised by their median: this machine may be shared, and one round can be disturbed.
  rounds: Number(process.env.BENCH_ROUNDS) || 3,
  pinned: canPin,
};

const only = process.argv.slice(2);
const files = readdirSync(`${here}suites`).filter((file) => file.endsWith('.mjs')).sort();
const suites = await Promise.all(files.map((file) => import(`./suites/${file}`)));
const selected = only.length ? suites.filter((suite) => only.includes(suite.name)) : suites;
if (!selected.length) throw new Error(`no suite named ${only.join(', ')}; have: ${suites.map((s) => s.name).join(', ')}`);

const machine = describeMachine(); // before pinning, which narrows availableParallelism()
// The orchestrator waits on the load generator's core, keeping the server's core to the server.
pinSelf(LOAD_CORE);
console.log(`${machine.cpuModel}, ${machine.cores} cores, Node ${machine.node}`);
console.log(
  canPin
    ? 'Pinned: server on core 0, load generator on core 1 (taskset).'
    : 'NOT pinned: taskset or a second core is unavailable, so server and load generator share cores; figures are noisier.',
);
console.log(
  `${ctx.connections} connections, pipelining ${ctx.pipelining}, ${ctx.warmupSec} s warm-up + ${ctx.durationSec} s measured per target, ${ctx.rounds} rounds`,
);
console.log(`Load average before the run: ${machine.loadAverage.join(' ')}\n`);

const results = {};
for (const suite of selected) {
  console.log(`== ${suite.title}`);
  const result = await suite.run(ctx);
  results[suite.name] = { title: suite.title, ...result };
  console.log(`${formatTable(result)}\n`);
}

const report = { date: new Date().toISOString(), machine, settings: ctx, suites: results };
mkdirSync(`${here}results`, { recursive: true });
const file = `${here}results/${report.date.replace(/:/g, '-')}.json`;
const json = `${JSON.stringify(report, null, 2)}\n`;
writeFileSync(file, json);
writeFileSync(`${here}results/latest.json`, json);
console.log(`Wrote ${file} and bench/results/latest.json`);

function describeMachine() {
  const version = (pkg) => JSON.parse(readFileSync(new URL(`../node_modules/${pkg}/package.json`, import.meta.url), 'utf8')).version;
  const git = (...args) => {
    try {
      return execFileSync('git', args, { cwd: here, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    } catch {
      return null;
    }
  };
  return {
    node: process.version,
    platform: `${process.platform} ${release()}`,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    availableCores: availableParallelism(),
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    // Other work on the machine before the run; a high figure explains noisy results.
    loadAverage: loadavg().map((n) => Math.round(n * 100) / 100),
    versions: { hono: version('hono'), '@hono/node-server': version('@hono/node-server'), autocannon: version('autocannon') },
    // Which code was measured: a dirty tree means uncommitted changes were included.
    commit: git('rev-parse', '--short', 'HEAD'),
    dirty: git('status', '--porcelain') ? true : false,
  };
}

function formatTable({ columns, rows, ratios = {} }) {
  const keys = Object.keys(columns);
  const number = (value) => (value >= 100 ? Math.round(value).toString() : value.toFixed(value >= 10 ? 1 : 3));
  const cell = (value) => (typeof value !== 'number' || Number.isNaN(value) ? String(value ?? '–').replace('NaN', '–') : number(value));
  const table = [keys.map((key) => columns[key]), ...rows.map((row) => keys.map((key) => cell(row[key])))];
  const widths = keys.map((_, i) => Math.max(...table.map((line) => line[i].length)));
  const lines = table.map((line) => line.map((text, i) => (i ? text.padStart(widths[i]) : text.padEnd(widths[i]))).join('  '));
  lines.splice(1, 0, widths.map((w) => '-'.repeat(w)).join('  '));
  for (const [label, { median, min, max }] of Object.entries(ratios)) {
    lines.push(`${label}: ${median.toFixed(2)} (rounds ranged ${min.toFixed(2)}–${max.toFixed(2)})`);
  }
  return lines.join('\n');
}
