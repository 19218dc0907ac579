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
    expect(await names('dist/index.js')).toEqual(['PROTOCOL_VERSION', 'createTollgate']);
    expect(await names('dist/react.js')).toEqual(['TollgateProvider', 'useTollgate']);
    expect(await names('dist/server.js')).toEqual(['TollgateTokenError', 'bearerToken', 'createVerifier', 'isTollgateTokenError']);
  });

  it('imports tollgate/react without a window (SSR)', async () => {
    expect(typeof globalThis.window).toBe('undefined');
    const react = await import(join(ROOT, 'dist/react.js'));
    expect(react.TollgateProvider).toBeTypeOf('function');
  });
});

// Size budgets (gzip bytes of the built files), from the widget issue.
describe('size budgets', () => {
  it.each([
    ['dist/browser/widget.js', 6 * 1024],
    ['dist/index.js', 8 * 1024],
    ['dist/react.js', 3 * 1024],
    // The hosted pages, each one self-contained module with Preact and signals bundled in.
    ['dist/browser/assets/login.js', 30 * 1024],
    ['dist/browser/assets/authorize.js', 30 * 1024],
    ['dist/browser/assets/account.js', 30 * 1024],
  ])('%s stays within %i bytes gzipped', (file, budget) => {
    expect(gzip(file)).toBeLessThanOrEqual(budget);
  });
});
