import { readFile } from 'node:fs/promises';
import { join, normalize } from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import { StartupError } from '../lib/startup-error';
import type { DemoSeed } from './seed';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

/** Built files the pages load, by URL path: the React page's bundle (rollup.config.mjs). */
const BUILT: Record<string, string> = { '/react/app.js': 'react.js' };

export interface EmbedDemoOptions {
  seed: DemoSeed;
  tollgateUrl: string;
  /** The `embed-demo/` folder. */
  root: string;
  /** Where the build put the demo's bundles; default `<root>/../dist/embed-demo`. */
  builtDir?: string;
}

/**
 * Serves the embed demo's host pages, one origin per demo app, as a third-party site would:
 * plain files, with the Tollgate URL and the app id filled into the HTML, and the React page's
 * bundle. Each origin listens on its own host name when it is an IP (127.0.0.2 is another
 * site), on 127.0.0.1 for `localhost`.
 */
export async function startEmbedDemo({ seed, tollgateUrl, root, builtDir = join(root, '..', 'dist', 'embed-demo') }: EmbedDemoOptions) {
  const servers: ServerType[] = [];
  const urls: string[] = [];
  for (const [i, app] of seed.apps.entries()) {
    const other = seed.apps[1 - i]!;
    const { port, hostname } = new URL(app.origin);
    const site = new Hono();
    site.get('*', async (c) => {
      let path = normalize(decodeURIComponent(c.req.path)).replace(/^(\.\.(\/|\\|$))+/, '');
      if (path.endsWith('/')) path += 'index.html';
      const ext = path.slice(path.lastIndexOf('.'));
      const type = TYPES[ext];
      if (!type || path.includes('..')) return c.text('Not found', 404);
      const built = BUILT[path];
      let body: string;
      try {
        body = await readFile(built ? join(builtDir, built) : join(root, path), 'utf8');
      } catch {
        if (built) return c.text(`${path} is not built: run \`npm run build\`.`, 404);
        return c.text('Not found', 404);
      }
      if (ext === '.html') {
        body = body
          .replaceAll('{{TOLLGATE_URL}}', tollgateUrl)
          .replaceAll('{{APP_ID}}', app.id)
          .replaceAll('{{APP_NAME}}', app.name)
          .replaceAll('{{OTHER_APP_URL}}', other.origin);
      }
      return c.body(body, 200, { 'Content-Type': type, 'Cache-Control': 'no-store' });
    });
    // Both demo hosts listen on loopback; Chromium resolves `localhost` to 127.0.0.1 too.
    try {
      servers.push(
        await new Promise<ServerType>((resolve, reject) => {
          const s = serve({ fetch: site.fetch, port: Number(port), hostname: hostname === 'localhost' ? '127.0.0.1' : hostname }, () => resolve(s));
          s.once('error', (error: NodeJS.ErrnoException) =>
            reject(
              new StartupError(
                error.code === 'EADDRINUSE'
                  ? `port ${port} for the embed demo (${app.origin}) is already in use; stop the other process`
                  : `cannot serve the embed demo on ${app.origin}: ${error.message}`,
              ),
            ),
          );
        }),
      );
    } catch (error) {
      await closeAll(servers);
      throw error;
    }
    urls.push(`${app.origin}/`);
  }
  return { urls, close: () => closeAll(servers) };
}

function closeAll(servers: ServerType[]): Promise<void> {
  return Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r())))).then(() => undefined);
}
