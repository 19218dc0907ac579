// One build for everything that ships: the browser SDK (ESM), the React bindings, the
// script-tag IIFE, the server bundle behind the `tollgate` command, and their type files.
import { builtinModules } from 'node:module';
import { readFileSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import resolve from '@rollup/plugin-node-resolve';
import esbuild from 'rollup-plugin-esbuild';
import { dts } from 'rollup-plugin-dts';

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));
const define = { __VERSION__: JSON.stringify(pkg.version) };
const isBare = (id) => !id.startsWith('.') && !isAbsolute(id) && !id.startsWith('\0');
const node = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);

const browser = (minify) => esbuild({ target: 'es2020', minify, define, legalComments: 'none' });

/** Emits a source file unchanged beside the build (the hosted pages' stylesheet). */
const copy = (from, fileName) => ({
  name: 'copy',
  buildStart() {
    this.addWatchFile(from);
  },
  generateBundle() {
    this.emitFile({ type: 'asset', fileName, source: readFileSync(from, 'utf8') });
  },
});

export default [
  // `tollgate` and `tollgate/react`: ESM for bundlers; react stays a peer dependency.
  {
    input: { index: 'widget/core/index.ts', react: 'widget/react/index.ts' },
    external: (id) => id === 'react' || id.startsWith('react/'),
    plugins: [resolve({ browser: true, extensions: ['.ts', '.js'] }), browser(true)],
    output: { dir: 'dist', format: 'es', entryFileNames: '[name].js', chunkFileNames: 'chunks/[name]-[hash].js' },
  },
  // `/widget.js`: the script-tag build, one self-contained IIFE.
  {
    input: 'widget/loader/index.ts',
    plugins: [resolve({ browser: true, extensions: ['.ts', '.js'] }), browser(true)],
    output: { file: 'dist/browser/widget.js', format: 'iife', name: 'TollgateLoader' },
  },
  // The hosted pages, served at /assets/<name>.js under a CSP without 'unsafe-inline': one
  // self-contained module per page (Preact and signals bundled in, no shared chunk to wait
  // for), and the stylesheet they share, /assets/pages.css.
  ...['login', 'authorize', 'account'].map((name, index) => ({
    input: `widget/frames/${name}/index.tsx`,
    plugins: [
      resolve({ browser: true, extensions: ['.ts', '.tsx', '.js'] }),
      esbuild({ target: 'es2020', minify: true, define, legalComments: 'none', jsx: 'automatic', jsxImportSource: 'preact' }),
      ...(index === 0 ? [copy('widget/frames/pages.css', 'pages.css')] : []),
    ],
    output: { file: `dist/browser/assets/${name}.js`, format: 'es' },
  })),
  // The server and the `tollgate` command; every dependency stays external.
  {
    input: { cli: 'server/cli/bin.ts', server: 'server/sdk/index.ts' },
    external: (id) => node.has(id) || isBare(id),
    plugins: [resolve({ extensions: ['.ts', '.js'], preferBuiltins: true }), esbuild({ target: 'node20', define })],
    output: { dir: 'dist', format: 'es', entryFileNames: '[name].js', chunkFileNames: 'chunks/[name]-[hash].js' },
  },
  // Type declarations of the public entries.
  {
    input: { index: 'widget/core/index.ts', react: 'widget/react/index.ts', server: 'server/sdk/index.ts' },
    external: (id) => node.has(id) || isBare(id),
    plugins: [dts({ tsconfig: 'tsconfig.json' })],
    output: { dir: 'dist', format: 'es', entryFileNames: '[name].d.ts', chunkFileNames: 'chunks/[name]-[hash].d.ts' },
  },
];
