// The cluster explorer end to end: the packaged VSIX in code-server, pointed (through KUBECONFIG) at an
// in-process test cluster running the `healthy` scenario.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import { stringify } from 'yaml';
import { startTestCluster, type TestCluster } from '../cluster/server';
import { launchCodeServer, type Workbench } from './support/codeServer';
import { contextIsActive, eventually, expandItem } from './support/incidents';
import { mintApiToken } from './support/tokens';
import { RESULTS } from './support/paths';
import { escapeRegExp, runCommand } from './support/workbench';

const ADMIN = 'admin@test-cluster';
const READER = 'reader@test-cluster';
const ROTATING = 'rotating@test-cluster';

/** One kubeconfig with two contexts: the admin, and service account payments/api (may only read pods in payments). */
function writeKubeconfig(cluster: TestCluster, dir: string, tokenFile: string): string {
  const file = join(dir, 'kubeconfig');
  writeFileSync(
    file,
    stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [
        { name: 'test-cluster', cluster: { server: cluster.url, 'certificate-authority-data': Buffer.from(cluster.pki.ca.certPem).toString('base64') } },
      ],
      users: [
        { name: 'admin', user: { token: cluster.adminToken } },
        { name: 'reader', user: { token: mintApiToken(cluster, 3600) } },
        { name: 'rotating', user: { tokenFile } },
      ],
      contexts: [
        { name: ADMIN, context: { cluster: 'test-cluster', user: 'admin' } },
        { name: READER, context: { cluster: 'test-cluster', user: 'reader', namespace: 'payments' } },
        { name: ROTATING, context: { cluster: 'test-cluster', user: 'rotating', namespace: 'payments' } },
      ],
      'current-context': ADMIN,
    }),
    { mode: 0o600 },
  );
  return file;
}

function item(page: Page, name: string | RegExp): Locator {
  return page.getByRole('treeitem', { name: typeof name === 'string' ? new RegExp(`^${escapeRegExp(name)}`) : name }).first();
}

async function expand(page: Page, name: string | RegExp): Promise<Locator> {
  const row = item(page, name);
  await row.waitFor({ state: 'visible', timeout: 30_000 }).catch(async (err: unknown) => {
    await page.screenshot({ path: join(RESULTS, 'screenshots', 'explorer-failure.png') });
    throw err;
  });
  return expandItem(page, typeof name === 'string' ? new RegExp(`^${escapeRegExp(name)}`) : name);
}

/**
 * Expands `parent` until `child` shows under it: a refresh of the tree (a new session's nodes replacing the
 * last one's, as after a context switch) can collapse the row that was just expanded.
 */
async function expandUntil(page: Page, parent: RegExp, child: Locator, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await expand(page, parent);
    try {
      await child.waitFor({ state: 'visible', timeout: 5_000 });
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
    }
  }
}

describe('cluster explorer in code-server', { timeout: 300_000 }, () => {
  let cluster: TestCluster;
  let wb: Workbench;
  let kubeconfig: string;
  let tokenFile: string;

  before(async () => {
    cluster = await startTestCluster({ scenarios: ['healthy'] });
    const dir = mkdtempSync(join(RESULTS, 'explorer-'));
    const workspace = join(dir, 'workspace');
    mkdirSync(workspace, { recursive: true });
    tokenFile = join(dir, 'token');
    writeFileSync(tokenFile, mintApiToken(cluster, 3600), { mode: 0o600 });
    kubeconfig = writeKubeconfig(cluster, dir, tokenFile);
    wb = await launchCodeServer({ name: 'explorer', folder: workspace, env: { KUBECONFIG: kubeconfig } });
  });

  after(async () => {
    await wb?.stop();
    await cluster?.stop();
  });

  test('the tree shows the context, namespaces, service accounts and pods', async () => {
    const { page } = wb;
    await page.locator('.activitybar [aria-label^="Cluster Credentials"]').first().click();
    await item(page, ADMIN).waitFor({ state: 'visible', timeout: 60_000 });
    await item(page, 'Findings').waitFor({ state: 'visible' });
    await expand(page, ADMIN);
    await expand(page, /^payments\b/);
    await expand(page, /^api\b.*pod/);
    const pod = item(page, /^api-[a-z0-9]+-[a-z0-9]+/);
    await pod.waitFor({ state: 'visible', timeout: 30_000 });
    await item(page, /^vault-client\b/).waitFor({ state: 'visible' });
    await pod.click();
    await item(page, /^api · kube-api-access-/).waitFor({ state: 'visible', timeout: 30_000 });
    await wb.screenshot('explorer-tree');
  });

  test('the status bar shows the context', async () => {
    const bar = wb.page.locator('.statusbar-item', { hasText: ADMIN }).first();
    await bar.waitFor({ state: 'visible', timeout: 30_000 });
    assert.match(await bar.innerText(), /admin@test-cluster/);
  });

  test('Read Live Token decodes the pod token and checks its signature', async () => {
    const { page } = wb;
    const tokenRow = item(page, /^api · kube-api-access-/);
    await tokenRow.click();
    await tokenRow.hover();
    await tokenRow.locator('.action-label[aria-label="Read Live Token"]').click();
    const live = item(page, /^Live token/);
    await live.waitFor({ state: 'visible', timeout: 30_000 });
    const label = (await live.getAttribute('aria-label')) ?? (await live.innerText());
    assert.match(label, /valid/);
    assert.match(label, /signed by this cluster/);
    await item(page, /^jti\b/).waitFor({ state: 'visible', timeout: 10_000 });
    await wb.screenshot('explorer-live-token');
  });

  test('Switch Context writes current-context and the tree follows; the context says what it cannot see, a 403 shows as a node', async () => {
    const { page } = wb;
    await runCommand(page, 'Cluster Credentials: Switch Context');
    const row = page.locator('.quick-input-list .monaco-list-row', { hasText: READER }).first();
    await row.waitFor({ state: 'visible', timeout: 15_000 });
    await row.click();
    await contextIsActive(page, READER);
    assert.match(readFileSync(kubeconfig, 'utf8'), new RegExp(`current-context: ${escapeRegExp(READER)}`));
    // Before any namespace is expanded, the context itself says what this credential cannot see.
    await item(page, new RegExp(`^${escapeRegExp(READER)}.* cannot list service accounts, token Secrets in payments`)).waitFor({
      state: 'visible',
      timeout: 30_000,
    });
    const forbidden = item(page, /you cannot list serviceaccounts in namespace payments \(403\)/);
    await expandUntil(page, /^payments\b/, forbidden);
    await wb.screenshot('explorer-forbidden');
  });

  test('a context switch made outside VS Code shows in the tree', async () => {
    const text = readFileSync(kubeconfig, 'utf8').replace(`current-context: ${READER}`, `current-context: ${ADMIN}`);
    writeFileSync(kubeconfig, text);
    await contextIsActive(wb.page, ADMIN);
    await wb.page.locator('.statusbar-item', { hasText: ADMIN }).first().waitFor({ state: 'visible', timeout: 30_000 });
  });

  test('a rotated token file shows in the context node and the status bar', async () => {
    const { page } = wb;
    writeFileSync(kubeconfig, readFileSync(kubeconfig, 'utf8').replace(`current-context: ${ADMIN}`, `current-context: ${ROTATING}`));
    // The active row (another context's row says the same words without "active").
    const rotating = await contextIsActive(page, ROTATING);
    await eventually('the token file read', async () =>
      /^active · token file · expires in 5\d min/.test(await rotating.locator('.label-description').first().innerText()),
    );
    writeFileSync(tokenFile, mintApiToken(cluster, 3 * 3600));
    await item(page, new RegExp(`^${escapeRegExp(ROTATING)}.*token file · expires in 2 h`)).waitFor({ state: 'visible', timeout: 30_000 });
    await page
      .locator('.statusbar-item', { hasText: `${ROTATING} · expires in 2 h` })
      .first()
      .waitFor({ state: 'visible', timeout: 30_000 });
    // The requests went out with the token from the file: nothing in the tree says the cluster refused it.
    assert.equal(await page.getByRole('treeitem', { name: /\b401\b|Unauthorized|rejected your credential/i }).count(), 0);
    await wb.screenshot('explorer-rotated-token-file');
  });
});
