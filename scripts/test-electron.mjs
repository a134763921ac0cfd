// The extension-host suite (test/suite) through @vscode/test-electron, for machines that can run a
// desktop VS Code: it downloads one, or uses the one named by CC_VSCODE_EXECUTABLE. Here (no download)
// the same suite runs inside code-server as part of `npm test` (test/e2e/extensionHost.test.ts).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bootstrap, NODE24, ROOT, runOrExit } from './bootstrap.mjs';

bootstrap(import.meta.url);
runOrExit(NODE24, ['scripts/build.mjs']);
const workspace = mkdtempSync(join(tmpdir(), 'cc-suite-'));
runOrExit(NODE24, [
  '--import',
  'tsx',
  '-e',
  `require(${JSON.stringify(join(ROOT, 'test/support/sampleWorkspace.ts'))}).writeSampleWorkspace(${JSON.stringify(workspace)})`,
]);

const { runTests } = await import('@vscode/test-electron');
try {
  await runTests({
    vscodeExecutablePath: process.env.CC_VSCODE_EXECUTABLE,
    version: process.env.CC_VSCODE_VERSION ?? 'stable',
    extensionDevelopmentPath: ROOT,
    extensionTestsPath: join(ROOT, 'out', 'suite', 'index.js'),
    launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust'],
  });
} catch (err) {
  console.error(`The extension-host suite failed or VS Code could not be started: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}
