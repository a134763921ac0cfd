// Kubernetes Tools as a partner, end to end: our packaged VSIX and a test double of Kubernetes Tools (its id, and
// the API broker vscode-kubernetes-tools-api 1.3.0 describes; test/e2e/fixtures/fake-kubernetes-tools) in
// code-server, against the test cluster's `healthy` scenario. The double writes what our node contributor and UI
// customizer gave its Cluster Explorer to a file; the test reads it, and the Clusters view it draws.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createVSIX } from '@vscode/vsce';
import type { Page } from 'playwright-core';
import { R } from '../cluster/resources';
import { startTestCluster, type TestCluster } from '../cluster/server';
import { launchCodeServer, type Workbench } from './support/codeServer';
import { mintApiToken } from './support/tokens';
import { RESULTS, ROOT } from './support/paths';
import { runCommand } from './support/workbench';

const ADMIN = 'admin@test-cluster';
const READER = 'reader@test-cluster';
const OTHER = 'other@test-cluster';
const FAKE = join(ROOT, 'test', 'e2e', 'fixtures', 'fake-kubernetes-tools');

interface DumpedItem {
  label?: string;
  description?: string;
  tooltip?: string;
  contextValue?: string;
  command?: { command: string; arguments?: unknown[] };
}

interface Dump {
  n: number;
  reason: string;
  error?: string;
  currentContext: string | null;
  contributors: number;
  customizers: number;
  contexts: { name: string; nodeType: string; children: DumpedItem[] }[];
  pods: { namespace: string; name: string; description?: string }[];
}

/** JSON (which is YAML): the double reads kubeconfigs as JSON only. */
function writeKubeconfig(cluster: TestCluster, file: string, contexts: { name: string; token: string; namespace?: string }[]): string {
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      { name: 'test-cluster', cluster: { server: cluster.url, 'certificate-authority-data': Buffer.from(cluster.pki.ca.certPem).toString('base64') } },
    ],
    users: contexts.map((c) => ({ name: c.name, user: { token: c.token } })),
    contexts: contexts.map((c) => ({ name: c.name, context: { cluster: 'test-cluster', user: c.name, ...(c.namespace ? { namespace: c.namespace } : {}) } })),
    'current-context': contexts[0]?.name,
  };
  writeFileSync(file, JSON.stringify(config, null, 2), { mode: 0o600 });
  return file;
}

function readDumps(file: string): Dump[] {
  if (!existsSync(file)) return [];
  try {
    return (JSON.parse(readFileSync(file, 'utf8')) as { dumps: Dump[] }).dumps;
  } catch {
    return []; // replaced while read
  }
}

/** The first dump after `afterN` that satisfies `wanted`; fails with the last dump when none does in time. */
async function waitForDump(page: Page, file: string, wanted: (d: Dump) => boolean, afterN = 0, timeoutMs = 60_000): Promise<Dump> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const dumps = readDumps(file).filter((d) => d.n > afterN);
    const errors = dumps.filter((d) => d.error !== undefined);
    assert.deepEqual(errors, [], 'the double could not dump its Cluster Explorer');
    const found = dumps.find(wanted);
    if (found) return found;
    if (Date.now() > deadline) {
      await page.screenshot({ path: join(RESULTS, 'screenshots', 'kubernetes-tools-failure.png') });
      assert.fail(`no dump as wanted after #${afterN}; the last one:\n${JSON.stringify(dumps.at(-1) ?? null, null, 2)}`);
    }
    await page.waitForTimeout(200);
  }
}

function credentialOf(d: Dump, context: string): DumpedItem | undefined {
  const children = d.contexts.find((c) => c.name === context)?.children ?? [];
  return children.find((c) => c.label?.startsWith('Credential: '));
}

describe('Kubernetes Tools as a partner in code-server', { timeout: 300_000 }, () => {
  let cluster: TestCluster;
  let wb: Workbench;
  let kubeconfig: string;
  let otherKubeconfig: string;
  let dumpFile: string;
  let pods: { namespace: string; name: string; uid: string }[];

  before(async () => {
    cluster = await startTestCluster({ scenarios: ['healthy'] });
    const dir = mkdtempSync(join(RESULTS, 'kubernetes-tools-'));
    const workspace = join(dir, 'workspace');
    mkdirSync(workspace, { recursive: true });
    kubeconfig = writeKubeconfig(cluster, join(dir, 'kubeconfig.json'), [
      { name: ADMIN, token: cluster.adminToken },
      { name: READER, token: mintApiToken(cluster, 3600), namespace: 'payments' },
    ]);
    otherKubeconfig = writeKubeconfig(cluster, join(dir, 'other-kubeconfig.json'), [{ name: OTHER, token: cluster.adminToken }]);
    dumpFile = join(dir, 'cluster-explorer.json');
    pods = cluster.store
      .list(R.pods, 'payments')
      .map((p) => ({ namespace: p.metadata.namespace ?? '', name: p.metadata.name, uid: p.metadata.uid ?? '' }))
      .filter((p) => p.name.startsWith('api-'));
    assert.ok(pods.length > 0, 'the healthy scenario has api pods in payments');
    const fakeVsix = join(dir, 'fake-kubernetes-tools.vsix');
    await createVSIX({ cwd: FAKE, packagePath: fakeVsix, dependencies: false, allowMissingRepository: true, skipLicense: true });
    wb = await launchCodeServer({
      name: 'kubernetes-tools',
      folder: workspace,
      extraVsix: [fakeVsix],
      env: { KUBECONFIG: kubeconfig, FAKE_KUBERNETES_TOOLS_DUMP: dumpFile, FAKE_KUBERNETES_TOOLS_PODS: JSON.stringify(pods) },
      // Live tokens read on their own: the pod descriptions then say when each token expires.
      settings: { 'clusterCredentials.liveTokens.mode': 'auto' },
    });
  });

  after(async () => {
    await wb?.stop();
    await cluster?.stop();
  });

  test('its Cluster Explorer receives a credential under each context and a token expiry on its pods', async () => {
    const { page } = wb;
    // Opening our view activates Cluster Credentials, which finds the double, activates it and registers with it.
    await page.locator('.activitybar [aria-label^="Cluster Credentials"]').first().click();
    const contributed = await waitForDump(page, dumpFile, (d) => d.contributors > 0 && credentialOf(d, READER) !== undefined);
    assert.equal(contributed.customizers, 1);
    assert.equal(contributed.currentContext, ADMIN);

    const admin = credentialOf(contributed, ADMIN);
    assert.match(admin?.label ?? '', /^Credential: bearer token\b/);
    assert.match(admin?.description ?? '', /active context$/);
    assert.match(admin?.contextValue ?? '', /^clusterCredentials\.partner\.credential active$/);
    assert.deepEqual(admin?.command, { command: 'clusterCredentials.showTokenHealth', arguments: [{ kind: 'context', context: ADMIN }] });

    // Not the active context: read from the kubeconfig without a request, with its time left.
    const reader = credentialOf(contributed, READER);
    assert.match(reader?.label ?? '', /^Credential: bearer token · expires in 5\d min$/);
    assert.equal(reader?.description, 'valid · read from the kubeconfig');
    assert.deepEqual(reader?.command, { command: 'clusterCredentials.showTokenHealth', arguments: [{ kind: 'context', context: READER }] });
    // A fingerprint, never the token.
    const text = readFileSync(dumpFile, 'utf8');
    assert.ok(!text.includes(cluster.adminToken), 'the dump holds no raw token');

    // Once our lists and live reads have answered, we redraw its tree and every api pod says when its token expires.
    const expiring = await waitForDump(
      page,
      dumpFile,
      (d) => d.pods.length === pods.length && d.pods.every((p) => /^token expires in /.test(p.description ?? '')),
    );
    assert.deepEqual(
      expiring.pods.map((p) => p.name),
      pods.map((p) => p.name),
    );

    // The same nodes in its Clusters view, and a click on ours opens Token Health.
    await page.keyboard.press('Control+Shift+E');
    const header = page.locator('.pane-header', { hasText: 'Clusters' }).first();
    await header.waitFor({ state: 'visible', timeout: 30_000 });
    if ((await header.getAttribute('aria-expanded')) === 'false') await header.click();
    const node = page.getByRole('treeitem', { name: /^Credential: bearer token\b.*active context/ }).first();
    await node.waitFor({ state: 'visible', timeout: 30_000 });
    await page
      .getByRole('treeitem', { name: /^api-[a-z0-9]+-[a-z0-9]+.*token expires in/ })
      .first()
      .waitFor({ state: 'visible', timeout: 30_000 });
    await node.click();
    await page.locator('.tabs-container .tab', { hasText: 'Token Health' }).first().waitFor({ state: 'visible', timeout: 30_000 });
    await wb.screenshot('kubernetes-tools-clusters');
  });

  test('our context follows its context change', async () => {
    const { page } = wb;
    const before = Math.max(0, ...readDumps(dumpFile).map((d) => d.n));
    await runCommand(page, 'Fake Kubernetes Tools: Use Context');
    const row = page.locator('.quick-input-list .monaco-list-row', { hasText: READER }).first();
    await row.waitFor({ state: 'visible', timeout: 15_000 });
    // Picked by name and Enter, not by a click that can land while the list is still being laid out.
    await page.locator('.quick-input-widget input').fill(READER);
    await page.locator('.quick-input-list .monaco-list-row.focused', { hasText: READER }).first().waitFor({ state: 'visible', timeout: 15_000 });
    await page.keyboard.press('Enter');
    // The double dumps in the same turn as it fires onDidChangeContext: before any file watcher could have run,
    // so the session that already speaks for the reader is the one the event switched.
    const switched = await waitForDump(page, dumpFile, (d) => d.reason === 'useContext', before);
    assert.equal(switched.currentContext, READER);
    assert.match(credentialOf(switched, READER)?.description ?? '', /active context$/);
    assert.match(credentialOf(switched, ADMIN)?.description ?? '', /read from the kubeconfig$/);
    assert.match(readFileSync(kubeconfig, 'utf8'), /"current-context": "reader@test-cluster"/);
    // Our own views follow too.
    await page.locator('.statusbar-item', { hasText: READER }).first().waitFor({ state: 'visible', timeout: 30_000 });
  });

  test('our session follows the kubeconfig it switches to', async () => {
    const { page } = wb;
    const before = Math.max(0, ...readDumps(dumpFile).map((d) => d.n));
    await runCommand(page, 'Fake Kubernetes Tools: Use Kubeconfig');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    await input.fill(otherKubeconfig);
    await page.keyboard.press('Enter');
    // Its event, or the setting it wrote (both reload our session): the first dump that shows the new file.
    const moved = await waitForDump(page, dumpFile, (d) => d.contexts.some((c) => c.name === OTHER), before);
    assert.deepEqual(
      moved.contexts.map((c) => c.name),
      [OTHER],
    );
    assert.match(credentialOf(moved, OTHER)?.description ?? '', /active context$/);
    await page.locator('.statusbar-item', { hasText: OTHER }).first().waitFor({ state: 'visible', timeout: 30_000 });
  });
});
