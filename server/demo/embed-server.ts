import { readFile } from 'node:fs/promises';
import { join, normalize } from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import type { DemoSeed } from './seed';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

/**
 * Serves the embed demo's host pages, one origin per demo app, as a third-party site would:
 * plain files, with the Tollgate URL and the app id filled into the HTML.
 */
export async function startEmbedDemo({ seed, tollgateUrl, root }: { seed: DemoSeed; tollgateUrl: string; root: string }) {
  const servers: ServerType[] = [];
  const urls: string[] = [];
  for (const [i, app] of seed.apps.entries()) {
    const other = seed.apps[1 - i]!;
    const { hostname, port } = new URL(app.origin);
    const site = new Hono();
    site.get('*', async (c) => {
      let path = normalize(decodeURIComponent(c.req.path)).replace(/^(\.\.(\/|\\|$))+/, '');
      if (path.endsWith('/')) path += 'index.html';
      const ext = path.slice(path.lastIndexOf('.'));
      const type = TYPES[ext];
      if (!type || path.includes('..')) return c.text('Not found', 404);
      let body: string;
      try {
        body = await readFile(join(root, path), 'utf8');
      } catch {
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
    // Both demo hosts listen on loopback; Chromium resolves `localhost` there too.
    const server = await new Promise<ServerType>((resolve, reject) => {
      const s = serve({ fetch: site.fetch, port: Number(port), hostname: '127.0.0.1' }, () => resolve(s));
      s.once('error', (error: NodeJS.ErrnoException) =>
        reject(error.code === 'EADDRINUSE' ? new Error(`port ${port} for the embed demo is already in use`) : error),
      );
    });
    servers.push(server);
    urls.push(`${app.origin}/`);
    void hostname;
  }
  return {
    urls,
    close: () => Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r())))).then(() => undefined),
  };
}
