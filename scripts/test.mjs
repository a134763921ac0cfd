// `npm test`: type-check, bundle and package the extension, then run the unit tests and the
// end-to-end tests in a real VS Code (code-server + Playwright + Debian's Chromium) under one
// node:test run, so one summary closes the output. `--only-e2e` / `--only-unit` narrow it.
import { bootstrap, ensureDebianPackages, NODE24, ROOT, runOrExit } from './bootstrap.mjs';

bootstrap(import.meta.url);

const onlyUnit = process.argv.includes('--only-unit');
const onlyE2e = process.argv.includes('--only-e2e');
const npx = (bin, args) => runOrExit(NODE24, [`${ROOT}/node_modules/${bin}`, ...args]);

console.log('› type-check');
npx('typescript/bin/tsc', ['-p', '.', '--noEmit']);
npx('typescript/bin/tsc', ['-p', 'webview', '--noEmit']); // the webview's own DOM/bundler settings
console.log('› format and lint');
npx('prettier/bin/prettier.cjs', ['--check', '--log-level', 'warn', '.']);
npx('eslint/bin/eslint.js', ['--max-warnings', '0', '.']);

const globs = [];
if (!onlyE2e) globs.push('test/unit/**/*.test.ts');
if (!onlyUnit) {
  console.log('› bundle and package the VSIX');
  runOrExit(NODE24, ['scripts/build.mjs', '--production']);
  npx('@vscode/vsce/vsce', ['package', '--no-dependencies', '--no-rewrite-relative-links', '--out', 'dist/cluster-credentials.vsix']);
  ensureDebianPackages([
    { name: 'chromium', probe: '/usr/bin/chromium' },
    { name: 'libkrb5-dev', probe: '/usr/include/krb5.h' },
    // Chinese glyphs for the zh-cn suite's screenshots (the text itself is checked in the DOM).
    { name: 'fonts-wqy-microhei', probe: '/usr/share/fonts/truetype/wqy/wqy-microhei.ttc' },
  ]);
  const { ensureCodeServer } = await import('./ensure-code-server.mjs');
  ensureCodeServer();
  globs.push('test/e2e/**/*.test.ts');
}

console.log('› tests');
runOrExit(NODE24, ['--import', 'tsx', '--test', '--test-reporter=spec', ...globs], {
  env: { ...process.env, FORCE_COLOR: '0' },
});
