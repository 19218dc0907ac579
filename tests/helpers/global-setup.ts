import { existsSync } from 'node:fs';

/** Child-process and bundle tests run the build, exactly as users do; `npm test` builds first. */
export default function setup() {
  if (!existsSync(new URL('../../dist/cli.js', import.meta.url))) {
    throw new Error('dist/ is missing: run `npm run build` (or `npm test`, which builds first).');
  }
  const engine = process.env.DATABASE_URL ? `PostgreSQL (${process.env.DATABASE_URL.replace(/\/\/[^@]*@/, '//')})` : 'PGlite';
  process.stdout.write(`\nTests run against ${engine}.\n`);
}
