// Runs the @vscode/test-electron-style suite (test/suite) inside code-server's real extension host.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { format } from 'node:util';
import { test } from 'node:test';
import { writeSampleWorkspace } from '../support/sampleWorkspace';
import { launchCodeServer, type Workbench } from './support/codeServer';
import { RESULTS, ROOT } from './support/paths';

test('extension-host suite passes inside code-server', { timeout: 240_000 }, async () => {
  const sample = writeSampleWorkspace(mkdtempSync(join(RESULTS, 'suite-')));
  const logs: string[] = [];
  let settle: (code: number) => void = () => undefined;
  const exited = new Promise<number>((resolve) => (settle = resolve));
  let wb: Workbench | undefined;
  try {
    wb = await launchCodeServer({
      name: 'extension-host',
      folder: sample.dir,
      installVsix: false,
      query: (port) => [
        [
          'payload',
          JSON.stringify([
            ['extensionDevelopmentPath', `vscode-remote://127.0.0.1:${port}${ROOT}`],
            ['extensionTestsPath', `vscode-remote://127.0.0.1:${port}${join(ROOT, 'out', 'suite', 'index.js')}`],
          ]),
        ],
      ],
      beforeLoad: async (page) => {
        await page.exposeFunction('codeAutomationLog', (_type: string, args: unknown[]) => {
          // The workbench forwards console calls with printf-style arguments; only mocha's report is echoed.
          const line = format(...args);
          logs.push(line);
          if (/^\s*(✔|✓|✖|\d+\) |\d+ (passing|failing|pending))/.test(line) || (/^\s{2}\S/.test(line) && !line.includes('['))) {
            process.stdout.write(`  [extension host] ${line.trimEnd()}\n`);
          }
        });
        await page.exposeFunction('codeAutomationExit', (code: number) => settle(code));
      },
    });
    const timeout = new Promise<number>((resolve) => setTimeout(() => resolve(-1), 180_000));
    const code = await Promise.race([exited, timeout]);
    assert.notEqual(code, -1, 'the suite settled within 3 minutes');
    assert.equal(code, 0, `the extension-host suite failed:\n${logs.join('\n')}`);
    assert.ok(
      logs.some((l) => /passing/.test(l)),
      'mocha reported its passing tests',
    );
  } finally {
    await wb?.stop();
  }
});
