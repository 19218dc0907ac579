import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

function newest(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((name) => newest(join(path, name))));
}

/**
 * Child-process, browser and bundle tests run the build, exactly as users do. `npm test` builds
 * first; a bare `npx vitest` after an edit would test a stale build, so rebuild when sources
 * are newer than it.
 */
export default async function setup() {
  const stamp = join(root, 'dist', 'cli.js');
  const sources = ['server', 'widget', 'migrations', 'embed-demo', 'rollup.config.mjs'].map((p) => join(root, p));
  const stale = () => !existsSync(stamp) || Math.max(...sources.map(newest)) > statSync(stamp).mtimeMs;
  // Each test project runs this setup; only one may rebuild, the others wait for it.
  const lock = join(root, '.build-lock');
  for (let waited = 0; stale(); waited += 200) {
    try {
      mkdirSync(lock);
    } catch {
      if (waited > 180_000) throw new Error(`${lock} has been held for 3 minutes; remove it if no build is running.`);
      await new Promise((r) => setTimeout(r, 200));
      continue;
    }
    try {
      if (!stale()) break;
      process.stdout.write('\nThe build is older than the sources: rebuilding…\n');
      const result = spawnSync('npx', ['rollup', '-c', '--silent'], { cwd: root, stdio: 'inherit' });
      if (result.status !== 0) throw new Error('`npm run build` failed; fix the build before testing.');
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
  const engine = process.env.DATABASE_URL ? `PostgreSQL (${process.env.DATABASE_URL.replace(/\/\/[^@]*@/, '//')})` : 'PGlite';
  process.stdout.write(`\nTests run against ${engine}.\n`);
}
