// Bundles the extension (Node, CommonJS), the webview (browser) and the extension-host test suite.
import * as esbuild from 'esbuild';
import { rmSync } from 'node:fs';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/** @type {esbuild.BuildOptions[]} */
const builds = [
  {
    entryPoints: ['src/extension.ts'],
    outfile: 'dist/extension.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
  },
  {
    // The cluster layer (src/clusterLayer.ts): client-node, undici, ws and what is built on them, loaded by
    // dist/extension.js on first use of the explorer or a cluster command.
    entryPoints: ['src/clusterLayer.ts'],
    outfile: 'dist/cluster.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
  },
  {
    // The worker thread that locates credentials in a whole large document (src/token/offThreadLocate.ts).
    entryPoints: ['src/token/locateWorker.ts'],
    outfile: 'dist/locateWorker.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
  },
  {
    entryPoints: ['webview/main.ts'],
    outfile: 'dist/webview/main.js',
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
  },
  {
    // The webview's styles, and the codicon font that vscode-elements' icons need (main.css, codicon.css + .ttf).
    entryPoints: { main: 'webview/style.css', codicon: 'node_modules/@vscode/codicons/dist/codicon.css' },
    outdir: 'dist/webview',
    loader: { '.ttf': 'file' },
    assetNames: '[name]',
  },
];
{
  builds.push({
    entryPoints: ['test/suite/index.ts'],
    outfile: 'out/suite/index.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode', 'mocha'],
  });
}

// Only what this script writes: a packaged VSIX beside it may be in use by a running test.
for (const out of [
  'dist/extension.js',
  'dist/extension.js.map',
  'dist/cluster.js',
  'dist/cluster.js.map',
  'dist/locateWorker.js',
  'dist/locateWorker.js.map',
  'dist/webview',
])
  rmSync(out, { recursive: true, force: true });
const common = {
  bundle: true,
  minify: production,
  sourcemap: !production,
  sourcesContent: false,
  logLevel: 'warning',
  legalComments: production ? 'none' : 'inline',
  define: { 'process.env.NODE_ENV': production ? '"production"' : '"development"' },
};
if (watch) {
  const contexts = await Promise.all(builds.map((b) => esbuild.context({ ...common, ...b })));
  await Promise.all(contexts.map((c) => c.watch()));
  console.log('esbuild: watching');
} else {
  const results = await Promise.all(builds.map((b) => esbuild.build({ ...common, ...b, metafile: true })));
  for (const r of results) {
    for (const [file, info] of Object.entries(r.metafile.outputs)) {
      if (!file.endsWith('.map')) console.log(`esbuild: ${file} ${(info.bytes / 1024).toFixed(0)} KiB`);
    }
  }
}
