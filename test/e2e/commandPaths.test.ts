// The commands' other paths end to end, in a real VS Code (code-server) with the packaged VSIX, against
// one in-process test cluster (healthy + patroni-expired) and one code-server: Who Am I from the
// palette; Restart Pod from a finding's button inside the Token Health webview; Rollout Restart from
// the tree's context menu, cancelled and then confirmed; Request Token from the palette, first below
// the server's 10-minute minimum, then valid, and Copy Token; Review Token of the copied token; Request
// Token from a pod's context menu, bound to that pod; Restart Pod's progress while the controllers are
// held, and its Cancel; and a restart refused by RBAC after switching to the read-only payments/api
// service account's context.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { R } from '../cluster/resources';
import { PATRONI_EXPIRED } from '../cluster/scenarios/patroniExpired';
import { startTestCluster, type TestCluster } from '../cluster/server';
import { launchCodeServer, screenshotOnFailure, type Workbench } from './support/codeServer';
import {
  activeEditorText,
  answerInput,
  answerModal,
  contextMenu,
  isMarker,
  markClipboard,
  mergeKubeconfigs,
  modal,
  quickInputTitled,
  quickPickRow,
  readClipboard,
} from './support/commandPaths';
import {
  anywhere,
  clearNotifications,
  eventually,
  expandItem,
  notification,
  openFindingPanel,
  pick,
  scanAllNamespaces,
  switchContext,
  treeItem,
} from './support/incidents';
import { RESULTS } from './support/paths';
import { escapeRegExp, runCommand } from './support/workbench';

const RESTARTED_AT = 'kubectl.kubernetes.io/restartedAt';
const JWT = /eyJ[\w-]+\.eyJ[\w-]+\.[\w-]+/;

function livePods(cluster: TestCluster, namespace: string, prefix: string) {
  return cluster.store.list(R.pods, namespace).filter((p) => p.metadata.name.startsWith(prefix) && p.metadata.deletionTimestamp === undefined);
}

function templateAnnotations(cluster: TestCluster, namespace: string, name: string): Record<string, string> {
  const d = cluster.store.peek(R.deployments, namespace, name) as { spec?: { template?: { metadata?: { annotations?: Record<string, string> } } } } | undefined;
  assert.ok(d, `Deployment ${namespace}/${name} exists`);
  return { ...(d.spec?.template?.metadata?.annotations ?? {}) };
}

describe('command paths in code-server', { timeout: 300_000 }, () => {
  let cluster: TestCluster;
  let wb: Workbench;
  let adminContext: string;
  let saContext: string;

  /** Keeps a screenshot of the moment a step failed. */
  const step = screenshotOnFailure('command-paths', () => wb);

  /** A running pod of payments/api that the tree shows (restarts replace them as the suite goes). */
  async function visibleApiPod(): Promise<string> {
    const { page } = wb;
    let name = '';
    await step('pod-in-tree', () =>
      eventually(
        'a running api pod shows in the tree',
        async () => {
          await expandItem(page, new RegExp(`^${escapeRegExp(adminContext)}`));
          await expandItem(page, /^payments\b/);
          await expandItem(page, /^api\b/);
          for (const p of livePods(cluster, 'payments', 'api-')) {
            if (await treeItem(page, new RegExp(`^${escapeRegExp(p.metadata.name)}`)).isVisible()) {
              name = p.metadata.name;
              return true;
            }
          }
          return false;
        },
        45_000,
      ),
    );
    return name;
  }

  before(async () => {
    cluster = await startTestCluster({ scenarios: ['healthy', 'patroni-expired'] });
    const dir = mkdtempSync(join(RESULTS, 'command-paths-'));
    const workspace = join(dir, 'workspace');
    mkdirSync(workspace, { recursive: true });
    writeFileSync(join(workspace, 'README.md'), '# command paths e2e\n');
    // The admin's context (current) and the read-only payments/api service account's, in one kubeconfig.
    const merged = mergeKubeconfigs([cluster.kubeconfigFor('admin'), cluster.kubeconfigFor({ serviceAccount: 'payments/api' })]);
    [adminContext = '', saContext = ''] = merged.contexts;
    assert.notEqual(adminContext, saContext);
    const kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(kubeconfig, merged.yaml, { mode: 0o600 });
    wb = await launchCodeServer({ name: 'command-paths', folder: workspace, env: { KUBECONFIG: kubeconfig } });
    const entry = wb.page.locator('.activitybar [aria-label^="Cluster Credentials"]').first();
    await entry.waitFor({ state: 'visible', timeout: 60_000 });
    await entry.click();
    await treeItem(wb.page, new RegExp(`^${escapeRegExp(adminContext)}`)).waitFor({ state: 'visible', timeout: 60_000 });
  });

  after(async () => {
    await wb?.stop();
    await cluster?.stop();
  });

  test('Who Am I from the palette names the admin user and its groups', async () => {
    const { page } = wb;
    await clearNotifications(page);
    await runCommand(page, 'Cluster Credentials: Who Am I');
    const said = await step('who-am-i', () => notification(page, /^In context .* you are /));
    assert.match(
      said,
      new RegExp(`^In context ${escapeRegExp(adminContext)} you are admin in groups system:masters, system:authenticated, according to SelfSubjectReview v1`),
    );
    await wb.screenshot('command-paths-who-am-i');
  });

  test('Restart from a finding in the Token Health webview: the modal names pod, namespace and context; the pod is replaced', async () => {
    const { page } = wb;
    const { namespace, pod, statefulSet } = PATRONI_EXPIRED;
    const old = cluster.store.peek(R.pods, namespace, pod);
    assert.ok(old, `${namespace}/${pod} runs`);
    const oldUid = old.metadata.uid;

    const said = await step('scan', () => scanAllNamespaces(page, adminContext));
    assert.match(said, /finding\(s\) in context/);
    const title = new RegExp(`^${escapeRegExp(`${namespace}/${pod}`)} (sends an expired token it never re-read|does not reload its rotated token)`);
    await step('findings', () => expandItem(page, /^Findings\b/));
    const panel = await step('panel', () =>
      openFindingPanel(page, treeItem(page, title), new RegExp(`Token Health: Pod ${escapeRegExp(`${namespace}/${pod}`)}`)),
    );
    const card = panel.locator('article.finding', { hasText: anywhere(title) }).first();
    await step('card', () => card.waitFor({ state: 'visible', timeout: 15_000 }));
    const button = card.locator('.finding-actions vscode-button', { hasText: /^\s*Restart pod now\s*$/ }).first();
    await button.waitFor({ state: 'visible', timeout: 15_000 });
    await wb.screenshot('command-paths-webview-finding');
    await clearNotifications(page);
    await button.click();

    const dialog = await step('restart-modal', () => modal(page));
    assert.match(dialog.text, new RegExp(`Restart pod ${escapeRegExp(`${namespace}/${pod}`)} in context ${escapeRegExp(adminContext)}\\?`));
    assert.match(dialog.text, new RegExp(`StatefulSet ${escapeRegExp(statefulSet)} creates a replacement`));
    await wb.screenshot('command-paths-webview-restart-confirm');
    await answerModal(page, 'Restart Pod');

    const result = await step('restart-result', () => notification(page, /was restarted in context/));
    assert.match(
      result,
      new RegExp(
        `^Pod ${escapeRegExp(`${namespace}/${pod}`)} was restarted in context ${escapeRegExp(adminContext)}: StatefulSet ${escapeRegExp(statefulSet)} created ${escapeRegExp(pod)}, which has a fresh token`,
      ),
    );
    // A StatefulSet keeps the name: the replacement is the pod of that name with a new uid.
    const replacement = cluster.store.peek(R.pods, namespace, pod);
    assert.ok(replacement, 'the replacement exists on the cluster');
    assert.notEqual(replacement.metadata.uid, oldUid, 'the replacement has a new uid');
    assert.ok(
      cluster.store.list(R.pods, namespace).every((p) => p.metadata.uid !== oldUid),
      'the old pod is gone',
    );
    await wb.screenshot('command-paths-webview-restarted');
  });

  test('Rollout Restart from the tree: Cancel leaves the Deployment alone, confirming patches restartedAt', async () => {
    const { page } = wb;
    const podOf = livePods(cluster, 'payments', 'api-')[0];
    assert.ok(podOf, 'a pod of Deployment payments/api runs');
    const before = templateAnnotations(cluster, 'payments', 'api');
    assert.equal(before[RESTARTED_AT], undefined, 'never restarted yet');
    const rvBefore = cluster.store.peek(R.deployments, 'payments', 'api')?.metadata.resourceVersion;

    await step('tree', async () => {
      await expandItem(page, new RegExp(`^${escapeRegExp(adminContext)}`));
      await expandItem(page, /^payments\b/);
      await expandItem(page, /^api\b/);
    });
    const podItem = treeItem(page, new RegExp(`^${escapeRegExp(podOf.metadata.name)}`));
    const openMenu = (): Promise<void> => contextMenu(page, podItem, 'Rollout Restart Owner');
    const question = new RegExp(`Rollout restart Deployment payments/api in context ${escapeRegExp(adminContext)}\\?`);

    // Cancel: nothing is sent.
    await step('rollout-menu-1', openMenu);
    const first = await step('rollout-modal-1', () => modal(page));
    assert.match(first.text, question);
    assert.match(first.text, /as "kubectl rollout restart" does/);
    await wb.screenshot('command-paths-rollout-confirm');
    await answerModal(page, 'Cancel');
    assert.deepEqual(templateAnnotations(cluster, 'payments', 'api'), before, 'Cancel leaves the template untouched');
    assert.equal(cluster.store.peek(R.deployments, 'payments', 'api')?.metadata.resourceVersion, rvBefore, 'Cancel sends no patch');

    // Confirm: the strategic-merge patch of restartedAt.
    await clearNotifications(page);
    await step('rollout-menu-2', openMenu);
    const second = await step('rollout-modal-2', () => modal(page));
    assert.match(second.text, question);
    await answerModal(page, 'Rollout Restart');
    const said = await step('rollout-result', () => notification(page, /is restarting in context/));
    const at = /\(restartedAt (\S+)\)/.exec(said)?.[1];
    assert.ok(at, `the notification gives restartedAt: ${said}`);
    assert.match(said, new RegExp(`^Deployment payments/api is restarting in context ${escapeRegExp(adminContext)}`));
    assert.equal(templateAnnotations(cluster, 'payments', 'api')[RESTARTED_AT], at, 'the Deployment template carries restartedAt');
    await wb.screenshot('command-paths-rollout-restarted');
  });

  test('Request Token from the palette: below 10 minutes the server refuses it; then the decoded token opens without the raw token; Review Token of the copied token', async () => {
    const { page } = wb;
    const who = 'payments/api';
    const askToken = async (audiences: string, duration: string): Promise<void> => {
      await runCommand(page, 'Cluster Credentials: Request Token');
      await quickInputTitled(page, /^Request Token$/);
      const row = quickPickRow(page, 'api', 'payments');
      await row.waitFor({ state: 'visible', timeout: 30_000 });
      await row.click();
      await answerInput(page, new RegExp(`Request Token for ${escapeRegExp(who)} \\(1/3\\): audiences`), audiences);
      const lifetime = await quickInputTitled(page, new RegExp(`Request Token for ${escapeRegExp(who)} \\(2/3\\): lifetime`));
      await lifetime.locator('.quick-input-box input').first().fill(duration);
      if (duration === '5m') {
        // The box warns before the server refuses.
        const warning = lifetime.locator('.quick-input-message', { hasText: /below the API server’s minimum of 10 minutes/ });
        await warning.waitFor({ state: 'visible', timeout: 15_000 });
        await wb.screenshot('command-paths-request-token-warning');
      }
      await page.keyboard.press('Enter');
      await quickInputTitled(page, new RegExp(`Request Token for ${escapeRegExp(who)} \\(3/3\\): binding`));
      await pick(page, 'Not bound');
    };

    // Below the minimum: the server's own sentence.
    await clearNotifications(page);
    await step('request-short', () => askToken('vault', '5m'));
    const refused = await step('request-refused', () => notification(page, /^Cannot request a token for/));
    assert.match(
      refused,
      new RegExp(
        `^Cannot request a token for ${escapeRegExp(who)}: the cluster rejected the request as invalid \\(422\\): .*may not specify a duration less than 10 minutes`,
      ),
    );
    await wb.screenshot('command-paths-request-token-refused');

    // A valid one, for the API server's own audience.
    await clearNotifications(page);
    await markClipboard(page);
    await step('request-valid', () => askToken('', '15m'));
    const issued = await step('request-issued', () => notification(page, /^Token for payments\/api issued/));
    const fp = /\(sha256:([0-9a-f]{16})/.exec(issued)?.[1];
    assert.ok(fp, `the notification gives the fingerprint: ${issued}`);
    assert.match(issued, /It is kept in memory only; copy it with "Copy token"/);
    await page.locator('.tabs-container .tab.active', { hasText: `Token payments-api ${fp.slice(0, 8)}` }).waitFor({ state: 'visible', timeout: 30_000 });
    assert.ok(isMarker(await readClipboard(page)), 'the token is not on the clipboard before "Copy token"');
    const doc = await step('token-document', () => activeEditorText(page));
    assert.match(doc, /^Token for service account payments\/api\r?\n=+\r?\n/);
    assert.doesNotMatch(doc, /\|/, 'plain text in columns, not markdown tables');
    assert.ok(doc.includes(`sha256:${fp}`), 'the document gives the fingerprint');
    assert.match(doc, /^ {2}Lifetime granted {2}900 s$/m);
    assert.doesNotMatch(doc, JWT, 'no raw JWT in the document');
    await wb.screenshot('command-paths-token-document');

    // Copy token: the explicit action puts the raw token on the clipboard.
    await clearNotifications(page);
    await markClipboard(page);
    await runCommand(page, 'Cluster Credentials: Copy Token');
    const copied = await step('copy-token', () => notification(page, /copied to the clipboard/));
    assert.match(copied, new RegExp(`^Token sha256:${fp} for payments/api copied to the clipboard`));
    const token = (await readClipboard(page)).trim();
    assert.match(token, JWT);
    assert.equal(createHash('sha256').update(token).digest('hex').slice(0, 16), fp, 'the clipboard holds the issued token');
    assert.ok(!doc.includes(token), 'the raw token is not in the document');

    // Review Token takes it from the clipboard (no selection in the editor).
    await clearNotifications(page);
    await runCommand(page, 'Cluster Credentials: Review Token');
    // A token from the clipboard goes to the cluster only after the user has seen where and which.
    const consent = await step('review-consent', () => modal(page));
    assert.match(consent.text, new RegExp(`Send token sha256:${fp} to the TokenReview API of context ${escapeRegExp(adminContext)}\\?`));
    assert.match(consent.text, /came from the clipboard/);
    await answerModal(page, 'Send');
    const review = await step('review-token', () => notification(page, new RegExp(`^Token sha256:${fp}`)));
    assert.match(
      review,
      new RegExp(
        `^Token sha256:${fp} authenticates with context ${escapeRegExp(adminContext)} as system:serviceaccount:payments:api; groups [^;]*system:serviceaccounts:payments`,
      ),
    );
    await wb.screenshot('command-paths-review-token');
  });

  test("Request Token from a pod's context menu offers a binding to that pod, and the token is bound to it", async () => {
    const { page } = wb;
    // The rollout restart replaced the pods: take one that runs and shows in the tree.
    const podName = await visibleApiPod();
    const pod = cluster.store.peek(R.pods, 'payments', podName);
    assert.ok(pod, 'the pod exists');
    await clearNotifications(page);
    await step('request-menu', () => contextMenu(page, treeItem(page, new RegExp(`^${escapeRegExp(podName)}`)), 'Request Token'));
    // From a pod the service account is known: no account to pick, straight to the audiences.
    await answerInput(page, /^Request Token for payments\/api \(1\/3\): audiences$/, 'vault');
    await answerInput(page, /^Request Token for payments\/api \(2\/3\): lifetime$/, '20m');
    await quickInputTitled(page, /^Request Token for payments\/api \(3\/3\): binding$/);
    const suggested = quickPickRow(page, `Bound to Pod ${podName}`);
    await suggested.waitFor({ state: 'visible', timeout: 15_000 });
    assert.equal(
      await page
        .locator('.quick-input-list .monaco-list-row')
        .first()
        .innerText()
        .then((t) => t.startsWith(`Bound to Pod ${podName}`)),
      true,
      'the pod it came from is offered first',
    );
    await suggested.click();
    const issued = await step('bound-issued', () => notification(page, /^Token for payments\/api issued/));
    assert.match(issued, new RegExp(`, bound to Pod ${escapeRegExp(podName)}\\)`));
    const doc = await step('bound-document', () => activeEditorText(page));
    assert.match(doc, new RegExp(`^ {2}Bound to {2,}Pod ${escapeRegExp(podName)} \\(the token stops working`, 'm'));
    assert.match(doc, /^ {2}Lifetime granted {2}1200 s$/m);
    assert.match(doc, new RegExp(escapeRegExp(pod.metadata.uid)), 'the token names the pod by its uid');
    assert.match(doc, /vault/);
    assert.doesNotMatch(doc, JWT, 'no raw JWT in the document');
    await wb.screenshot('command-paths-request-token-bound');
  });

  test('Restart Pod while the controllers are slow: a cancellable progress waits for the replacement; Cancel stops following and the pod still comes back', async () => {
    const { page } = wb;
    const podName = await visibleApiPod();
    const old = cluster.store.peek(R.pods, 'payments', podName);
    assert.ok(old, 'the pod exists');
    const owner = old.metadata.ownerReferences?.[0]?.name ?? '?';
    // A controller-manager that has not caught up yet: the pod is deleted, its replacement not made.
    const release = cluster.holdControllers();
    try {
      await clearNotifications(page);
      await step('restart-menu', () => contextMenu(page, treeItem(page, new RegExp(`^${escapeRegExp(podName)}`)), 'Restart Pod'));
      const asked = await step('restart-modal', () => modal(page));
      assert.match(asked.text, new RegExp(`Restart pod payments/${escapeRegExp(podName)} in context ${escapeRegExp(adminContext)}\\?`));
      await answerModal(page, 'Restart Pod');
      // Read it where it stays whatever the toasts do: the notification center.
      await runCommand(page, 'Notifications: Show Notifications');
      const progress = page.locator('.notifications-center .notification-list-item', { hasText: `Restarting pod payments/${podName}` }).first();
      await step('restart-progress', () => progress.waitFor({ state: 'visible', timeout: 30_000 }));
      await step('restart-waiting', () =>
        eventually('the progress says it waits for the replacement', async () => /waiting for its replacement/.test(await progress.innerText())),
      );
      assert.ok(cluster.store.peek(R.pods, 'payments', podName)?.metadata.deletionTimestamp, 'the pod was deleted and is Terminating');
      await wb.screenshot('command-paths-restart-progress');
      await progress.locator('.monaco-button', { hasText: /^Cancel$/ }).click();
      const said = await step('restart-cancelled', () => notification(page, /^Stopped following: pod/));
      assert.equal(
        said,
        `Stopped following: pod payments/${podName} was already deleted and ReplicaSet ${owner} should create its replacement; refresh the explorer to see it.`,
      );
      assert.deepEqual(
        livePods(cluster, 'payments', 'api-').filter((p) => p.metadata.uid !== old.metadata.uid && p.metadata.ownerReferences?.[0]?.name === owner),
        [],
        'still no replacement while held',
      );
    } finally {
      release();
    }
    // Let go: the ReplicaSet makes the replacement, and the tree shows it.
    const replacement = livePods(cluster, 'payments', 'api-').find(
      (p) => p.metadata.uid !== old.metadata.uid && p.metadata.ownerReferences?.[0]?.name === owner,
    );
    assert.ok(replacement, 'a replacement once the controllers caught up');
    await step('replacement-in-tree', () =>
      treeItem(page, new RegExp(`^${escapeRegExp(replacement.metadata.name)}`)).waitFor({ state: 'visible', timeout: 45_000 }),
    );
  });

  test('an RBAC refusal: as the read-only payments/api service account, Restart Pod from the palette says the delete verb is missing', async () => {
    const { page } = wb;
    await step('switch-to-sa', () => switchContext(page, saContext));
    const target = livePods(cluster, 'payments', 'api-')[0];
    assert.ok(target, 'a pod of payments/api runs');
    await clearNotifications(page);
    await runCommand(page, 'Cluster Credentials: Restart Pod');
    // Listing across namespaces is forbidden to it, so the picker lists its own namespace.
    await quickInputTitled(page, /^Restart Pod$/);
    await step('pick-pod', () => pick(page, new RegExp(`^\\s*${escapeRegExp(target.metadata.name)}`)));
    const dialog = await step('rbac-modal', () => modal(page));
    assert.match(dialog.text, new RegExp(`Restart pod payments/${escapeRegExp(target.metadata.name)} in context ${escapeRegExp(saContext)}\\?`));
    await answerModal(page, 'Restart Pod');
    const said = await step('rbac-refused', () => notification(page, /^Cannot restart pod/));
    assert.match(
      said,
      new RegExp(`^Cannot restart pod payments/${escapeRegExp(target.metadata.name)}: you cannot delete pods in namespace payments \\(403\\)`),
    );
    assert.match(said, /lacks the delete verb on pods/);
    await eventually('the pod is still there', () => cluster.store.peek(R.pods, 'payments', target.metadata.name)?.metadata.uid === target.metadata.uid, 1_000);
    await wb.screenshot('command-paths-rbac-refused');
    await step('switch-back', () => switchContext(page, adminContext));
  });
});
