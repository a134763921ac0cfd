// Read Audit Log from a Control-Plane Node, in a real VS Code (code-server) against the test cluster's
// `stale-tokens` scenario, with no audit path set: the command asks first, naming the node, the image, the
// namespace and the folder it mounts, and Cancel creates nothing; confirmed, it reads the apiserver's audit
// log through a reader pod on that node, deletes the pod, says what it found, and the Findings node names the
// three pods that keep their first token (not the one that re-reads it).
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Clock } from '../cluster/clock';
import { R } from '../cluster/resources';
import { STALE_TOKENS, staleTokensIncident, type StaleTokensIncident } from '../cluster/scenarios/staleTokens';
import { startTestCluster, type TestCluster } from '../cluster/server';
import { launchCodeServer, screenshotOnFailure, type Workbench } from './support/codeServer';
import { answerModal, modal } from './support/commandPaths';
import { clearNotifications, eventually, expandItem, notification, treeItem } from './support/incidents';
import { RESULTS } from './support/paths';
import { escapeRegExp, runCommand } from './support/workbench';

const CONTEXT = 'admin@test-cluster';
const COMMAND_TITLE = 'Cluster Credentials: Read Audit Log from a Control-Plane Node…';

describe('reading a control-plane node’s audit log in code-server', { timeout: 300_000 }, () => {
  let cluster: TestCluster;
  let incident: StaleTokensIncident;
  let wb: Workbench;

  /** Reader pods in the cluster, terminating or not. */
  const readers = (): string[] =>
    cluster.store
      .list(R.pods)
      .filter((p) => p.metadata.labels?.['app.kubernetes.io/component'] === 'audit-reader')
      .map((p) => `${p.metadata.namespace ?? ''}/${p.metadata.name}`);

  const step = screenshotOnFailure('node-audit', () => wb);

  before(async () => {
    cluster = await startTestCluster({ scenarios: ['stale-tokens'], clock: new Clock(Date.now()) });
    const found = staleTokensIncident(cluster);
    assert.ok(found);
    incident = found;
    // A few minutes of the workloads' calls: the log has rotated at least once.
    for (let minute = 0; minute < 30 && incident.audit.rotations < 1; minute++) {
      cluster.advance(60);
      await incident.settled();
    }
    const workspace = join(mkdtempSync(join(RESULTS, 'node-audit-')), 'workspace');
    mkdirSync(workspace, { recursive: true });
    writeFileSync(join(workspace, 'README.md'), '# node audit e2e\n');
    const kubeconfig = cluster.writeKubeconfig(join(workspace, '..', 'kube'));
    wb = await launchCodeServer({ name: 'node-audit', folder: workspace, env: { KUBECONFIG: kubeconfig } });
    const entry = wb.page.locator('.activitybar [aria-label^="Cluster Credentials"]').first();
    await entry.waitFor({ state: 'visible', timeout: 60_000 });
    await entry.click();
    await treeItem(wb.page, new RegExp(`^${escapeRegExp(CONTEXT)}`)).waitFor({ state: 'visible', timeout: 60_000 });
  });

  after(async () => {
    await wb?.stop();
    await cluster?.stop();
  });

  test('asks first, naming node, context, image, namespace and the folder it mounts; Cancel creates nothing', async () => {
    const { page } = wb;
    await runCommand(page, COMMAND_TITLE);
    const asked = await step('modal-cancel', () => modal(page));
    assert.match(asked.text, new RegExp(`Create a pod on node \\S+ in context ${escapeRegExp(CONTEXT)} to read its audit log\\?`));
    assert.match(asked.text, /image busybox:1\.36/);
    assert.match(asked.text, /namespace kube-system/);
    assert.ok(asked.text.includes(`folder ${STALE_TOKENS.auditHostPath.slice(0, STALE_TOKENS.auditHostPath.lastIndexOf('/'))} mounted read-only`), asked.text);
    assert.match(asked.text, /create, get and delete pods and to create pods\/exec/);
    await wb.screenshot('node-audit-confirm');
    await answerModal(page, 'Cancel');
    assert.deepEqual(readers(), [], 'Cancel creates no pod');
    assert.equal(cluster.requests.of('create', 'pods').length, 0, 'no pod was even asked for');
  });

  test('confirmed: reads through a reader pod, deletes it, and the Findings node names the three pods with a stale token', async () => {
    const { page } = wb;
    await clearNotifications(page);
    await runCommand(page, COMMAND_TITLE);
    await step('modal-confirm', () => modal(page));
    await answerModal(page, 'Create Reader Pod');
    const said = await step('result', () => notification(page, /Read \d+ audit file\(s\) .* of node /, 120_000));
    assert.match(said, /: 3 pod\(s\) send a stale token, 1 legacy token\(s\) in use/);
    assert.match(said, /The reader pod was deleted\./);
    await eventually('the reader pod is gone from the cluster', () => readers().length === 0);

    await expandItem(page, /^Findings\b/);
    const firstToken = incident.clients.filter((c) => c.holds === 'first-token');
    assert.equal(firstToken.length, 3);
    for (const c of firstToken) {
      await step(`finding-${c.pod}`, () =>
        treeItem(page, new RegExp(`^${escapeRegExp(`${c.namespace}/${c.pod}`)} uses a stale token`)).waitFor({ state: 'visible', timeout: 60_000 }),
      );
    }
    const rereads = incident.clients.find((c) => c.holds === 'fresh-token');
    assert.ok(rereads);
    assert.equal(await treeItem(page, new RegExp(`^${escapeRegExp(`${rereads.namespace}/${rereads.pod}`)} uses a stale token`)).count(), 0);
    await wb.screenshot('node-audit-findings');
  });
});
