#!/usr/bin/env node
// The `tollgate` command: runs the built server bundle.
import { existsSync } from 'node:fs';

const cli = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(cli)) {
  process.stderr.write('tollgate: the server is not built yet; run `npm run build` in the tollgate package first\n');
  process.exit(1);
}
await import(cli.href);
