// The inventory against the test cluster over HTTPS: lists, watches, 403s, the context-namespace
// fallback and an unreachable server.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Inventory } from '../../../../src/cluster/inventory/inventory';
import type { ClusterSession } from '../../../../src/cluster/auth/session';
import { kubeconfigYaml } from '../../../cluster/kubeconfig';
import { R } from '../../../cluster/resources';
import { startTestCluster, type TestCluster } from '../../../cluster/server';
import { sessionFor, sessionFromText, tempDir, waitFor, type TempDir } from '../support/session';

function inventoryFor(session: ClusterSession, extra: Partial<ConstructorParameters<typeof Inventory>[0]> = {}): Inventory {
  return new Inventory({ api: session.api, coalesceMs: 0, retryDelaysMs: [50], ...extra });
}

function ready(inv: Inventory): boolean {
  const s = inv.snapshot().status;
  return [s.pods, s.serviceaccounts, s.secrets].every((m) => m.size > 0 && [...m.values()].every((x) => x.state === 'ready'));
}

describe('inventory on the healthy scenario', () => {
  let cluster: TestCluster;
  let tmp: TempDir;
  let session: ClusterSession;

  before(async () => {
    cluster = await startTestCluster({ scenarios: ['healthy'] });
    tmp = tempDir();
    session = sessionFor(cluster, tmp);
  });
  after(async () => {
    await cluster.stop();
    tmp.remove();
  });

  it('lists namespaces, service accounts and pods with their projected token mounts', async () => {
    const inv = inventoryFor(session);
    inv.start();
    try {
      await waitFor('lists', () => ready(inv));
      const snap = inv.snapshot();
      assert.ok(['payments', 'gateway', 'db', 'default'].every((n) => snap.namespaces.some((x) => x.name === n)));
      assert.ok(snap.serviceAccounts.some((s) => s.namespace === 'payments' && s.name === 'api'));
      const vault = snap.pods.find((p) => p.name === 'vault-client');
      assert.ok(vault);
      assert.equal(vault.serviceAccount, 'api');
      const app = vault.containers.find((c) => c.name === 'app');
      const projected = app?.tokens.find((t) => t.audience === 'vault');
      assert.deepEqual(projected && { path: projected.path, seconds: projected.expirationSeconds }, { path: '/var/run/secrets/vault/token', seconds: 600 });
      assert.ok(app?.tokens.some((t) => t.path === '/var/run/secrets/kubernetes.io/serviceaccount/token' && t.expirationSeconds === 3607));
      const api = snap.pods.find((p) => p.namespace === 'payments' && p.name.startsWith('api-'));
      assert.equal(api?.owner?.kind, 'ReplicaSet');
      assert.equal(api?.phase, 'Running');
    } finally {
      inv.stop();
    }
  });

  it('follows pods created and deleted through its watch, without listing again', async () => {
    const inv = inventoryFor(session);
    inv.start();
    try {
      await waitFor('lists', () => ready(inv));
      const lists = inv.listCount();
      cluster.api.create(R.pods, 'gateway', {
        metadata: { name: 'watch-probe' },
        spec: { serviceAccountName: 'apisix', containers: [{ name: 'c', image: 'busybox:1.36' }] },
      });
      await waitFor('the new pod', () => inv.snapshot().pods.find((p) => p.name === 'watch-probe'));
      cluster.api.delete(R.pods, 'gateway', 'watch-probe');
      await waitFor('the pod gone', () => inv.snapshot().pods.every((p) => p.name !== 'watch-probe' || p.deleting) || undefined);
      cluster.advance(60);
      await waitFor('the pod removed', () => !inv.snapshot().pods.some((p) => p.name === 'watch-probe') || undefined);
      assert.equal(inv.listCount(), lists, 'no list after the first ones');
    } finally {
      inv.stop();
    }
  });

  it('shows only the configured namespaces', async () => {
    const inv = inventoryFor(session, { namespaces: ['payments', ' db '] });
    inv.start();
    try {
      await waitFor('lists', () => ready(inv));
      const snap = inv.snapshot();
      assert.deepEqual(
        snap.namespaces.map((n) => n.name),
        ['db', 'payments'],
      );
      assert.ok(snap.pods.every((p) => p.namespace === 'payments' || p.namespace === 'db'));
      assert.ok(snap.pods.some((p) => p.namespace === 'db'));
    } finally {
      inv.stop();
    }
  });

  it('names the verb and resource a user without rights lacks, per resource', async () => {
    const cert = cluster.pki.issueClientCert({ commonName: 'nobody' });
    const text = kubeconfigYaml({ server: cluster.url, caPem: cluster.pki.ca.certPem, user: { kind: 'cert', name: 'nobody', ...cert } });
    const inv = inventoryFor(sessionFromText(tmp, text, 'nobody'), { retryDelaysMs: [60_000] });
    inv.start();
    try {
      const pods = await waitFor('a 403 on pods', () => inv.snapshot().status.pods.get('*')?.error);
      assert.equal(pods.kind, 'forbidden');
      assert.equal(pods.verb, 'list');
      assert.match(pods.message, /you cannot list pods across the cluster \(403\): user nobody lacks the list verb on pods/);
      const secrets = await waitFor('a 403 on secrets', () => inv.snapshot().status.secrets.get('*')?.error);
      assert.match(secrets.message, /cannot list secrets/);
    } finally {
      inv.stop();
    }
  });

  it("falls back to the context's namespace when listing across the cluster is forbidden", async () => {
    const inv = inventoryFor(sessionFor(cluster, tmp, { serviceAccount: 'payments/api' }), { contextNamespace: 'payments', retryDelaysMs: [60_000] });
    inv.start();
    try {
      await waitFor('pods of payments', () => inv.snapshot().pods.find((p) => p.name === 'vault-client'));
      const snap = inv.snapshot();
      assert.equal(snap.namespacesFixed, true);
      assert.deepEqual(
        snap.namespaces.map((n) => n.name),
        ['payments'],
      );
      assert.ok(snap.pods.every((p) => p.namespace === 'payments'));
      const sa = await waitFor('403 on service accounts', () => inv.snapshot().status.serviceaccounts.get('payments')?.error);
      assert.match(sa.message, /you cannot list serviceaccounts in namespace payments \(403\)/);
      assert.match(inv.fallbackReason?.message ?? '', /cannot list pods across the cluster/);
    } finally {
      inv.stop();
    }
  });
});

describe('inventory when the server goes away', () => {
  it('reports the unreachable server mid-watch with a retry time and keeps the last good items', async () => {
    const cluster = await startTestCluster({ scenarios: ['healthy'] });
    const tmp = tempDir();
    const session = sessionFor(cluster, tmp);
    const inv = inventoryFor(session, { retryDelaysMs: [60_000] });
    inv.start();
    try {
      await waitFor('lists', () => ready(inv));
      // Let the watches connect first: a connection still in its TLS handshake outlives the test cluster's stop.
      const status = inv.snapshot().status;
      const watches = Object.values(status).reduce((n, kind) => n + kind.size, 0);
      await waitFor(`the server to hold all ${watches} watches`, () => cluster.openWatches() === watches || undefined);
      const stopping = cluster.stop();
      const error = await waitFor('unreachable', () => inv.snapshot().status.pods.get('*')?.error);
      assert.equal(error.kind, 'unreachable');
      assert.match(error.message, /^the API server at https:\/\/127\.0\.0\.1:\d+ refused the connection \(ECONNREFUSED\)/);
      assert.ok((inv.snapshot().status.pods.get('*')?.retryAtMs ?? 0) > Date.now() + 30_000);
      assert.ok(inv.snapshot().pods.length > 0, 'the last good pods are kept');
      inv.stop();
      await stopping;
    } finally {
      inv.stop();
      await session.api.dispose();
      tmp.remove();
    }
  });
});
