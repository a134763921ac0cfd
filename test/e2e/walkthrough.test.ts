// The getting-started walkthrough (issue 14) in a real VS Code (code-server) with the packaged VSIX:
// - installed from a VSIX and with VS Code's `walkthroughs.openOnInstall` on, it opens the first time the
//   explorer shows;
// - its steps' buttons work: "Open a Sample File" opens a YAML file whose expired token the hover names, and
//   "Open the Explorer" shows the explorer;
// - closed and started again from the same profile, showing the explorer does not open it again; the view's
//   title menu (Get Started) does.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import { launchCodeServer, type Workbench } from './support/codeServer';
import { eventually } from './support/incidents';
import { RESULTS } from './support/paths';
import { hoverSpan, runCommand } from './support/workbench';

const TITLE = 'Get Started with Cluster Credentials';

function walkthroughPage(page: Page): Locator {
  return page.locator('.gettingStartedContainer', { hasText: TITLE }).first();
}

async function showExplorer(page: Page): Promise<void> {
  const entry = page.locator('.activitybar [aria-label^="Cluster Credentials"]').first();
  await entry.waitFor({ state: 'visible', timeout: 60_000 });
  if ((await entry.getAttribute('aria-expanded')) !== 'true') await entry.click();
  await explorerShown(page);
}

/** The side bar shows our container (its one view has no pane header of its own, so its title is what shows). */
async function explorerShown(page: Page): Promise<void> {
  await page
    .locator('.part.sidebar .composite.title', { hasText: /Cluster Credentials/i })
    .first()
    .waitFor({ state: 'visible', timeout: 30_000 });
}

/** Opens a step of the walkthrough by its title (a click on a closed step opens it) and returns the step. */
async function openStep(page: Page, title: string): Promise<Locator> {
  const step = walkthroughPage(page).locator('.getting-started-step', { hasText: title }).first();
  await step.waitFor({ state: 'visible', timeout: 30_000 });
  if (!((await step.getAttribute('class')) ?? '').includes('expanded')) await step.click();
  await eventually(`the step "${title}" opens`, async () => ((await step.getAttribute('class')) ?? '').includes('expanded'), 15_000);
  return step;
}

describe('the getting-started walkthrough in code-server', { timeout: 300_000 }, () => {
  const dir = mkdtempSync(join(RESULTS, 'walkthrough-'));
  const workspace = join(dir, 'workspace');
  mkdirSync(workspace, { recursive: true });
  writeFileSync(join(workspace, 'README.md'), '# walkthrough e2e\n');
  // No kubeconfig: the walkthrough needs none, and nothing in it may reach a cluster.
  const env = { KUBECONFIG: join(dir, 'no-kubeconfig') };
  const settings = { 'workbench.welcomePage.walkthroughs.openOnInstall': true };
  // Every workbench a test launched: one a failed test left running is stopped too, or the run would not end.
  const launched: Workbench[] = [];
  const launch = async (opts: Parameters<typeof launchCodeServer>[0]): Promise<Workbench> => {
    const w = await launchCodeServer(opts);
    launched.push(w);
    return w;
  };

  after(async () => {
    for (const w of launched) await w.stop().catch(() => undefined);
  });

  test('opens the first time the explorer shows, and its step buttons work', async () => {
    const wb = await launch({ name: 'walkthrough', folder: workspace, env, settings });
    const { page } = wb;
    assert.equal(await walkthroughPage(page).count(), 0, 'not before the explorer shows');
    await showExplorer(page);
    await walkthroughPage(page).waitFor({ state: 'visible', timeout: 30_000 });
    const titles = await walkthroughPage(page).locator('.getting-started-step .step-title').allInnerTexts();
    assert.ok(titles.length >= 4 && titles.length <= 6, JSON.stringify(titles));
    await wb.screenshot('walkthrough-opened');

    // Hover a token: the sample file opens, and its expired token's hover says so.
    const hoverStep = await openStep(page, 'Hover a token');
    await hoverStep.getByRole('button', { name: 'Open a Sample File' }).click();
    const editor = page.locator('.editor-instance .monaco-editor').first();
    await editor.locator('.view-lines', { hasText: 'kind: Config' }).waitFor({ state: 'visible', timeout: 30_000 });
    // Our hover, which names the token's pod: not the tooltip of the button just clicked, nor the Problem's part
    // of the hover (its own sentence says expired too) while ours is still loading.
    const hover = await hoverSpan(page, 'eyJ', /db\/patroni|patroni/);
    assert.match(await hover.innerText(), /expired/);
    await wb.screenshot('walkthrough-sample-hover');

    // Back on the walkthrough, the first step's button shows the explorer.
    await runCommand(page, 'View: Close All Editors');
    await runCommand(page, 'Cluster Credentials: Get Started');
    await walkthroughPage(page).waitFor({ state: 'visible', timeout: 30_000 });
    await page.keyboard.press('Control+B');
    await page.locator('.part.sidebar').waitFor({ state: 'hidden', timeout: 15_000 });
    const explorerStep = await openStep(page, 'Open the explorer on your context');
    await explorerStep.getByRole('button', { name: 'Open the Explorer' }).click();
    await explorerShown(page);
    await wb.stop();
  });

  test('started again from the same profile, showing the explorer does not open it again', async () => {
    const first = await launch({ name: 'walkthrough-again', folder: workspace, env, settings });
    await showExplorer(first.page);
    await walkthroughPage(first.page).waitFor({ state: 'visible', timeout: 30_000 });
    // Closed before the window is, or VS Code would bring it back as an editor of the last session.
    await runCommand(first.page, 'View: Close All Editors');
    await walkthroughPage(first.page).waitFor({ state: 'detached', timeout: 15_000 });
    await first.stop();
    const again = await launch({ name: 'walkthrough-again', folder: workspace, env, settings, restartFrom: first.runDir });
    const { page } = again;
    await showExplorer(page);
    // A command of ours runs only once the extension is active, and activation with the explorer showing is when
    // the walkthrough would have been asked for: once the sample file is open, it would be there too.
    await runCommand(page, 'Cluster Credentials: Open a Sample Credential File');
    await page.locator('.editor-instance .view-lines', { hasText: 'kind: Config' }).first().waitFor({ state: 'visible', timeout: 30_000 });
    assert.equal(await page.locator('.tabs-container .tab', { hasText: /Walkthrough|Welcome/ }).count(), 0, 'the walkthrough opened a second time');
    assert.equal(await walkthroughPage(page).count(), 0, 'the walkthrough opened a second time');
  });
});
