// What the tree says of the inventory's mode, over an inventory of the test cluster listing pods per
// namespace: a row on the context with the reason, the mode in the context's tooltip, namespaces not opened
// saying their pods load when opened (never "0 pods"), and an opened one with its pods as before.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ClusterSession } from '../../../../src/cluster/auth/session';
import { Inventory } from '../../../../src/cluster/inventory/inventory';
import { buildExplorerModel } from '../../../../src/ui/explorer/explorerModel';
import { childrenOf, type ExplorerModel, type ExplorerNode } from '../../../../src/ui/explorer/explorerNode';
import { revealTarget } from '../../../../src/ui/explorer/revealTarget';
import type { PodRef } from '../../../../src/shared/nodeRef';
import { R } from '../../../cluster/resources';
import { startTestCluster, type TestCluster } from '../../../cluster/server';
import { sessionFor, tempDir, waitFor, type TempDir } from '../../cluster/support/session';
import { child, modelSession } from './support';

describe('the tree over an inventory listing pods per namespace', () => {
  let cluster: TestCluster;
  let tmp: TempDir;
  let session: ClusterSession;
  let inventory: Inventory;

  const model = (from: Inventory = inventory): ExplorerModel =>
    buildExplorerModel({
      nowSec: cluster.clock.nowSeconds(),
      session: modelSession(session),
      inventory: from.snapshot(),
      findings: [],
      liveMode: 'onDemand',
    });
  const contextOf = (m: ExplorerModel): ExplorerNode => {
    const ctx = m.roots[0];
    assert.ok(ctx);
    return ctx;
  };

  before(async () => {
    cluster = await startTestCluster({ scenarios: ['healthy'] });
    tmp = tempDir('cc-tree-mode-');
    session = sessionFor(cluster, tmp);
    inventory = new Inventory({ api: session.api, coalesceMs: 0, podThreshold: 1 });
    inventory.start();
    await inventory.whenSettled();
  });
  after(async () => {
    inventory.stop();
    await session.api.dispose();
    await cluster.stop();
    tmp.remove();
  });

  it('says on the context that pods load per namespace, and why', () => {
    const ctx = contextOf(model());
    const row = child(ctx, 'Pods load per namespace');
    assert.match(row.description ?? '', /^the cluster has about \d+ pods \(over 1\)$/);
    assert.match(row.tooltip?.() ?? '', /Showing pods only for namespaces you open/);
    assert.match(row.tooltip?.() ?? '', /Open a namespace to list its pods and token Secrets/);
    assert.deepEqual(row.command?.arguments, ['clusterCredentials.inventory.mode']);
    assert.match(ctx.tooltip?.() ?? '', /Inventory.*Showing pods only for namespaces you open: the cluster has about \d+ pods \(over 1\)/);
  });

  it('never claims "0 pods" for a namespace not opened: its pods load when it is', () => {
    const payments = child(contextOf(model()), 'payments');
    assert.match(payments.description ?? '', /^\d+ service accounts? · pods load when opened$/);
    const [first, ...accounts] = childrenOf(payments);
    assert.equal(first?.label, 'Pods and token Secrets load when you open this namespace');
    const api = accounts.find((a) => a.label === 'api');
    assert.ok(api, 'service accounts are listed across the cluster');
    assert.doesNotMatch(api.description ?? '', /pod/, 'no pod count for pods nobody listed');
    assert.match(payments.tooltip?.() ?? '', /Pods.*not listed until opened/);
    const findings = model().roots.find((r) => r.id === 'findings');
    assert.equal(findings?.description, 'none in what could be read');
  });

  it('shows an opened namespace with its pods and counts, the others still waiting', async () => {
    inventory.open('payments');
    await waitFor('the pods of payments', () => inventory.isSettled() && inventory.snapshot().pods.length > 0);
    const ctx = contextOf(model());
    const payments = child(ctx, 'payments');
    assert.match(payments.description ?? '', /^\d+ service accounts? · \d+ pods?$/);
    assert.ok(child(child(payments, 'api'), /^api-/), 'the pods of api under it');
    assert.match(child(ctx, 'db').description ?? '', /pods load when opened$/);
  });

  it('adds no row, and says why in the tooltip, when pods are listed across the cluster', async () => {
    const whole = new Inventory({ api: session.api, coalesceMs: 0, podThreshold: 1_000_000 });
    whole.start();
    try {
      await whole.whenSettled();
      const ctx = contextOf(model(whole));
      assert.ok(!childrenOf(ctx).some((c) => c.label === 'Pods load per namespace'));
      assert.match(ctx.tooltip?.() ?? '', /Listing pods across the cluster: the cluster has about \d+ pods \(up to 1,000,000\)/);
      assert.match(child(ctx, 'payments').description ?? '', /\d+ pods?$/);
    } finally {
      whole.stop();
    }
  });

  it('shows the namespaces while the service accounts are still being listed, saying so rather than "0 service accounts"', { timeout: 60_000 }, async () => {
    const hold = cluster.holdLists('serviceaccounts');
    const early = new Inventory({ api: session.api, coalesceMs: 0, podThreshold: 1 });
    early.start();
    try {
      await hold.until((h) => h.waiting === 1);
      await waitFor('the namespaces', () => early.snapshot().namespaces.length > 0 && early.snapshot().scope !== undefined);
      const payments = child(contextOf(model(early)), 'payments');
      assert.equal(payments.description, 'loading service accounts… · pods load when opened');
      assert.match(payments.tooltip?.() ?? '', /Service accounts.*loading/);
      hold.release();
      await early.whenSettled();
      assert.match(child(contextOf(model(early)), 'payments').description ?? '', /^\d+ service accounts? · pods load when opened$/);
    } finally {
      hold.release();
      early.stop();
    }
  });

  it('reveals a pod of a namespace nobody opened: that namespace is listed, not waiting on the rest, and given back after', { timeout: 60_000 }, async () => {
    const releases: (() => void)[] = [];
    const timer = (fn: () => void): (() => void) => {
      releases.push(fn);
      return () => releases.splice(releases.indexOf(fn), 1);
    };
    // The service accounts' list is held: a reveal must not wait for the whole inventory.
    const hold = cluster.holdLists('serviceaccounts');
    const fresh = new Inventory({ api: session.api, coalesceMs: 0, podThreshold: 1, timer });
    fresh.start();
    try {
      await waitFor('the mode decided', () => fresh.snapshot().scope?.mode === 'namespaces');
      const pod = cluster.store.list(R.pods, 'db')[0];
      assert.ok(pod, 'namespace db runs a pod');
      const ref: PodRef = {
        kind: 'pod',
        context: session.context,
        namespace: 'db',
        name: pod.metadata.name,
        uid: pod.metadata.uid,
        serviceAccount: String((pod.spec as { serviceAccountName?: string } | undefined)?.serviceAccountName ?? 'default'),
      };
      const find = (r: PodRef) => (): ExplorerNode | undefined => model(fresh).find(r);
      assert.equal(find(ref)(), undefined, 'not in the tree before its namespace is listed');
      const target = await revealTarget(ref, { session, inventory: fresh }, find(ref));
      assert.equal(target.node?.label, pod.metadata.name);
      assert.equal(hold.waiting, 1, 'found while the service accounts were still being listed');
      assert.equal(releases.length, 0, 'held while the reveal runs');
      target.release();
      assert.equal(releases.length, 1, 'given back after: released later unless the tree opened it');

      // A pod that is not there: nothing is left held once the reveal gives up.
      const missing = await revealTarget(
        { ...ref, namespace: 'gateway', name: 'gone', uid: 'gone' },
        { session, inventory: fresh },
        find({ ...ref, namespace: 'gateway', name: 'gone', uid: 'gone' }),
      );
      assert.equal(missing.node, undefined);
      missing.release();
      for (const release of releases.splice(0)) release();
      assert.deepEqual(fresh.snapshot().pods, [], 'both namespaces released');

      // Another context's pod is not looked for here: nothing is opened for it.
      const elsewhere = await revealTarget({ ...ref, context: 'other', namespace: 'payments' }, { session, inventory: fresh }, () => undefined);
      assert.equal(elsewhere.node, undefined);
      assert.deepEqual([...fresh.snapshot().status.pods.keys()], [], 'payments was not opened for another context');
    } finally {
      hold.release();
      fresh.stop();
    }
  });
});
