// The largest cluster Kubernetes supports, end to end: the packaged VSIX in code-server against the test cluster's
// `huge` scenario (150,000 pods, 20,000 service accounts, 2,000 namespaces). The cluster answers the service
// accounts' list only when the test lets it, so the inventory is still loading for as long as the test looks:
// meanwhile the tree shows the context, its namespaces and that pods load per namespace; a hover over a token
// answers within 200 ms (the median of seven, measured in the page); the status bar names the context; and an
// opened namespace lists its own pods, and only those. Once the service accounts answer, the namespace counts them.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import type { ListHold } from '../cluster/listHolds';
import { HUGE, hugeNamespace } from '../cluster/scenarios/huge';
import { startTestCluster, type TestCluster } from '../cluster/server';
import { launchCodeServer, screenshotOnFailure, type Workbench } from './support/codeServer';
import { describeSamples, dismissHover, HOVER_BUDGET_MS, HOVER_SAMPLES, hoverLatency, median, type HoverSample } from './support/hoverLatency';
import { collapseItem, eventually, expandItem, treeItem } from './support/incidents';
import { RESULTS } from './support/paths';
import { escapeRegExp, hoverSpan, openFile } from './support/workbench';

const CONTEXT = 'admin@test-cluster';
const NAMESPACE = hugeNamespace(0);
const ACCOUNT = 'app-0';
/** The workspace file whose token is hovered: a kubeconfig of service account tenant-0000/app-0. */
const TOKEN_FILE = 'app-0-kubeconfig.yaml';
const TOKEN_HOVER = /Service-account token/;

function row(page: Page, name: string): ReturnType<typeof treeItem> {
  return treeItem(page, new RegExp(`^${escapeRegExp(name)}(?![-\\w])`));
}

describe('the huge cluster in code-server', { timeout: 600_000 }, () => {
  let cluster: TestCluster;
  let wb: Workbench;
  let accounts: ListHold;

  const step = screenshotOnFailure('huge', () => wb);

  before(async () => {
    cluster = await startTestCluster({ scenarios: ['huge'] });
    // Until released, the inventory's list of 20,000 service accounts is waiting on the cluster.
    accounts = cluster.holdLists('serviceaccounts');
    const dir = mkdtempSync(join(RESULTS, 'huge-'));
    const workspace = join(dir, 'workspace');
    mkdirSync(workspace, { recursive: true });
    writeFileSync(join(workspace, 'README.md'), '# The huge cluster\n');
    writeFileSync(join(workspace, TOKEN_FILE), cluster.kubeconfigFor({ serviceAccount: `${NAMESPACE}/${ACCOUNT}` }), { mode: 0o600 });
    const kubeconfig = cluster.writeKubeconfig(join(dir, 'cluster'));
    wb = await launchCodeServer({
      name: 'huge',
      folder: workspace,
      env: { KUBECONFIG: kubeconfig },
      settings: {
        // The held list must not end at a client deadline while the test looks.
        'clusterCredentials.requestTimeoutSeconds': 600,
        // The pause before VS Code asks for a hover is the user's; the answer is the extension's.
        'editor.hover.delay': 0,
      },
    });
  });

  after(async () => {
    accounts?.release();
    await wb?.stop();
    await cluster?.stop();
  });

  /** The view open, the context row open on its namespaces: whatever an earlier test left (each test can run alone). */
  async function showNamespaces(page: Page): Promise<void> {
    const context = new RegExp(`^${escapeRegExp(CONTEXT)}`);
    if (!(await treeItem(page, context).isVisible())) {
      const entry = page.locator('.activitybar [aria-label^="Cluster Credentials"]').first();
      await entry.waitFor({ state: 'visible', timeout: 60_000 });
      await entry.click();
    }
    await expandItem(page, context, 60_000);
    await row(page, NAMESPACE).waitFor({ state: 'visible', timeout: 60_000 });
  }

  test('while the service accounts are being listed, the tree shows the context, its namespaces and why pods load per namespace', async () => {
    const { page } = wb;
    await step('tree', async () => {
      await showNamespaces(page);
      // Below 2,000 namespaces the Findings node is out of the list's sight: it is looked for with the context closed.
      const context = new RegExp(`^${escapeRegExp(CONTEXT)}`);
      await collapseItem(page, context);
      await treeItem(page, /^Findings/).waitFor({ state: 'visible', timeout: 60_000 });
      await showNamespaces(page);
      await treeItem(page, /^Pods load per namespace/).waitFor({ state: 'visible', timeout: 60_000 });
    });
    const label = (await row(page, NAMESPACE).getAttribute('aria-label')) ?? '';
    const shown = `${label} ${await row(page, NAMESPACE).innerText()}`;
    assert.match(shown, /loading service accounts/);
    assert.match(shown, /pods load when opened/);
    assert.doesNotMatch(shown, /\b0 (pods|service accounts)\b/);
    assert.ok(accounts.waiting >= 1, 'the service accounts are still being listed');
    await wb.screenshot('huge-tree-loading');
  });

  test('a hover answers within 200 ms while the inventory loads, and the status bar names the context', async (t) => {
    const { page } = wb;
    // The inventory loads once the view is shown.
    await step('show-namespaces', () => showNamespaces(page));
    await step('open-token-file', () => openFile(page, TOKEN_FILE));
    // The first hover may wait on the extension's first read of the document: not measured.
    await step('first-hover', () => hoverSpan(page, 'eyJ', TOKEN_HOVER));
    const span = page.locator('.monaco-editor .view-line span span', { hasText: /^eyJ/ }).first();
    // One more, not counted either: the editor lays out its hover widget on the first ones.
    const warmUp = await step('warm-up-hover', () => hoverLatency(page, span, TOKEN_HOVER));
    const samples: HoverSample[] = [];
    for (let i = 0; i < HOVER_SAMPLES; i++) samples.push(await step(`hover-${i}`, () => hoverLatency(page, span, TOKEN_HOVER)));
    await dismissHover(page);
    t.diagnostic(`hover latency in ms while the inventory loads: ${describeSamples(samples)} (warm-up ${warmUp.ms.toFixed(0)})`);
    assert.ok(accounts.waiting >= 1, 'the inventory was still loading while the hovers were measured');
    assert.ok(median(samples.map((s) => s.ms)) < HOVER_BUDGET_MS, `hovers while the inventory loads took ${describeSamples(samples)}`);
    assert.match(samples[0]?.text ?? '', new RegExp(escapeRegExp(`${NAMESPACE}/${ACCOUNT}`)));
    await step('status-bar', () => page.locator('.statusbar-item', { hasText: CONTEXT }).first().waitFor({ state: 'visible', timeout: 30_000 }));
  });

  test('an opened namespace lists its own pods, and only those; its service accounts are counted once they answer', async () => {
    const { page } = wb;
    const before = cluster.requests.mark();
    await step('show-namespaces', () => showNamespaces(page));
    await step('expand-namespace', () => expandItem(page, new RegExp(`^${escapeRegExp(NAMESPACE)}(?![-\\w])`)));
    // The pods name their service account: it shows before the list of service accounts answers.
    await step('expand-account', () => expandItem(page, new RegExp(`^${escapeRegExp(ACCOUNT)}(?![-\\w])`), 60_000));
    const perDeployment = HUGE.pods / HUGE.deployments;
    const pods = page.getByRole('treeitem', { name: new RegExp(`^${escapeRegExp(ACCOUNT)}-[a-z0-9]+-[a-z0-9]{5}\\b`) });
    await step('pods', () => eventually(`the ${perDeployment} pods of ${ACCOUNT}`, async () => (await pods.count()) >= Math.min(perDeployment, 10), 60_000));
    await wb.screenshot('huge-namespace-pods');
    // Its pods were listed for it, as each namespace's are; no list of the cluster's pods was made at all.
    const namespaceOf = (r: { info: { kind: string; namespace?: string } }): string | undefined => (r.info.kind === 'resource' ? r.info.namespace : undefined);
    assert.ok(
      cluster.requests.lists('pods', before).some((r) => namespaceOf(r) === NAMESPACE),
      'the namespace was listed when opened',
    );
    assert.deepEqual(
      cluster.requests.lists('pods').filter((r) => r.info.kind === 'resource' && r.info.namespace === undefined && r.query.get('limit') !== '1'),
      [],
      'never every pod of the cluster',
    );
    assert.ok(accounts.waiting >= 1, 'the service accounts were still being listed');

    accounts.release();
    const counted = new RegExp(`\\b${HUGE.serviceAccounts / HUGE.namespaces} service accounts\\b`);
    const rowText = async (): Promise<string> => `${(await row(page, NAMESPACE).getAttribute('aria-label')) ?? ''} ${await row(page, NAMESPACE).innerText()}`;
    await step('accounts-counted', () => eventually('the namespace counts its service accounts', async () => counted.test(await rowText()), 120_000));
  });
});
