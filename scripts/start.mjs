// `npm start`: builds when the sources are newer than the build, then runs the demo.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const stamp = join(root, 'dist', 'cli.js');

function newest(path) {
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  let max = 0;
  for (const name of readdirSync(path)) max = Math.max(max, newest(join(path, name)));
  return max;
}

const sources = ['server', 'widget', 'migrations', 'embed-demo', 'rollup.config.mjs', 'package.json'].map((p) => join(root, p));
if (!existsSync(stamp) || Math.max(...sources.map(newest)) > statSync(stamp).mtimeMs) {
  process.stderr.write('Building…\n');
  const result = spawnSync('npx', ['rollup', '-c', '--silent'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
process.argv = [process.argv[0], join(root, 'dist', 'cli.js'), 'start', '--demo', ...process.argv.slice(2)];
await import(new URL('../dist/cli.js', import.meta.url).href);
