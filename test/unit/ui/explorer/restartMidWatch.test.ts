// The apiserver restarts while the inventory watches it: the tree shows the unreachable server while it is
// down, and once it listens again (same port, same CA and keys, same objects) the inventory recovers by
// itself and follows the cluster again through its watches, without duplicates.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Inventory } from '../../../../src/cluster/inventory/inventory';
import type { ClusterSession } from '../../../../src/cluster/auth/session';
import { buildExplorerModel } from '../../../../src/ui/explorer/explorerModel';
import { childrenOf, type ExplorerModel } from '../../../../src/ui/explorer/explorerNode';
import { R } from '../../../cluster/resources';
import { startTestCluster, type TestCluster } from '../../../cluster/server';
import { sessionFor, tempDir, waitFor } from '../../cluster/support/session';
import { child } from './support';

function modelOf(cluster: TestCluster, session: ClusterSession, inv: Inventory): ExplorerModel {
  return buildExplorerModel({
    nowSec: cluster.clock.nowSeconds(),
    session: { context: session.context, summary: session.summary, credential: session.provider.describe() },
    inventory: inv.snapshot(),
    findings: [],
    liveMode: 'onDemand',
  });
}

/** Every list answered and every watch held by the server. */
function settled(cluster: TestCluster, inv: Inventory): boolean {
  const statuses = Object.values(inv.snapshot().status).flatMap((m) => [...m.values()]);
  return statuses.length > 0 && statuses.every((s) => s.state === 'ready') && cluster.openWatches() === statuses.length;
}

const podKey = (p: { namespace: string; name: string }): string => `${p.namespace}/${p.name}`;

function probePod(cluster: TestCluster, name: string): void {
  const created = cluster.api.create(R.pods, 'gateway', {
    metadata: { name },
    spec: { serviceAccountName: 'apisix', containers: [{ name: 'c', image: 'busybox:1.36' }] },
  });
  assert.ok(created.ok, `pod ${name} created`);
}

const CASES = [
  { title: 'a quick restart', downFor: 0 },
  // Ten minutes of cluster time while down: the store compacts past every version the inventory saw, so a
  // watch resumed from one of them would get 410; recovery must not depend on resuming from it.
  { title: 'a restart during which the store compacted', downFor: 600 },
];

describe('inventory across an apiserver restart mid-watch', () => {
  for (const { title, downFor } of CASES) {
    it(`shows the server unreachable while it is down and follows it again after ${title}`, async () => {
      const cluster = await startTestCluster({ scenarios: ['healthy'] });
      const tmp = tempDir();
      const session = sessionFor(cluster, tmp);
      const inv = new Inventory({ api: session.api, coalesceMs: 0, retryDelaysMs: [50] });
      inv.start();
      try {
        await waitFor('the first lists and watches', () => settled(cluster, inv));
        const url = cluster.url;
        const caPem = cluster.pki.ca.certPem;
        const before = new Set(inv.snapshot().pods.map(podKey));
        const listsBefore = inv.listCount();
        assert.ok(before.size > 0);

        await cluster.restart(async () => {
          const error = await waitFor('the unreachable server', () => inv.snapshot().status.pods.get('*')?.error);
          assert.equal(error.kind, 'unreachable');
          const port = new URL(url).port;
          // Every list is stopped by the one cause: once all of them say so, the tree says it once, on the context.
          await waitFor('every list to meet the stopped server', () =>
            Object.values(inv.snapshot().status).every((kind) => [...kind.values()].every((st) => st.error?.kind === 'unreachable')),
          );
          const down = modelOf(cluster, session, inv);
          const ctx = down.roots[0];
          const errors = [...down.byId.values()].filter((n) => n.contextValue === 'error');
          assert.equal(errors.length, 1, errors.map((n) => n.label).join('\n'));
          const node = child(ctx, /^the API server at /);
          assert.equal(errors[0], node);
          assert.match(
            node.label,
            new RegExp(`^the API server at https://127\\.0\\.0\\.1:${port} (refused|closed) the connection \\((ECONNREFUSED|ECONNRESET|UND_ERR_SOCKET)\\)`),
          );
          assert.match(node.description ?? '', /^retrying /);
          assert.equal(node.command?.command, 'clusterCredentials.refresh');
          assert.equal(node.tone, 'error');
          assert.equal(ctx?.icon, 'debug-disconnect');
          assert.equal(ctx?.tone, 'muted');
          assert.deepEqual(new Set(inv.snapshot().pods.map(podKey)), before, 'the last good pods are kept while it is down');
          // Changes the inventory cannot see while the server is down.
          probePod(cluster, 'made-while-down');
          if (downFor > 0) cluster.advance(downFor);
        });

        assert.equal(cluster.url, url, 'the same port');
        assert.equal(cluster.pki.ca.certPem, caPem, 'the same CA');
        await waitFor('the lists and watches again', () => settled(cluster, inv));
        const m = modelOf(cluster, session, inv);
        assert.deepEqual(
          [...m.byId.values()].filter((n) => n.contextValue === 'error').map((n) => n.label),
          [],
          'no error node once it is back',
        );
        assert.ok(
          inv.snapshot().pods.some((p) => p.name === 'made-while-down'),
          'what changed while it was down is there',
        );
        // A failed watch drops its resourceVersion, so each kind lists once more after the outage.
        assert.ok(inv.listCount() > listsBefore, 'listed again after the outage');

        // Followed through the new watches: a pod created after the restart appears without another list.
        const lists = inv.listCount();
        probePod(cluster, 'made-after-restart');
        await waitFor('the pod made after the restart', () => inv.snapshot().pods.find((p) => p.name === 'made-after-restart'));
        assert.equal(inv.listCount(), lists, 'through the watch, not a list');

        const snap = inv.snapshot();
        const keys = snap.pods.map(podKey);
        assert.equal(new Set(keys).size, keys.length, 'no pod twice');
        assert.deepEqual(
          new Set(keys),
          new Set(cluster.store.list(R.pods).map((p) => `${p.metadata.namespace ?? ''}/${p.metadata.name}`)),
          'exactly the pods the cluster has',
        );
        const saKeys = snap.serviceAccounts.map(podKey);
        assert.equal(new Set(saKeys).size, saKeys.length, 'no service account twice');
        const apisix = child(child(modelOf(cluster, session, inv).roots[0], 'gateway'), 'apisix');
        const podLabels = childrenOf(apisix).map((n) => n.label);
        assert.equal(podLabels.filter((l) => l === 'made-after-restart').length, 1);
        assert.equal(podLabels.filter((l) => l === 'made-while-down').length, 1);
      } finally {
        inv.stop();
        await session.api.dispose();
        await cluster.stop();
        tmp.remove();
      }
    });
  }
});
