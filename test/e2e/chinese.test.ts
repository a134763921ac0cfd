// The extension in Simplified Chinese, in a real VS Code: code-server started with `--locale zh-cn` and a test-only
// language pack for zh-cn (test/e2e/fixtures/zh-cn-language-pack; VS Code shows an extension in a language only when a
// pack for it is installed, and the Marketplace's cannot be downloaded here). The pack translates nothing of VS Code's
// own, so the workbench stays in English while our view, tree, hover, Problems and commands speak Chinese.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createVSIX } from '@vscode/vsce';
import { startTestCluster, type TestCluster } from '../cluster/server';
import { writeSampleWorkspace, type SampleWorkspace } from '../support/sampleWorkspace';
import { launchCodeServer, type Workbench } from './support/codeServer';
import { expandItem, treeItem } from './support/incidents';
import { RESULTS, ROOT } from './support/paths';
import { hoverSpan, openFile, runCommand } from './support/workbench';

const LANGUAGE_PACK = join(ROOT, 'test', 'e2e', 'fixtures', 'zh-cn-language-pack');
const HAN = /\p{Script=Han}/u;

describe('Simplified Chinese in code-server', { timeout: 300_000 }, () => {
  let cluster: TestCluster;
  let wb: Workbench;
  let sample: SampleWorkspace;

  before(async () => {
    cluster = await startTestCluster({ scenarios: ['healthy'] });
    const dir = mkdtempSync(join(RESULTS, 'chinese-'));
    sample = writeSampleWorkspace(join(dir, 'workspace'));
    const clusterDir = join(dir, 'cluster');
    mkdirSync(clusterDir, { recursive: true });
    const kubeconfig = cluster.writeKubeconfig(clusterDir);
    const pack = join(dir, 'zh-cn-language-pack.vsix');
    await createVSIX({ cwd: LANGUAGE_PACK, packagePath: pack, dependencies: false, allowMissingRepository: true, skipLicense: true });
    wb = await launchCodeServer({
      name: 'chinese',
      folder: sample.dir,
      env: { KUBECONFIG: kubeconfig },
      displayLanguage: { locale: 'zh-cn', languagePackVsix: pack },
    });
  });

  after(async () => {
    await wb?.stop();
    await cluster?.stop();
  });

  test('the explorer tree speaks Chinese', async () => {
    const entry = wb.page.locator('.activitybar [aria-label^="Cluster Credentials"]').first();
    await entry.waitFor({ state: 'visible', timeout: 30_000 });
    await entry.click();
    await wb.page.mouse.move(700, 450);
    // The view's name comes from package.nls.zh-cn.json, the rows from l10n/bundle.l10n.zh-cn.json.
    // (A container of one view hides its pane header, but keeps it, named.)
    await wb.page.locator('.pane-header[aria-label^="资源管理器"]').first().waitFor({ state: 'attached', timeout: 30_000 });
    await treeItem(wb.page, /^诊断结果/).waitFor({ state: 'visible', timeout: 60_000 });
    const context = await expandItem(wb.page, /^admin@test-cluster/);
    assert.match((await context.getAttribute('aria-label')) ?? '', HAN, 'the context row describes its credential in Chinese');
    await expandItem(wb.page, /^payments\b/);
    const rows = await wb.page.getByRole('treeitem').evaluateAll((items) => items.map((i) => i.getAttribute('aria-label') ?? ''));
    const chinese = rows.filter((r) => HAN.test(r));
    assert.ok(chinese.length >= 3, `rows in Chinese: ${JSON.stringify(rows)}`);
    assert.ok(!rows.some((r) => /\b(expires in|Service accounts|Findings|Loading)\b/.test(r)), `no English row text left: ${JSON.stringify(rows)}`);
    await wb.screenshot('chinese-tree');
  });

  test('hovering a token shows its summary in Chinese', async () => {
    await openFile(wb.page, sample.files.kubeconfig);
    const hover = await hoverSpan(wb.page, 'eyJ', /服务账号令牌/);
    const text = await hover.innerText();
    assert.match(text, /服务账号令牌/);
    assert.match(text, /已过期/);
    // Names from the token stay as they are.
    assert.match(text, /payments\/api/);
    assert.doesNotMatch(text, /Service-account token|expired \d/);
    await wb.screenshot('chinese-hover');
  });

  test('Problems and our command titles are in Chinese', async () => {
    await wb.page.keyboard.press('Escape');
    // Problems are those of open documents: this test opens the one it looks at.
    await openFile(wb.page, sample.files.kubeconfig);
    await runCommand(wb.page, 'View: Focus Problems (Errors, Warnings, Infos)');
    const row = wb.page.locator('.markers-panel .monaco-list-row', { hasText: HAN }).first();
    await row.waitFor({ state: 'visible', timeout: 30_000 });
    // The command palette finds our commands by their Chinese titles.
    await wb.page.keyboard.press('F1');
    await wb.page.locator('.quick-input-widget input').fill('>解码令牌');
    await wb.page.locator('.quick-input-list .monaco-list-row', { hasText: '解码令牌' }).first().waitFor({ state: 'visible', timeout: 15_000 });
    await wb.page.keyboard.press('Escape');
  });
});
