// What the controllers and kubelets do in a running `healthy` cluster: graceful pod deletion
// and replacement with fresh tokens, PVC protection, legacy token Secrets, TokenRequest
// warnings, log follow, and watches with bookmarks, selectors and compaction.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { R } from '../../../cluster/resources';
import { startTestCluster, type TestCluster } from '../../../cluster/server';
import type { Pod, Secret } from '../../../cluster/types';
import { jwtClaims } from './support/fixtures';
import { send, stream } from './support/https';

const TOKEN_PATH = '/var/run/secrets/kubernetes.io/serviceaccount/token';

/** Resolves once the server says so (a follower or a watch registered), never on a guessed delay. */
async function until(ready: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ready()) {
    if (Date.now() > deadline) throw new Error('the server never registered the stream');
    await new Promise((r) => setImmediate(r));
  }
}

function pods(cluster: TestCluster, ns: string, app: string): Pod[] {
  return cluster.store.list(R.pods, ns).filter((p) => p.metadata.labels?.app === app) as Pod[];
}

describe('the healthy scenario at work', () => {
  let cluster: TestCluster;
  before(async () => {
    cluster = await startTestCluster({ scenarios: ['healthy'] });
  });
  after(async () => {
    await cluster.stop();
  });

  it('runs every pod on node-1 with a token from its kubelet', () => {
    for (const p of cluster.store.list(R.pods) as Pod[]) {
      assert.equal(p.spec.nodeName, 'node-1');
      assert.equal(p.status?.phase, 'Running');
      const token = cluster.kubelet.readFile(p.metadata.uid, TOKEN_PATH);
      const claims = jwtClaims(token ?? '') as { 'kubernetes.io': { pod: { uid: string }; node: { name: string } } };
      assert.equal(claims['kubernetes.io'].pod.uid, p.metadata.uid);
      assert.equal(claims['kubernetes.io'].node.name, 'node-1');
    }
    const vault = cluster.store.peek(R.pods, 'payments', 'vault-client') as Pod;
    const vaultToken = jwtClaims(cluster.kubelet.readFile(vault.metadata.uid, '/var/run/secrets/vault/token') ?? '');
    assert.deepEqual(vaultToken?.aud, ['vault']);
  });

  it('deletes a running pod gracefully and its ReplicaSet replaces it with a new pod and token', async () => {
    const [old] = pods(cluster, 'gateway', 'apisix');
    assert.ok(old);
    const reply = await send(cluster, { method: 'DELETE', path: `/api/v1/namespaces/gateway/pods/${old.metadata.name}` });
    assert.equal(reply.status, 200);
    const deleted = reply.json as Pod;
    assert.equal(deleted.metadata.deletionGracePeriodSeconds, 30);
    assert.equal(Date.parse(deleted.metadata.deletionTimestamp ?? ''), (cluster.clock.nowSeconds() + 30) * 1000);
    assert.equal(cluster.store.peek(R.pods, 'gateway', old.metadata.name), undefined, 'the kubelet finished it');
    const [replacement] = pods(cluster, 'gateway', 'apisix');
    assert.ok(replacement);
    assert.notEqual(replacement.metadata.name, old.metadata.name);
    assert.notEqual(replacement.metadata.uid, old.metadata.uid);
    assert.ok(replacement.metadata.name.startsWith(old.metadata.generateName ?? '?'));
    assert.equal(replacement.status?.phase, 'Running');
    const claims = jwtClaims(cluster.kubelet.readFile(replacement.metadata.uid, TOKEN_PATH) ?? '') as { 'kubernetes.io': { pod: { uid: string } } };
    assert.equal(claims['kubernetes.io'].pod.uid, replacement.metadata.uid);
  });

  it('with its controllers held, a deleted pod stays Terminating and unreplaced until they are let go', async () => {
    const [old] = pods(cluster, 'gateway', 'apisix');
    assert.ok(old);
    const release = cluster.holdControllers();
    try {
      assert.equal((await send(cluster, { method: 'DELETE', path: `/api/v1/namespaces/gateway/pods/${old.metadata.name}` })).status, 200);
      const held = cluster.store.peek(R.pods, 'gateway', old.metadata.name);
      assert.ok(held?.metadata.deletionTimestamp, 'still there, Terminating');
      assert.deepEqual(
        pods(cluster, 'gateway', 'apisix').map((p) => p.metadata.uid),
        [old.metadata.uid],
        'no replacement yet',
      );
    } finally {
      release();
    }
    release(); // a second call is harmless
    assert.equal(cluster.store.peek(R.pods, 'gateway', old.metadata.name), undefined, 'the kubelet finished it');
    const [replacement] = pods(cluster, 'gateway', 'apisix');
    assert.ok(replacement && replacement.metadata.uid !== old.metadata.uid, 'replaced once let go');
  });

  it('brings a StatefulSet pod back under the same name with a new uid', async () => {
    const old = cluster.store.peek(R.pods, 'db', 'patroni-0');
    assert.ok(old);
    assert.equal((await send(cluster, { method: 'DELETE', path: '/api/v1/namespaces/db/pods/patroni-0' })).status, 200);
    const again = cluster.store.peek(R.pods, 'db', 'patroni-0');
    assert.ok(again);
    assert.notEqual(again.metadata.uid, old.metadata.uid);
  });

  it('keeps a PVC in use Terminating with its finalizer and deletes an unused one', async () => {
    const inUse = await send(cluster, { method: 'DELETE', path: '/api/v1/namespaces/db/persistentvolumeclaims/data-patroni-0' });
    assert.equal(inUse.status, 200);
    const claim = cluster.store.peek(R.persistentVolumeClaims, 'db', 'data-patroni-0');
    assert.ok(claim?.metadata.deletionTimestamp);
    assert.deepEqual(claim.metadata.finalizers, ['kubernetes.io/pvc-protection']);
    const unused = await send(cluster, { method: 'DELETE', path: '/api/v1/namespaces/db/persistentvolumeclaims/patroni-backups' });
    assert.equal(unused.status, 200);
    assert.equal(cluster.store.peek(R.persistentVolumeClaims, 'db', 'patroni-backups'), undefined);
  });

  it('fills a legacy token Secret, stamps its last use, and honours the invalid-since label', async () => {
    const created = await send(cluster, {
      method: 'POST',
      path: '/api/v1/namespaces/db/secrets',
      body: {
        metadata: { name: 'patroni-token', annotations: { 'kubernetes.io/service-account.name': 'patroni' } },
        type: 'kubernetes.io/service-account-token',
      },
    });
    assert.equal(created.status, 201);
    assert.equal((created.json as Secret).data, undefined, 'the 201 still has no data');
    const secret = cluster.store.get<Secret>(R.secrets, 'db', 'patroni-token');
    assert.ok(secret?.data?.token);
    assert.deepEqual(Object.keys(secret.data), ['ca.crt', 'namespace', 'token']);
    const token = Buffer.from(secret.data.token, 'base64').toString('utf8');
    assert.equal(jwtClaims(token)?.iss, 'kubernetes/serviceaccount');
    assert.equal((await send(cluster, { path: '/api/v1/namespaces/db/pods', auth: { token } })).status, 403, 'authenticated, but no RBAC');
    const used = cluster.store.peek(R.secrets, 'db', 'patroni-token');
    assert.equal(used?.metadata.labels?.['kubernetes.io/legacy-token-last-used'], cluster.clock.nowRfc3339().slice(0, 10));
    const marked = cluster.store.get<Secret>(R.secrets, 'db', 'patroni-token');
    assert.ok(marked);
    marked.metadata.labels = { ...marked.metadata.labels, 'kubernetes.io/legacy-token-invalid-since': cluster.clock.nowRfc3339().slice(0, 10) };
    cluster.store.update(R.secrets, marked);
    cluster.advance(11);
    assert.equal((await send(cluster, { path: '/api/v1/namespaces/db/pods', auth: { token } })).status, 401);
  });

  it('shortens a TokenRequest above the 24 h maximum and says so in a Warning header', async () => {
    const reply = await send(cluster, {
      method: 'POST',
      path: '/api/v1/namespaces/payments/serviceaccounts/api/token',
      body: { spec: { expirationSeconds: 172800 } },
    });
    assert.equal(reply.status, 201);
    assert.equal(reply.headers.warning, '299 - "requested expiration of 172800 seconds shortened to 86400 seconds"');
    assert.equal((reply.json as { spec: { expirationSeconds: number } }).spec.expirationSeconds, 86400);
  });

  it('streams a followed log as lines are written', async () => {
    const [pod] = pods(cluster, 'payments', 'api');
    assert.ok(pod);
    const logs = cluster.logs.container('payments', pod.metadata.name, 'api');
    const result = await stream(
      cluster,
      { path: `/api/v1/namespaces/payments/pods/${pod.metadata.name}/log?follow=true&tailLines=0` },
      (lines) => lines.includes('second'),
      15_000,
      () => {
        void until(() => logs.followerCount() > 0).then(() => {
          logs.append('first');
          logs.append('second');
        });
      },
    );
    assert.equal(result.status, 200);
    assert.deepEqual(result.lines, ['first', 'second']);
  });

  it('restarts a container: restartCount, lastState and a previous log', async () => {
    const [pod] = pods(cluster, 'payments', 'api');
    assert.ok(pod);
    cluster.logs.container('payments', pod.metadata.name, 'api').append('401 Unauthorized from the API server');
    cluster.restartContainer('payments', pod.metadata.name, 'api', 1);
    const status = (cluster.store.peek(R.pods, 'payments', pod.metadata.name) as Pod).status?.containerStatuses as {
      restartCount: number;
      lastState: { terminated: { exitCode: number } };
    }[];
    assert.equal(status[0]?.restartCount, 1);
    assert.equal(status[0]?.lastState.terminated.exitCode, 1);
    const previous = await send(cluster, { path: `/api/v1/namespaces/payments/pods/${pod.metadata.name}/log?previous=true` });
    assert.ok(previous.text.endsWith('401 Unauthorized from the API server\n'));
    const current = await send(cluster, { path: `/api/v1/namespaces/payments/pods/${pod.metadata.name}/log` });
    assert.equal(current.text, 'api started (registry.example.com/payments/api:1.4.2)\n');
  });

  it('sends a BOOKMARK after a minute of cluster time, to watches that allow them', async () => {
    const list = await send(cluster, { path: '/api/v1/namespaces/payments/pods' });
    const rv = (list.json as { metadata: { resourceVersion: string } }).metadata.resourceVersion;
    await until(() => cluster.openWatches() === 0); // the last test's watch has gone, so the next one is ours
    const result = await stream(
      cluster,
      { path: `/api/v1/namespaces/payments/pods?watch=1&allowWatchBookmarks=true&resourceVersion=${rv}` },
      (lines) => lines.length >= 1,
      15_000,
      () => {
        void until(() => cluster.openWatches() > 0).then(() => {
          cluster.advance(30);
          cluster.advance(30);
        });
      },
    );
    const event = JSON.parse(result.lines[0] ?? '{}') as { type: string; object: { kind: string; metadata: { resourceVersion: string } } };
    assert.equal(event.type, 'BOOKMARK');
    assert.equal(event.object.kind, 'Pod');
    assert.equal(event.object.metadata.resourceVersion, String(cluster.store.resourceVersion()));
  });

  it('reports a pod relabelled out of a watched selector as DELETED', async () => {
    const vault = cluster.store.get<Pod>(R.pods, 'payments', 'vault-client');
    assert.ok(vault);
    await until(() => cluster.openWatches() === 0); // the last test's watch has gone, so the next one is ours
    const result = await stream(
      cluster,
      { path: '/api/v1/namespaces/payments/pods?watch=1&labelSelector=app%3Dvault-client' },
      (lines) => lines.length >= 2,
      15_000,
      () => {
        void until(() => cluster.openWatches() > 0).then(() => {
          vault.metadata.labels = { app: 'elsewhere' };
          cluster.store.update(R.pods, vault);
        });
      },
    );
    assert.deepEqual(
      result.lines.map((l) => (JSON.parse(l) as { type: string }).type),
      ['ADDED', 'DELETED'],
    );
  });

  it('compacts history every five minutes of cluster time; older watches get 410', async () => {
    const rv = cluster.store.resourceVersion();
    cluster.api.create(R.configMaps, 'default', { metadata: { name: 'marker' } });
    cluster.advance(600);
    // The server ends the stream after its ERROR event; the deadline is only a safety net.
    const result = await stream(cluster, { path: `/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=${rv}` }, () => false, 10_000);
    const event = JSON.parse(result.lines[0] ?? '{}') as { type: string; object: { code: number; reason: string } };
    assert.equal(event.type, 'ERROR');
    assert.equal(event.object.code, 410);
    assert.equal(event.object.reason, 'Expired');
    assert.equal(result.ended, true);
  });

  it('scales a Deployment through its scale subresource', async () => {
    const scale = await send(cluster, { path: '/apis/apps/v1/namespaces/payments/deployments/api/scale' });
    assert.deepEqual((scale.json as { spec: unknown; status: { selector: string } }).spec, { replicas: 1 });
    assert.equal((scale.json as { status: { selector: string } }).status.selector, 'app=api');
    const patched = await send(cluster, {
      method: 'PATCH',
      path: '/apis/apps/v1/namespaces/payments/deployments/api/scale',
      body: { spec: { replicas: 3 } },
      contentType: 'application/merge-patch+json',
    });
    assert.equal(patched.status, 200);
    assert.equal(pods(cluster, 'payments', 'api').length, 3);
    await send(cluster, {
      method: 'PATCH',
      path: '/apis/apps/v1/namespaces/payments/deployments/api/scale',
      body: { spec: { replicas: 1 } },
      contentType: 'application/merge-patch+json',
    });
    assert.equal(pods(cluster, 'payments', 'api').filter((p) => p.metadata.deletionTimestamp === undefined).length, 1);
  });

  it('runs one DaemonSet pod on every Node, including a Node added later', async () => {
    const created = await send(cluster, {
      method: 'POST',
      path: '/apis/apps/v1/namespaces/db/daemonsets',
      body: {
        metadata: { name: 'agent' },
        spec: {
          selector: { matchLabels: { app: 'agent' } },
          template: { metadata: { labels: { app: 'agent' } }, spec: { containers: [{ name: 'agent', image: 'agent:1' }] } },
        },
      },
    });
    assert.equal(created.status, 201);
    assert.deepEqual(
      pods(cluster, 'db', 'agent').map((p) => p.spec.nodeName),
      ['node-1'],
    );
    await send(cluster, {
      method: 'POST',
      path: '/api/v1/nodes',
      body: { metadata: { name: 'node-2' }, status: { addresses: [{ type: 'InternalIP', address: '127.0.0.2' }] } },
    });
    assert.deepEqual(
      pods(cluster, 'db', 'agent')
        .map((p) => p.spec.nodeName)
        .sort(),
      ['node-1', 'node-2'],
    );
  });

  it('empties and removes a deleted namespace', async () => {
    assert.equal((await send(cluster, { method: 'DELETE', path: '/api/v1/namespaces/gateway' })).status, 200);
    assert.equal(cluster.store.peek(R.namespaces, undefined, 'gateway'), undefined);
    assert.deepEqual(cluster.store.list(R.pods, 'gateway'), []);
    assert.deepEqual(cluster.store.list(R.serviceAccounts, 'gateway'), []);
  });
});
