// Child processes of a bench run. Every one is tracked so that none outlives the run, whether
// it ends normally, throws, or is interrupted with Ctrl+C.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const children = new Set();
const tempDirs = [];
const exitHooks = new Set();

/**
 * Whether processes can be pinned to cores 0 and 1: `taskset` works and core 1 exists. Without
 * that they run unpinned and the report says so.
 */
export const canPin = spawnSync('taskset', ['-c', '1', 'true']).status === 0;

/**
 * Spawns `node <args>` pinned to `core` (when pinning works). `taskset` execs the command, so
 * the returned child's pid is the Node process itself (signals reach it directly).
 */
export function spawnNode(args, options = {}) {
  return spawnPinned(process.execPath, args, options);
}

/**
 * Spawns `command <args>` pinned to `core` (when pinning works), tracked like every child. Its
 * `output` keeps the tail of stdout and stderr; `exited` resolves to `{ code, signal }`.
 */
export function spawnPinned(command, args, { core, env = {}, cwd } = {}) {
  const [file, argv] = canPin ? ['taskset', ['-c', String(core), command, ...args]] : [command, args];
  const child = spawn(file, argv, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  child.once('exit', () => children.delete(child));
  // Keep only the tail of the output: enough to explain a failed start, never a full pipe
  // that would block the child.
  child.output = '';
  const keep = (chunk) => (child.output = (child.output + chunk).slice(-4000));
  child.stdout.setEncoding('utf8').on('data', keep);
  child.stderr.setEncoding('utf8').on('data', keep);
  child.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return child;
}

/** Pins this process (all its threads) to `core`, so the orchestrator stays off the server's core. */
export function pinSelf(core) {
  if (canPin) spawnSync('taskset', ['-a', '-pc', String(core), String(process.pid)], { stdio: 'ignore' });
}

/** Asks a child to stop (SIGTERM), then kills it if it has not exited within `timeoutMs`. */
export async function stopChild(child, timeoutMs = 5_000) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  await child.exited;
  clearTimeout(timer);
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer().once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** A fresh temporary directory, removed when the run exits. */
export function tempDir(prefix) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

/**
 * Runs `hook` (synchronous work only) when the run exits, however it exits, unless the returned
 * function is called first: for clean-ups the normal path does itself, such as dropping a schema.
 */
export function atExit(hook) {
  exitHooks.add(hook);
  return () => exitHooks.delete(hook);
}

/** Polls `url` until it answers 200; fails early with the child's output if the child dies. */
export async function waitForOk(url, child, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`server exited before ${url} answered:\n${child.output}`);
    }
    const ok = await fetch(url, { signal: AbortSignal.timeout(1_000) }).then((res) => res.ok, () => false);
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${url} did not answer 200 within ${timeoutMs} ms:\n${child.output}`);
}

// 'exit' also fires after an uncaught error; only synchronous work runs there, hence SIGKILL.
process.on('exit', () => {
  for (const child of children) child.kill('SIGKILL');
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  for (const hook of exitHooks) {
    try {
      hook();
    } catch {
      // Best effort: the run is ending anyway.
    }
  }
});
for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]]) {
  process.once(signal, () => {
    process.stderr.write(`\n${signal}: stopping the benchmark\n`);
    process.exit(code);
  });
}
