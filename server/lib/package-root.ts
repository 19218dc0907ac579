import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The directory of Tollgate's package.json, from the sources or from the built bundle alike. */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const file = join(dir, 'package.json');
    if (existsSync(file) && JSON.parse(readFileSync(file, 'utf8')).name === 'tollgate') return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the tollgate package root');
    dir = parent;
  }
}
