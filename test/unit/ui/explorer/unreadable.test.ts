// What the context node says when the cluster does not answer everything, against the test cluster: a service
// account with no RBAC at all, one allowed to list pods only, a server whose certificate is not trusted, and
// the groups of a client certificate. The context never shows the healthy check over a list that failed.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ClusterSession } from '../../../../src/cluster/auth/session';
import { Inventory } from '../../../../src/cluster/inventory/inventory';
import type { InventorySnapshot, ResourceKind, ResourceStatus } from '../../../../src/cluster/inventory/types';
import { buildExplorerModel } from '../../../../src/ui/explorer/explorerModel';
import { childrenOf, type ExplorerModel, type ExplorerNode } from '../../../../src/ui/explorer/explorerNode';
import { createClusterPki } from '../../../cluster/ca';
import { kubeconfigYaml } from '../../../cluster/kubeconfig';
import { ensureNamespace, serviceAccount } from '../../../cluster/scenarios/build';
import { startTestCluster, type TestCluster } from '../../../cluster/server';
import { sessionFor, sessionFromText, tempDir, waitFor, type TempDir } from '../../cluster/support/session';
import { child, modelSession } from './support';

function modelOf(cluster: TestCluster, session: ClusterSession, inv: Inventory): ExplorerModel {
  return buildExplorerModel({
    nowSec: cluster.clock.nowSeconds(),
    session: modelSession(session),
    inventory: inv.snapshot(),
    ...(inv.fallbackReason ? { fallbackReason: inv.fallbackReason } : {}),
    findings: [],
    liveMode: 'onDemand',
  });
}

function errorNodes(m: ExplorerModel): ExplorerNode[] {
  return [...m.byId.values()].filter((n) => n.contextValue === 'error');
}

/** The status of one list, once it has answered (with items or an error). */
function answered(snap: InventorySnapshot, kind: ResourceKind, scope: string): ResourceStatus | undefined {
  const s = snap.status[kind].get(scope);
  return s && s.state !== 'loading' ? s : undefined;
}

/** An inventory opened the way the session state opens it: the context's namespace to fall back to. */
function inventoryOf(session: ClusterSession): Inventory {
  return new Inventory({
    api: session.api,
    coalesceMs: 0,
    retryDelaysMs: [60_000],
    ...(session.summary.namespace ? { contextNamespace: session.summary.namespace } : {}),
  });
}

describe('the context node over lists the cluster refused', () => {
  let cluster: TestCluster;
  let tmp: TempDir;
  before(async () => {
    cluster = await startTestCluster({ scenarios: ['healthy'] });
    tmp = tempDir();
    ensureNamespace(cluster, 'ui-demo');
    serviceAccount(cluster, 'ui-demo', 'viewer');
  });
  after(async () => {
    await cluster.stop();
    tmp.remove();
  });

  it('says what a credential with no RBAC at all cannot read, without expanding a namespace', async () => {
    const session = sessionFor(cluster, tmp, { serviceAccount: 'ui-demo/viewer' });
    const inv = inventoryOf(session);
    inv.start();
    try {
      await waitFor('the three lists of ui-demo refused', () =>
        (['serviceaccounts', 'pods', 'secrets'] as const).every((k) => answered(inv.snapshot(), k, 'ui-demo')?.error?.kind === 'forbidden'),
      );
      const m = modelOf(cluster, session, inv);
      const [ctx, findings] = m.roots;
      assert.equal(ctx?.label, 'sa-ui-demo-viewer@test-cluster');
      assert.match(ctx?.description ?? '', /^bearer token · expires in .+ · cannot list service accounts, pods, token Secrets in ui-demo$/);
      assert.equal(ctx?.icon, 'warning', 'no green check over 403s');
      assert.equal(ctx?.tone, 'warning');
      const tooltip = ctx?.tooltip?.() ?? '';
      assert.match(tooltip, /Cannot see: only namespace ui-demo is read: listing across the cluster is forbidden \(missing list on pods across the cluster\)/);
      assert.match(
        tooltip,
        /Cannot see: cannot list service accounts, pods and token Secrets in namespace ui-demo: forbidden \(missing list on serviceaccounts, pods, secrets\)/,
      );
      // The namespace does not pretend to be empty.
      const ns = child(ctx, 'ui-demo');
      assert.equal(ns.description, 'cannot list service accounts, pods, token Secrets (403)');
      assert.equal(ns.tone, 'warning');
      assert.deepEqual(
        childrenOf(ns).map((n) => n.label.replace(/ \(403\).*/, '')),
        ['you cannot list serviceaccounts in namespace ui-demo', 'you cannot list pods in namespace ui-demo', 'you cannot list secrets in namespace ui-demo'],
      );
      assert.equal(findings?.description, 'none in what could be read');
      assert.notEqual(findings?.icon, 'pass');
      assert.equal(child(findings, 'No problems found in what could be read').description, 'cannot list service accounts, pods, token Secrets in ui-demo');
    } finally {
      inv.stop();
      await session.api.dispose();
    }
  });

  it('keeps a per-kind node for each refused kind and sums them up on the context', async () => {
    // payments/api may get, list and watch pods in payments (Role pod-reader), nothing else.
    const session = sessionFor(cluster, tmp, { serviceAccount: 'payments/api' });
    const inv = inventoryOf(session);
    inv.start();
    try {
      await waitFor('pods listed, service accounts and Secrets refused in payments', () => {
        const snap = inv.snapshot();
        return (
          answered(snap, 'pods', 'payments')?.state === 'ready' &&
          answered(snap, 'serviceaccounts', 'payments')?.error?.kind === 'forbidden' &&
          answered(snap, 'secrets', 'payments')?.error?.kind === 'forbidden'
        );
      });
      const m = modelOf(cluster, session, inv);
      const ctx = m.roots[0];
      assert.match(ctx?.description ?? '', / · cannot list service accounts, token Secrets in payments$/);
      assert.equal(ctx?.icon, 'warning');
      const payments = child(ctx, 'payments');
      assert.match(payments.description ?? '', /^[1-9]\d* pods? · cannot list service accounts, token Secrets \(403\)$/);
      const perKind = childrenOf(payments).filter((n) => n.contextValue === 'error');
      assert.equal(errorNodes(m).filter((n) => n.parent === payments).length, perKind.length, 'no other error node under payments');
      assert.deepEqual(
        perKind.map((n) => n.label.replace(/;.*/, '')),
        [
          'you cannot list serviceaccounts in namespace payments (403): service account payments/api lacks the list verb on serviceaccounts',
          'you cannot list secrets in namespace payments (403): service account payments/api lacks the list verb on secrets',
        ],
      );
      assert.ok(
        childrenOf(payments).some((n) => n.label === 'api'),
        'the pods it may list are shown',
      );
    } finally {
      inv.stop();
      await session.api.dispose();
    }
  });

  it('says a server certificate it cannot trust once, on the context', async () => {
    const stranger = createClusterPki(Date.now()).ca.certPem;
    const text = kubeconfigYaml({ server: cluster.url, caPem: stranger, user: { kind: 'token', name: 'admin', token: cluster.adminToken } });
    const session = sessionFromText(tmp, text, 'stranger-ca');
    const inv = inventoryOf(session);
    inv.start();
    try {
      await waitFor('every list to fail its handshake', () => {
        const all = Object.values(inv.snapshot().status).flatMap((kind) => [...kind.values()]);
        return all.length === 4 && all.every((s) => s.error?.kind === 'tls');
      });
      const m = modelOf(cluster, session, inv);
      const ctx = m.roots[0];
      const errors = errorNodes(m);
      assert.equal(errors.length, 1, errors.map((n) => n.label).join('\n'));
      assert.equal(errors[0]?.parent, ctx);
      assert.match(errors[0]?.label ?? '', /^the TLS connection to https:\/\/127\.0\.0\.1:\d+ failed \(/);
      assert.equal(ctx?.icon, 'error');
    } finally {
      inv.stop();
      await session.api.dispose();
    }
  });

  it("shows a client certificate's groups in the context tooltip, and the healthy check once every list answered", async () => {
    const session = sessionFor(cluster, tmp, 'admin-cert');
    const inv = inventoryOf(session);
    inv.start();
    try {
      await waitFor('every list answered', () => {
        const all = Object.values(inv.snapshot().status).flatMap((kind) => [...kind.values()]);
        return all.length === 4 && all.every((s) => s.state === 'ready');
      });
      const ctx = modelOf(cluster, session, inv).roots[0];
      assert.equal(ctx?.icon, 'pass');
      const tooltip = ctx?.tooltip?.() ?? '';
      assert.match(tooltip, /Client certificate: admin {2}\n/);
      assert.match(tooltip, /Certificate groups: system:masters {2}\n/);
      assert.doesNotMatch(tooltip, /Cannot see/);
    } finally {
      inv.stop();
      await session.api.dispose();
    }

    const cert = cluster.pki.issueClientCert({ commonName: 'dana', organizations: ['dev', 'oncall'] });
    const text = kubeconfigYaml({ server: cluster.url, caPem: cluster.pki.ca.certPem, user: { kind: 'cert', name: 'dana', ...cert } });
    const dana = sessionFromText(tmp, text, 'dana');
    try {
      const ctx = buildExplorerModel({ nowSec: cluster.clock.nowSeconds(), session: modelSession(dana), findings: [], liveMode: 'onDemand' }).roots[0];
      assert.match(ctx?.tooltip?.() ?? '', /Certificate groups: dev, oncall {2}\n/);
    } finally {
      await dana.api.dispose();
    }
  });
});
