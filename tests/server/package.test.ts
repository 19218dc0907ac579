import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/process';

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const gzip = (file: string) => gzipSync(readFileSync(join(ROOT, file)), { level: 9 }).length;

describe('the published package', () => {
  it('has one exports subpath per entry, each with types', () => {
    expect(Object.keys(pkg.exports)).toEqual(['.', './react', './server', './widget.js', './package.json']);
    for (const entry of ['.', './react', './server']) {
      expect(pkg.exports[entry]).toEqual({ types: expect.stringMatching(/\.d\.ts$/), import: expect.stringMatching(/\.js$/) });
      expect(readFileSync(join(ROOT, pkg.exports[entry].types), 'utf8').length).toBeGreaterThan(0);
    }
    expect(pkg.bin).toEqual({ tollgate: './bin/tollgate.js' });
    expect(pkg.peerDependencies.react).toBeDefined();
    expect(pkg.dependencies.react).toBeUndefined();
  });

  // The public surface is a contract: a change here is a deliberate, reviewed change.
  it('exports exactly these names', async () => {
    const names = async (file: string) => Object.keys(await import(join(ROOT, file))).sort();
    expect(await names('dist/index.js')).toEqual(['PROTOCOL_VERSION', 'createTollgate', 'isTollgateError']);
    expect(await names('dist/react.js')).toEqual(['CreditBalance', 'CreditPurchase', 'SignInButton', 'SubscriptionManager', 'TollgateProvider', 'useTollgate', 'useUser']);
    expect(await names('dist/server.js')).toEqual(['TollgateTokenError', 'bearerToken', 'createVerifier', 'isTollgateTokenError']);
  });

  it('imports tollgate/react without a window (SSR)', async () => {
    expect(typeof globalThis.window).toBe('undefined');
    const react = await import(join(ROOT, 'dist/react.js'));
    expect(react.TollgateProvider).toBeTypeOf('function');
  });

  it('creates a client without a window (SSR): signed out, nothing thrown', async () => {
    const { createTollgate } = await import(join(ROOT, 'dist/index.js'));
    const client = createTollgate({ appId: 'app_ssrtest', server: 'https://id.example.com' });
    expect(client.auth.isAuthenticated()).toBe(false);
    expect(await client.auth.getAccessToken()).toBeNull();
    expect(await client.auth.getUser()).toBeNull();
    expect(client.auth.isRedirectCallback()).toBe(false);
  });

  it('widget.js leaves the frame code to /assets/frames.js (loaded on the first mount)', () => {
    const widget = readFileSync(join(ROOT, 'dist/browser/widget.js'), 'utf8');
    expect(widget).toContain('/assets/frames.js');
    expect(widget).not.toContain('MessageChannel');
    expect(readFileSync(join(ROOT, 'dist/browser/assets/frames.js'), 'utf8')).toContain('MessageChannel');
  });

  it('tollgate/react uses the core of tollgate, not a copy: its budget is what it adds', () => {
    const react = readFileSync(join(ROOT, 'dist/react.js'), 'utf8');
    expect(react).toMatch(/from\s*"\.\/index\.js"/);
    expect(react).not.toContain('/oauth/token');
  });
});

// Size budgets (gzip bytes of the built files), from the widget issue.
describe('size budgets', () => {
  it.each([
    ['dist/browser/widget.js', 6 * 1024],
    // The frame code the script tag loads on its first mount (lazy-frames.ts).
    ['dist/browser/assets/frames.js', 4 * 1024],
    ['dist/index.js', 8 * 1024],
    // Beyond core: dist/react.js imports dist/index.js (checked above).
    ['dist/react.js', 3 * 1024],
    // The hosted pages, each one self-contained module with Preact and signals bundled in.
    ['dist/browser/assets/login.js', 30 * 1024],
    ['dist/browser/assets/authorize.js', 30 * 1024],
    ['dist/browser/assets/account.js', 30 * 1024],
    // The frames the widget mounts (/embed/*): one module for the four of them.
    ['dist/browser/assets/embed.js', 30 * 1024],
  ])('%s stays within %i bytes gzipped', (file, budget) => {
    expect(gzip(file)).toBeLessThanOrEqual(budget);
  });
});
