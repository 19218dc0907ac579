// One build for everything that ships: the browser SDK (ESM), the React bindings, the
// script-tag IIFE, the server bundle behind the `tollgate` command, and their type files.
import { builtinModules } from 'node:module';
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve as resolvePath } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build as esbuildBundle } from 'esbuild';
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

const root = dirname(fileURLToPath(import.meta.url));

/** `/widget.js` mounts frames through a stand-in that loads their code on first use. */
const lazyFrames = () => ({
  name: 'lazy-frames',
  resolveId(source, importer) {
    if (source === './frames' && importer === resolvePath(root, 'widget/core/index.ts')) return resolvePath(root, 'widget/loader/lazy-frames.ts');
    return null;
  },
});

/**
 * The embed demo's React page, as an app would build it: React and `tollgate/react` (the built
 * ESM in dist/, through the package's own `exports`) in one file. React ships CommonJS, which
 * esbuild bundles as is; rollup only writes the result.
 */
const reactDemo = (entry) => ({
  name: 'react-demo',
  resolveId: (id) => (id === entry ? id : null),
  async load(id) {
    if (id !== entry) return null;
    const result = await esbuildBundle({
      entryPoints: [entry],
      bundle: true,
      write: false,
      format: 'esm',
      target: 'es2020',
      minify: true,
      legalComments: 'none',
      jsx: 'automatic',
      jsxImportSource: 'react',
      define: { 'process.env.NODE_ENV': '"production"' },
    });
    return result.outputFiles[0].text;
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
  // `/widget.js`: the script-tag build, one self-contained IIFE, and the frame code it loads
  // from `/assets/frames.js` on the first mount.
  {
    input: 'widget/loader/index.ts',
    plugins: [lazyFrames(), resolve({ browser: true, extensions: ['.ts', '.js'] }), browser(true)],
    output: { file: 'dist/browser/widget.js', format: 'iife', name: 'TollgateLoader' },
  },
  {
    input: 'widget/loader/frames-entry.ts',
    plugins: [resolve({ browser: true, extensions: ['.ts', '.js'] }), browser(true)],
    output: { file: 'dist/browser/assets/frames.js', format: 'iife' },
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
  // The frames the widget mounts (/embed/*), built like the hosted pages, with their stylesheet.
  {
    input: 'widget/frames/embed/index.tsx',
    plugins: [
      resolve({ browser: true, extensions: ['.ts', '.tsx', '.js'] }),
      esbuild({ target: 'es2020', minify: true, define, legalComments: 'none', jsx: 'automatic', jsxImportSource: 'preact' }),
      copy('widget/frames/embed/embed.css', 'embed.css'),
    ],
    output: { file: 'dist/browser/assets/embed.js', format: 'es' },
  },
  // The server and the `tollgate` command; every dependency stays external.
  {
    input: { cli: 'server/cli/bin.ts', server: 'server/sdk/index.ts' },
    external: (id) => node.has(id) || isBare(id),
    plugins: [resolve({ extensions: ['.ts', '.js'], preferBuiltins: true }), esbuild({ target: 'node20', define })],
    output: { dir: 'dist', format: 'es', entryFileNames: '[name].js', chunkFileNames: 'chunks/[name]-[hash].js' },
  },
  // The embed demo's React page (served by server/demo/embed-server.ts). After the ESM
  // build: it bundles the dist/react.js and dist/index.js built above.
  {
    input: 'embed-demo/react/main.tsx',
    plugins: [reactDemo('embed-demo/react/main.tsx')],
    output: { file: 'dist/embed-demo/react.js', format: 'es' },
  },
  // Type declarations of the public entries.
  {
    input: { index: 'widget/core/index.ts', react: 'widget/react/index.ts', server: 'server/sdk/index.ts' },
    external: (id) => node.has(id) || isBare(id),
    plugins: [dts({ tsconfig: 'tsconfig.json' })],
    output: { dir: 'dist', format: 'es', entryFileNames: '[name].d.ts', chunkFileNames: 'chunks/[name]-[hash].d.ts' },
  },
];
