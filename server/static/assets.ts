import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { createRouter } from '../http/context';
import { defineErrors } from '../http/errors';

export interface Asset {
  /** Every served type is text. */
  body: string;
  type: string;
  etag: string;
}

/** Built browser files by URL path (`/widget.js`, `/assets/login.js`). */
export type Assets = Map<string, Asset>;

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

export const assetErrors = defineErrors({
  ASSET_NOT_FOUND: { status: 404, message: 'No such file. If this is a fresh checkout, run `npm run build`.' },
});

/**
 * Reads the built browser files once, at start-up: they are small, and serving from memory
 * keeps `/widget.js` off the disk on every page view.
 */
export function loadAssets(dir: string): Assets {
  const assets: Assets = new Map();
  if (!existsSync(dir)) return assets;
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const full = join(d, name);
      if (statSync(full).isDirectory()) walk(full);
      else {
        const ext = name.slice(name.lastIndexOf('.'));
        const type = TYPES[ext];
        if (!type) continue;
        const body = readFileSync(full, 'utf8');
        const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
        assets.set(`/${relative(dir, full).split('\\').join('/')}`, { body, type, etag });
      }
    }
  };
  walk(dir);
  return assets;
}

const widget = createRoute({
  method: 'get',
  path: '/widget.js',
  summary: 'The script-tag build of the widget (IIFE). Loaded by third-party pages.',
  tags: ['Widget'],
  responses: { 200: { description: 'JavaScript', content: { 'text/javascript': { schema: z.string() } } } },
});

const asset = createRoute({
  method: 'get',
  path: '/assets/{file}',
  summary: 'Built scripts of the hosted pages and frames.',
  tags: ['Widget'],
  request: { params: z.object({ file: z.string().regex(/^[A-Za-z0-9._-]{1,100}$/) }) },
  responses: { 200: { description: 'A built file' } },
});

/** Serves the built browser files. Other sites load them, so they are cross-origin readable. */
export function assetRoutes(assets: Assets = new Map()) {
  const serve = (c: Context, path: string, maxAge: number) => {
    const found = assets.get(path);
    if (!found) throw assetErrors.ASSET_NOT_FOUND(`${path} is not built. If this is a fresh checkout, run \`npm run build\`.`);
    const common = {
      'Content-Type': found.type,
      ETag: found.etag,
      'Cache-Control': `public, max-age=${maxAge}`,
      // A <script src> from another site is a no-cors load: CORP same-origin would block it.
      'Cross-Origin-Resource-Policy': 'cross-origin',
    };
    // c.body, not new Response: the prepared security headers must reach this response too.
    if (c.req.header('if-none-match') === found.etag) return c.body(null, 304, common);
    return c.body(found.body, 200, common);
  };
  return createRouter()
    .openapi(widget, (c) => serve(c, '/widget.js', 300) as never)
    .openapi(asset, (c) => serve(c, `/assets/${c.req.valid('param').file}`, 300) as never);
}
