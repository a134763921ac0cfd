// The commands end to end, in a real VS Code (code-server) with the packaged VSIX, against the test
// cluster running in this process: restart a managed pod from the explorer's context menu, confirm the
// modal, see the replacement in the tree; probe the Rancher ACE token and see "401 under concurrency".
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { parse, stringify } from 'yaml';
import { R } from '../cluster/resources';
import { RANCHER_CONCURRENT_401, rancherIncident } from '../cluster/scenarios/rancherConcurrent401';
import { startTestCluster, type TestCluster } from '../cluster/server';
import { launchCodeServer, screenshotOnFailure, type Workbench } from './support/codeServer';
import { expandItem as expand, treeItem } from './support/incidents';
import { RESULTS } from './support/paths';
import { escapeRegExp, runCommand } from './support/workbench';

interface KubeconfigDoc {
  clusters: unknown[];
  users: unknown[];
  contexts: { name: string }[];
  'current-context': string;
}

/** The admin kubeconfig and the Rancher ACE one, merged into one file as a user would have them. */
function writeKubeconfig(cluster: TestCluster, dir: string, aceToken: string): { path: string; adminContext: string } {
  const admin = parse(cluster.kubeconfigFor('admin')) as KubeconfigDoc;
  const ace = parse(cluster.kubeconfigFor({ token: aceToken })) as KubeconfigDoc;
  const aceContext = { ...(ace.contexts[0] ?? {}), name: RANCHER_CONCURRENT_401.context };
  const merged = {
    ...admin,
    users: [...admin.users, ...ace.users],
    contexts: [...admin.contexts, aceContext],
  };
  const path = join(dir, 'kubeconfig');
  writeFileSync(path, stringify(merged), { mode: 0o600 });
  return { path, adminContext: admin['current-context'] };
}

/** A notification's text, from its toast or, once the toast has gone, from the notification center. */
async function notification(page: Page, text: RegExp): Promise<string> {
  const toast = page.locator('.notification-toast .notification-list-item-message', { hasText: text }).first();
  try {
    await toast.waitFor({ state: 'visible', timeout: 10_000 });
    return await toast.innerText();
  } catch {
    await runCommand(page, 'Notifications: Show Notifications');
    const listed = page.locator('.notifications-center .notification-list-item-message', { hasText: text }).first();
    await listed.waitFor({ state: 'visible', timeout: 15_000 });
    const said = await listed.innerText();
    await page.keyboard.press('Escape');
    return said;
  }
}

describe('commands in code-server', { timeout: 300_000 }, () => {
  let cluster: TestCluster;
  let wb: Workbench;
  let kubeconfig: { path: string; adminContext: string };

  /** Keeps a screenshot of the moment a step failed. */
  const step = screenshotOnFailure('commands', () => wb);

  before(async () => {
    cluster = await startTestCluster({ scenarios: ['healthy', 'rancher-concurrent-401'] });
    const incident = rancherIncident(cluster);
    assert.ok(incident, 'the rancher scenario ran');
    const dir = mkdtempSync(join(RESULTS, 'commands-'));
    const folder = join(dir, 'workspace');
    mkdirSync(folder);
    writeFileSync(join(folder, 'README.md'), '# commands e2e\n');
    kubeconfig = writeKubeconfig(cluster, dir, incident.token);
    wb = await launchCodeServer({ name: 'commands', folder, env: { KUBECONFIG: kubeconfig.path }, settings: { 'clusterCredentials.liveTokens.mode': 'off' } });
    const entry = wb.page.locator('.activitybar [aria-label^="Cluster Credentials"]').first();
    await entry.waitFor({ state: 'visible', timeout: 30_000 });
    await entry.click();
  });

  after(async () => {
    await wb?.stop();
    await cluster?.stop();
  });

  test('restart a managed pod from the tree: confirm the modal, see the new pod', async () => {
    const { page } = wb;
    const old = cluster.store.list(R.pods, 'payments').find((p) => p.metadata.name.startsWith('api-') && p.metadata.deletionTimestamp === undefined);
    assert.ok(old, 'the api pod runs');
    await step('tree', async () => {
      await expand(page, new RegExp(`^${escapeRegExp(kubeconfig.adminContext)}`));
      await expand(page, /^payments\b/);
      await expand(page, /^api\b/);
    });
    const podItem = treeItem(page, new RegExp(`^${escapeRegExp(old.metadata.name)}`));
    await podItem.waitFor({ state: 'visible', timeout: 45_000 });
    await podItem.click({ button: 'right' });
    const menuItem = page.locator('.context-view .monaco-menu .action-item', { hasText: /^Restart Pod$/ }).first();
    await menuItem.waitFor({ state: 'visible', timeout: 15_000 });
    await menuItem.click();

    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor({ state: 'visible', timeout: 15_000 });
    const dialogText = await dialog.innerText();
    assert.match(dialogText, new RegExp(`Restart pod payments/${escapeRegExp(old.metadata.name)} in context ${escapeRegExp(kubeconfig.adminContext)}\\?`));
    assert.match(dialogText, /ReplicaSet api-\S+ creates a replacement/);
    await wb.screenshot('restart-confirm');
    await dialog.locator('.monaco-button', { hasText: /^Restart Pod$/ }).click();

    const said = await step('restart', () => notification(page, /was restarted in context/));
    const replacement = /created (\S+), which has a fresh token/.exec(said)?.[1];
    assert.ok(replacement, `the notification names the new pod: ${said}`);
    assert.notEqual(replacement, old.metadata.name);
    const live = cluster.store.peek(R.pods, 'payments', replacement);
    assert.ok(live, 'the replacement exists on the cluster');
    assert.notEqual(live.metadata.uid, old.metadata.uid);
    await treeItem(page, new RegExp(`^${escapeRegExp(replacement)}`)).waitFor({ state: 'visible', timeout: 45_000 });
    await wb.screenshot('restart-new-pod');
  });

  test('probe the Rancher ACE token: 401s among successes, and the finding appears', async () => {
    const { page } = wb;
    // Switch the kubeconfig's current context to the ACE one, as `kubectl config use-context` would.
    const doc = parse(readFileSync(kubeconfig.path, 'utf8')) as KubeconfigDoc;
    doc['current-context'] = RANCHER_CONCURRENT_401.context;
    writeFileSync(kubeconfig.path, stringify(doc), { mode: 0o600 });
    await treeItem(page, new RegExp(`^${escapeRegExp(RANCHER_CONCURRENT_401.context)}`)).waitFor({ state: 'visible', timeout: 45_000 });

    // The explorer's own requests with the same token compete in the webhook too (as any client's would);
    // a burst that loses every write to them reads as "every answer was 401", so the probe is run again.
    let said = '';
    for (let attempt = 1; attempt <= 3; attempt++) {
      await runCommand(page, 'Notifications: Clear All Notifications');
      await runCommand(page, 'Cluster Credentials: Probe Token Under Concurrency');
      const choice = page.locator('.quick-input-list .monaco-list-row', { hasText: `The credential of context ${RANCHER_CONCURRENT_401.context}` }).first();
      await choice.waitFor({ state: 'visible', timeout: 15_000 });
      await choice.click();
      said = await step('probe', () => notification(page, /^Probe of context/));
      console.log(`probe attempt ${attempt}: ${said}`);
      if (/401 under concurrency/.test(said)) break;
    }
    assert.match(said, /401 under concurrency/);
    const m = /with 20 parallel requests to \S+: (\d+) passed, (\d+) got 401/.exec(said);
    assert.ok(m, `the notification gives the counts: ${said}`);
    assert.ok(Number(m[1]) > 0, 'some requests passed');
    assert.ok(Number(m[2]) > 0, 'some requests got 401');
    await step('finding', async () => {
      await expand(page, /^Findings\b/);
      await treeItem(page, new RegExp(`401 under concurrency for ${escapeRegExp(RANCHER_CONCURRENT_401.context)}`)).waitFor({
        state: 'visible',
        timeout: 45_000,
      });
    });
    await wb.screenshot('probe-finding');
  });
});
