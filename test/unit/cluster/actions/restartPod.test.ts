// restartPod against the test cluster over HTTPS: owned pods come back with a new uid, an unowned
// pod is gone for good, and the 403/404/409 and cancel paths are values.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { restartPod } from '../../../../src/cluster/actions/restartPod';
import { getPod, listPods } from '../../../../src/cluster/actions/pods';
import { R } from '../../../cluster/resources';
import type { TestCluster } from '../../../cluster/server';
import { type Clients, clientsFor, livePods, onePod, useClusterWithAdmin } from './support';

describe('restartPod', () => {
  let cluster: TestCluster;
  let admin: Clients;

  useClusterWithAdmin(['healthy'], (c, a) => {
    cluster = c;
    admin = a;
  });

  it('deletes a Deployment pod and follows until its ReplicaSet made the replacement', async () => {
    const old = onePod(cluster, 'payments', 'api-');
    const stages: string[] = [];
    const res = await restartPod(
      admin.api,
      { namespace: 'payments', name: old.metadata.name, uid: old.metadata.uid },
      { pollIntervalMs: 5, onStage: (s) => stages.push(s) },
    );
    assert.ok(res.ok, !res.ok ? res.error.message : '');
    assert.equal(res.value.kind, 'replaced');
    if (res.value.kind !== 'replaced') return;
    assert.deepEqual(stages, ['deleting', 'waitingForReplacement']);
    assert.equal(res.value.old.uid, old.metadata.uid);
    assert.equal(res.value.old.owner?.kind, 'ReplicaSet');
    const next = res.value.replacement;
    assert.notEqual(next.uid, old.metadata.uid);
    assert.notEqual(next.name, old.metadata.name);
    assert.match(next.name, /^api-/);
    assert.equal(next.owner?.uid, res.value.old.owner?.uid);
    assert.equal(next.serviceAccount, 'api');
    // The cluster agrees: the old pod is gone (or going), the new one is there.
    assert.ok(livePods(cluster, 'payments', 'api-').every((p) => p.metadata.uid !== old.metadata.uid));
    assert.ok(cluster.store.peek(R.pods, 'payments', next.name));
  });

  it('a StatefulSet pod comes back under the same name with a new uid', async () => {
    const old = onePod(cluster, 'db', 'patroni-0');
    const res = await restartPod(admin.api, { namespace: 'db', name: 'patroni-0' }, { pollIntervalMs: 5 });
    assert.ok(res.ok, !res.ok ? res.error.message : '');
    assert.equal(res.value.kind, 'replaced');
    if (res.value.kind !== 'replaced') return;
    assert.equal(res.value.replacement.name, 'patroni-0');
    assert.notEqual(res.value.replacement.uid, old.metadata.uid);
    assert.equal(res.value.replacement.owner?.kind, 'StatefulSet');
  });

  it('an unowned pod is deleted and nothing replaces it', async () => {
    const before = await listPods(admin.api, 'payments');
    assert.ok(before.ok);
    const res = await restartPod(admin.api, { namespace: 'payments', name: 'vault-client' }, { pollIntervalMs: 5 });
    assert.ok(res.ok, !res.ok ? res.error.message : '');
    assert.equal(res.value.kind, 'deleted');
    assert.equal(res.value.old.owner, undefined);
    assert.deepEqual(livePods(cluster, 'payments', 'vault-client'), []);
    const after = await listPods(admin.api, 'payments');
    assert.ok(after.ok);
    const names = (pods: { name: string; terminating: boolean }[]): string[] =>
      pods
        .filter((p) => !p.terminating)
        .map((p) => p.name)
        .sort();
    assert.deepEqual(
      names(after.value),
      names(before.value).filter((n) => n !== 'vault-client'),
    );
  });

  it('a missing pod is a 404 sentence', async () => {
    const res = await restartPod(admin.api, { namespace: 'payments', name: 'no-such-pod' });
    assert.ok(!res.ok);
    assert.equal(res.error.kind, 'notFound');
    assert.equal(res.error.status, 404);
    assert.match(res.error.message, /no-such-pod was not found in namespace payments \(404\)/);
  });

  it('a user who may only read pods gets the 403 sentence and the pod stays', async () => {
    const sa = clientsFor(cluster, { serviceAccount: 'payments/api' });
    try {
      const pod = onePod(cluster, 'payments', 'api-');
      const res = await restartPod(sa.api, { namespace: 'payments', name: pod.metadata.name }, { pollIntervalMs: 5 });
      assert.ok(!res.ok);
      assert.equal(res.error.kind, 'forbidden');
      assert.equal(res.error.status, 403);
      assert.match(res.error.message, /you cannot delete pods in namespace payments \(403\): service account payments\/api lacks the delete verb/);
      const still = await getPod(admin.api, { namespace: 'payments', name: pod.metadata.name, uid: pod.metadata.uid });
      assert.ok(still.ok);
      assert.equal(still.value.terminating, false);
    } finally {
      await sa.api.dispose();
    }
  });

  it('refuses a pod that was replaced since it was chosen (uid changed)', async () => {
    const res = await restartPod(admin.api, { namespace: 'db', name: 'patroni-0', uid: 'a-stale-uid' });
    assert.ok(!res.ok);
    assert.equal(res.error.kind, 'conflict');
    assert.match(res.error.message, /no longer the pod you chose/);
    assert.equal(livePods(cluster, 'db', 'patroni-0').length, 1);
  });

  it('cancelled before the delete, nothing happens', async () => {
    const pod = onePod(cluster, 'gateway', 'apisix-');
    const ac = new AbortController();
    ac.abort();
    const res = await restartPod(admin.api, { namespace: 'gateway', name: pod.metadata.name }, { signal: ac.signal });
    // An aborted signal stops the very first request: either way the pod is untouched.
    if (res.ok) assert.deepEqual([res.value.kind, res.value.kind === 'cancelled' && res.value.deleted], ['cancelled', false]);
    assert.ok(cluster.store.peek(R.pods, 'gateway', pod.metadata.name));
    assert.equal(onePod(cluster, 'gateway', 'apisix-').metadata.uid, pod.metadata.uid);
  });

  it('cancelled while following, it says the pod was already deleted', async () => {
    const pod = onePod(cluster, 'gateway', 'apisix-');
    const ac = new AbortController();
    const res = await restartPod(
      admin.api,
      { namespace: 'gateway', name: pod.metadata.name },
      {
        signal: ac.signal,
        pollIntervalMs: 5,
        onStage: (stage) => {
          if (stage === 'waitingForReplacement') ac.abort();
        },
      },
    );
    assert.ok(res.ok, !res.ok ? res.error.message : '');
    assert.deepEqual(res.value, { kind: 'cancelled', old: res.value.old, deleted: true });
    assert.ok(livePods(cluster, 'gateway', 'apisix-').every((p) => p.metadata.uid !== pod.metadata.uid));
  });

  it('times out as a value when no replacement shows up', async () => {
    // A Deployment owns ReplicaSets, not pods: a pod it controls directly is owned, but nothing makes it again.
    const holder = cluster.store.peek(R.deployments, 'gateway', 'apisix');
    assert.ok(holder);
    const created = cluster.api.create(R.pods, 'gateway', {
      metadata: { name: 'held', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'apisix', uid: holder.metadata.uid, controller: true }] },
      spec: { serviceAccountName: 'apisix', containers: [{ name: 'c', image: 'busybox:1.36' }] },
    });
    assert.ok(created.ok);
    let t = 0;
    const res = await restartPod(admin.api, { namespace: 'gateway', name: 'held' }, { pollIntervalMs: 1, timeoutMs: 3, nowMs: () => (t += 1) });
    assert.ok(res.ok, !res.ok ? res.error.message : '');
    assert.equal(res.value.kind, 'timedOut');
    assert.equal(res.value.old.owner?.kind, 'Deployment');
  });

  describe('a replacement that cannot start on a node (every Node cordoned)', () => {
    const cordon = (unschedulable: boolean): void => {
      for (const n of cluster.store.list(R.nodes)) {
        const res = cluster.api.patch(R.nodes, undefined, n.metadata.name, 'application/merge-patch+json', { spec: { unschedulable } });
        assert.ok(res.ok);
      }
    };

    it('says the replacement is Pending, not that it has a token, when the follow runs out', async () => {
      cordon(true);
      try {
        const old = onePod(cluster, 'payments', 'api-');
        const stages: string[] = [];
        let t = 0;
        const res = await restartPod(
          admin.api,
          { namespace: 'payments', name: old.metadata.name },
          { pollIntervalMs: 1, timeoutMs: 5, nowMs: () => (t += 1), onStage: (s) => stages.push(s) },
        );
        assert.ok(res.ok, !res.ok ? res.error.message : '');
        assert.equal(res.value.kind, 'replaced');
        if (res.value.kind !== 'replaced') return;
        assert.deepEqual(stages, ['deleting', 'waitingForReplacement', 'waitingForStart']);
        assert.equal(res.value.running, false);
        assert.equal(res.value.stopped, 'timedOut');
        assert.equal(res.value.replacement.nodeName, undefined);
        // The cluster agrees: the replacement is there, unscheduled.
        const stored = cluster.store.peek(R.pods, 'payments', res.value.replacement.name);
        assert.ok(stored);
        assert.equal((stored.spec as { nodeName?: string } | undefined)?.nodeName ?? '', '');
      } finally {
        cordon(false);
      }
    });

    it('follows a Pending replacement until it runs on a node', async () => {
      cordon(true);
      const old = onePod(cluster, 'payments', 'api-');
      const res = await restartPod(
        admin.api,
        { namespace: 'payments', name: old.metadata.name },
        {
          pollIntervalMs: 2,
          // Uncordoned once the replacement is seen Pending: the scheduler binds it and the kubelet starts it.
          onStage: (s) => {
            if (s === 'waitingForStart') cordon(false);
          },
        },
      );
      cordon(false);
      assert.ok(res.ok, !res.ok ? res.error.message : '');
      assert.equal(res.value.kind, 'replaced');
      if (res.value.kind !== 'replaced') return;
      assert.equal(res.value.running, true);
      assert.equal(res.value.stopped, undefined);
      assert.ok(res.value.replacement.nodeName);
      assert.equal(res.value.replacement.phase, 'Running');
    });

    it('cancelled while the replacement is Pending, it says so', async () => {
      cordon(true);
      try {
        const old = onePod(cluster, 'payments', 'api-');
        const ac = new AbortController();
        const res = await restartPod(
          admin.api,
          { namespace: 'payments', name: old.metadata.name },
          { signal: ac.signal, pollIntervalMs: 5, onStage: (s) => s === 'waitingForStart' && ac.abort() },
        );
        assert.ok(res.ok, !res.ok ? res.error.message : '');
        assert.equal(res.value.kind, 'replaced');
        if (res.value.kind !== 'replaced') return;
        assert.deepEqual([res.value.running, res.value.stopped], [false, 'cancelled']);
      } finally {
        cordon(false);
      }
    });
  });
});
