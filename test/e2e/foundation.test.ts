// The foundation end to end, in a real VS Code (code-server) with the packaged VSIX installed.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fixtureJwt } from '../support/fixtureTokens';
import { writeSampleWorkspace, type SampleWorkspace } from '../support/sampleWorkspace';
import { launchCodeServer, type Workbench } from './support/codeServer';
import { RESULTS } from './support/paths';
import { hoverSpan, openFile, runCommand } from './support/workbench';

const EXTENSION_ID = 'cluster-credentials.cluster-credentials';
const CORRUPT_HISTORY = '<html><body>502 Bad Gateway</body></html>\n';

describe('foundation in code-server', { timeout: 240_000 }, () => {
  let wb: Workbench;
  let sample: SampleWorkspace;

  before(async () => {
    sample = writeSampleWorkspace(mkdtempSync(join(RESULTS, 'sample-')));
    wb = await launchCodeServer({
      name: 'foundation',
      folder: sample.dir,
      // A history file another tool overwrote: the extension must set it aside and say so, once.
      prepareUserData: (userData) => {
        const storage = join(userData, 'User', 'globalStorage', EXTENSION_ID);
        mkdirSync(storage, { recursive: true });
        writeFileSync(join(storage, 'history.jsonl'), CORRUPT_HISTORY);
      },
    });
  });

  after(async () => {
    await wb?.stop();
  });

  test('the Cluster Credentials view container appears with its welcome', async () => {
    const entry = wb.page.locator('.activitybar [aria-label^="Cluster Credentials"]').first();
    await entry.waitFor({ state: 'visible', timeout: 30_000 });
    await entry.click();
    // Move off the activity bar, or its "Cluster Credentials" tooltip can be the hover the next test reads.
    await wb.page.mouse.move(700, 450);
    const welcome = wb.page.locator('.welcome-view-content', { hasText: 'hover a token' });
    await welcome.waitFor({ state: 'visible', timeout: 30_000 });
    assert.ok((await wb.page.locator('.welcome-view-content a, .welcome-view-content .monaco-button', { hasText: 'Decode Token' }).count()) > 0);
    await wb.screenshot('explorer-welcome');
  });

  test('a corrupted history is set aside and a fresh one started, with one message saying so', async () => {
    const message = /The credential history could not be read \(.+\), so it was moved to .*history\.corrupt-.*\.jsonl and a new history was started\./;
    // It came at activation; a warning's toast hides after a while, so read it in the notification center,
    // opened again if something closed it before the message showed there.
    const item = wb.page.locator('.notifications-center .notification-list-item', { hasText: message });
    for (let attempt = 1; ; attempt++) {
      await runCommand(wb.page, 'Notifications: Show Notifications');
      try {
        await item.first().waitFor({ state: 'visible', timeout: 20_000 });
        break;
      } catch (err) {
        if (attempt === 3) throw err;
        await wb.page.keyboard.press('Escape');
      }
    }
    assert.equal(await item.count(), 1, 'one message');
    const storage = join(wb.runDir, 'user-data', 'User', 'globalStorage', EXTENSION_ID);
    const names = readdirSync(storage);
    const aside = names.filter((n) => /^history\.corrupt-.*\.jsonl$/.test(n));
    assert.equal(aside.length, 1, names.join(', '));
    assert.equal(readFileSync(join(storage, aside[0] ?? ''), 'utf8'), CORRUPT_HISTORY, 'the old file is kept as it was');
    assert.match(readFileSync(join(storage, 'history.jsonl'), 'utf8'), /^\{"format":"cluster-credentials-history"/);
    // "Show Log" opens the output channel that holds the same sentence.
    await item.locator('.monaco-button', { hasText: 'Show Log' }).click();
    const output = wb.page.locator('.panel .output-view, .panel [id="workbench.panel.output"]').first();
    await output.waitFor({ state: 'visible', timeout: 30_000 });
    await wb.page.locator('.panel .view-lines', { hasText: 'The credential history could not be read' }).first().waitFor({ state: 'visible', timeout: 30_000 });
    await wb.screenshot('history-set-aside');
    await runCommand(wb.page, 'Notifications: Clear All Notifications');
    await wb.page.locator('.notifications-center.visible').waitFor({ state: 'hidden', timeout: 10_000 });
    // Give the editor its height back for the hover test.
    await runCommand(wb.page, 'View: Hide Panel');
    await output.waitFor({ state: 'hidden', timeout: 10_000 });
  });

  test('hovering a token in a kubeconfig shows its expiry and claims', async () => {
    await openFile(wb.page, sample.files.kubeconfig);
    const hover = await hoverSpan(wb.page, 'eyJ', /Service-account token/);
    const text = await hover.innerText();
    assert.match(text, /Service-account token: expired/);
    assert.match(text, /expired \d+ (min|h|hours?|days?) ago|expired .* ago/);
    assert.match(text, /payments\/api/);
    assert.match(text, /Issued/);
    assert.match(text, /kubernetes\.io\.serviceaccount\.name/);
    await wb.screenshot('hover-token');
  });

  test('an expired token appears in the Problems panel', async () => {
    await wb.page.keyboard.press('Escape');
    // Problems are those of open documents: this test opens the one it looks at.
    await openFile(wb.page, sample.files.kubeconfig);
    await runCommand(wb.page, 'View: Focus Problems (Errors, Warnings, Infos)');
    const row = wb.page.locator('.markers-panel .monaco-list-row', { hasText: 'the API server answers 401 Unauthorized' }).first();
    await row.waitFor({ state: 'visible', timeout: 30_000 });
    assert.match((await row.getAttribute('aria-label')) ?? (await row.innerText()), /Token expired/);
    await wb.screenshot('problems');
  });

  test('Decode Token opens the decoded document', async () => {
    const token = fixtureJwt('v1.32', 'api-unbound-600s.jwt');
    await runCommand(wb.page, 'Cluster Credentials: Decode Token');
    const input = wb.page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    await input.fill(token);
    await wb.page.keyboard.press('Enter');
    const tab = wb.page.locator('.tabs-container .tab', { hasText: 'Decoded token' }).first();
    await tab.waitFor({ state: 'visible', timeout: 30_000 });
    // The tab's title changes before the editor draws the new text: wait for the text itself.
    const lines = wb.page.locator('.editor-instance .monaco-editor .view-lines', { hasText: 'decoded token' }).last();
    await lines.waitFor({ state: 'visible', timeout: 30_000 });
    // Monaco renders spaces as no-break spaces.
    const editorText = (await lines.innerText()).replace(/\u00a0/g, ' ');
    assert.match(editorText, /decoded token/);
    assert.match(editorText, /Service-account token: expired/);
    await wb.screenshot('decoded-document');
  });

  test('no raw token reaches the output channel or any log the run wrote', async () => {
    // Every token the sample holds, raw and as the base64 a Secret carries.
    const secrets = new Set<string>();
    for (const file of Object.values(sample.files)) {
      const text = readFileSync(join(sample.dir, file), 'utf8');
      for (const m of text.matchAll(/eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/g)) secrets.add(m[0]);
    }
    assert.ok(secrets.size >= 3, 'the sample holds tokens to look for');
    const logs = listFiles(wb.runDir).filter((f) => f.endsWith('.log'));
    const ours = logs.filter((f) => /Cluster Credentials/.test(f));
    assert.ok(ours.length > 0, `the extension's output channel has a log file (found ${logs.length} logs)`);
    assert.match(ours.map((f) => readFileSync(f, 'utf8')).join('\n'), /Cluster Credentials .* activated/);
    for (const file of logs) {
      const text = readFileSync(file, 'utf8');
      for (const token of secrets) assert.ok(!text.includes(token), `${file} holds a raw token`);
      // A token's signature alone is as good as the token to a log reader: not that either.
      for (const token of secrets) assert.ok(!text.includes(token.split('.')[2] ?? '\u0000'), `${file} holds a token signature`);
    }
  });
});

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}
