// Which build of Tollgate was measured. The bench starts the server from dist/ several times per
// run; a rebuild in between (another terminal, a watcher) would mix two builds in one result.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** A short hash of every file under `dir`, to compare before and after a run. */
export function fingerprint(dir) {
  const hash = createHash('sha256');
  const files = readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath ?? entry.path, entry.name))
    .sort();
  for (const file of files) hash.update(file).update(readFileSync(file));
  return hash.digest('hex').slice(0, 12);
}

/**
 * The fingerprint of `root`/dist, after checking that `file` (say `dist/cli.js`) was built.
 * Pass it to `assertSameBuild` once the run is over.
 */
export function requireBuild(root, file) {
  if (!existsSync(join(root, file))) throw new Error(`${file} is missing: run \`npm run build\` (or \`npm run bench\`)`);
  return fingerprint(join(root, 'dist'));
}

/** Fails the run when dist/ changed since `build` was taken: the rounds measured different builds. */
export function assertSameBuild(root, build) {
  if (fingerprint(join(root, 'dist')) !== build) {
    throw new Error('dist/ was rebuilt during the run, so the rounds measured different builds; run again');
  }
}
