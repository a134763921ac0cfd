// Rollout restart against the test cluster: the owner found through the pod, the patch kubectl sends,
// and the 403, 404 and 409 paths.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  RESTARTED_AT_ANNOTATION,
  followRollout,
  getWorkload,
  restartStamp,
  rolloutRestart,
  rolloutRestartPatch,
  workloadOfPod,
} from '../../../../src/cluster/actions/rolloutRestart';
import { R } from '../../../cluster/resources';
import type { TestCluster } from '../../../cluster/server';
import type { KubeObject } from '../../../cluster/types';
import { type Clients, clientsFor, onePod, useClusterWithAdmin } from './support';

function templateAnnotation(obj: KubeObject | undefined): string | undefined {
  const spec = obj?.spec as { template?: { metadata?: { annotations?: Record<string, string> } } } | undefined;
  return spec?.template?.metadata?.annotations?.[RESTARTED_AT_ANNOTATION];
}

describe('rolloutRestart', () => {
  let cluster: TestCluster;
  let admin: Clients;

  useClusterWithAdmin(['healthy'], (c, a) => {
    cluster = c;
    admin = a;
  });

  it('sends the patch kubectl rollout restart sends', () => {
    const stamp = restartStamp(new Date(Date.UTC(2026, 10, 22, 3, 8, 0, 123)));
    assert.equal(stamp, '2026-11-22T03:08:00Z');
    assert.deepEqual(rolloutRestartPatch(stamp), {
      spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': '2026-11-22T03:08:00Z' } } } },
    });
    assert.deepEqual(rolloutRestartPatch(stamp, '42').metadata, { resourceVersion: '42' });
  });

  it('finds the Deployment of a pod through its ReplicaSet', async () => {
    const pod = onePod(cluster, 'payments', 'api-');
    const w = await workloadOfPod(admin.api, { namespace: 'payments', name: pod.metadata.name });
    assert.ok(w.ok, !w.ok ? w.error.message : '');
    assert.deepEqual([w.value.kind, w.value.namespace, w.value.name], ['Deployment', 'payments', 'api']);
    assert.equal(w.value.uid, cluster.store.peek(R.deployments, 'payments', 'api')?.metadata.uid);
    assert.ok(w.value.resourceVersion);
  });

  it('finds the StatefulSet of a pod directly, and refuses an unowned pod', async () => {
    const sts = await workloadOfPod(admin.api, { namespace: 'db', name: 'patroni-0' });
    assert.ok(sts.ok);
    assert.deepEqual([sts.value.kind, sts.value.name], ['StatefulSet', 'patroni']);
    const unowned = await workloadOfPod(admin.api, { namespace: 'payments', name: 'vault-client' });
    assert.ok(!unowned.ok);
    assert.equal(unowned.error.kind, 'invalid');
    assert.match(unowned.error.message, /has no controller, so there is nothing to roll out; use Restart Pod/);
  });

  it('restarts a Deployment: the template annotation is set and a new ReplicaSet rolls out', async () => {
    const before = await getWorkload(admin.api, { kind: 'Deployment', namespace: 'payments', name: 'api' });
    assert.ok(before.ok);
    const rsBefore = new Set(cluster.store.list(R.replicaSets, 'payments').map((r) => r.metadata.uid));
    const at = new Date(Date.UTC(2026, 10, 22, 3, 8, 0));
    const res = await rolloutRestart(admin.api, before.value, { resourceVersion: before.value.resourceVersion, now: () => at });
    assert.ok(res.ok, !res.ok ? res.error.message : '');
    assert.equal(res.value.restartedAt, '2026-11-22T03:08:00Z');
    assert.notEqual(res.value.resourceVersion, before.value.resourceVersion);
    assert.equal(templateAnnotation(cluster.store.peek(R.deployments, 'payments', 'api')), '2026-11-22T03:08:00Z');
    const newSets = cluster.store.list(R.replicaSets, 'payments').filter((r) => !rsBefore.has(r.metadata.uid));
    assert.equal(newSets.length, 1);
    assert.equal(templateAnnotation(newSets[0]), '2026-11-22T03:08:00Z');
    const again = await getWorkload(admin.api, { kind: 'Deployment', namespace: 'payments', name: 'api' });
    assert.ok(again.ok);
    assert.equal(again.value.restartedAt, '2026-11-22T03:08:00Z');
  });

  it('restarts a StatefulSet and a DaemonSet', async () => {
    const sts = await rolloutRestart(admin.api, { kind: 'StatefulSet', namespace: 'db', name: 'patroni' }, { now: () => new Date(Date.UTC(2026, 0, 1)) });
    assert.ok(sts.ok, !sts.ok ? sts.error.message : '');
    assert.equal(templateAnnotation(cluster.store.peek(R.statefulSets, 'db', 'patroni')), '2026-01-01T00:00:00Z');

    const ds = cluster.api.create(R.daemonSets, 'gateway', {
      metadata: { name: 'agent' },
      spec: {
        selector: { matchLabels: { app: 'agent' } },
        template: { metadata: { labels: { app: 'agent' } }, spec: { serviceAccountName: 'apisix', containers: [{ name: 'agent', image: 'busybox:1.36' }] } },
      },
    });
    assert.ok(ds.ok);
    const agentPod = cluster.store.list(R.pods, 'gateway').find((p) => p.metadata.name.startsWith('agent-'));
    assert.ok(agentPod, 'the DaemonSet made a pod');
    const w = await workloadOfPod(admin.api, { namespace: 'gateway', name: agentPod.metadata.name });
    assert.ok(w.ok);
    assert.equal(w.value.kind, 'DaemonSet');
    const res = await rolloutRestart(admin.api, w.value, { now: () => new Date(Date.UTC(2026, 0, 2)) });
    assert.ok(res.ok, !res.ok ? res.error.message : '');
    assert.equal(templateAnnotation(cluster.store.peek(R.daemonSets, 'gateway', 'agent')), '2026-01-02T00:00:00Z');
  });

  it('a workload changed since it was confirmed is a 409 and is left alone', async () => {
    const seen = await getWorkload(admin.api, { kind: 'Deployment', namespace: 'gateway', name: 'apisix' });
    assert.ok(seen.ok);
    // Someone else changes it between the confirmation and the patch.
    cluster.api.patch(R.deployments, 'gateway', 'apisix', 'application/merge-patch+json', { metadata: { labels: { touched: 'yes' } } });
    const res = await rolloutRestart(admin.api, seen.value, { resourceVersion: seen.value.resourceVersion });
    assert.ok(!res.ok);
    assert.equal(res.error.kind, 'conflict');
    assert.equal(res.error.status, 409);
    assert.match(
      res.error.message,
      /Deployment gateway\/apisix changed on the cluster after you confirmed the restart \(409 Conflict\), so it was not restarted/,
    );
    assert.equal(templateAnnotation(cluster.store.peek(R.deployments, 'gateway', 'apisix')), undefined);
  });

  it('a missing workload is a 404 and a reader gets the 403', async () => {
    const missing = await rolloutRestart(admin.api, { kind: 'Deployment', namespace: 'payments', name: 'gone' });
    assert.ok(!missing.ok);
    assert.equal(missing.error.kind, 'notFound');
    assert.match(missing.error.message, /gone was not found in namespace payments \(404\)/);

    const sa = clientsFor(cluster, { serviceAccount: 'payments/api' });
    try {
      const pod = onePod(cluster, 'payments', 'api-');
      // The reader may get the pod but not the ReplicaSet behind it.
      const w = await workloadOfPod(sa.api, { namespace: 'payments', name: pod.metadata.name });
      assert.ok(!w.ok);
      assert.equal(w.error.kind, 'forbidden');
      assert.match(w.error.message, /you cannot get replicasets\.apps in namespace payments \(403\)/);
      const res = await rolloutRestart(sa.api, { kind: 'Deployment', namespace: 'payments', name: 'api' });
      assert.ok(!res.ok);
      assert.equal(res.error.status, 403);
      assert.match(res.error.message, /you cannot patch deployments\.apps in namespace payments \(403\): service account payments\/api lacks the patch verb/);
    } finally {
      await sa.api.dispose();
    }
  });

  describe('following the new pods', () => {
    const cordon = (unschedulable: boolean): void => {
      for (const n of cluster.store.list(R.nodes)) {
        assert.ok(cluster.api.patch(R.nodes, undefined, n.metadata.name, 'application/merge-patch+json', { spec: { unschedulable } }).ok);
      }
    };

    it('follows until the new pods run on a node', async () => {
      const res = await rolloutRestart(
        admin.api,
        { kind: 'StatefulSet', namespace: 'db', name: 'patroni' },
        { now: () => new Date(Date.UTC(2026, 2, 3, 4, 5, 6)) },
      );
      assert.ok(res.ok, !res.ok ? res.error.message : '');
      const followed = await followRollout(admin.api, res.value, { pollIntervalMs: 2 });
      assert.ok(followed.ok, !followed.ok ? followed.error.message : '');
      assert.equal(followed.value.allRunning, true);
      assert.equal(followed.value.stopped, undefined);
      assert.ok(followed.value.pods.length > 0);
      for (const p of followed.value.pods) {
        assert.equal(p.phase, 'Running');
        assert.ok(p.nodeName);
        const stored = cluster.store.peek(R.pods, 'db', p.name);
        assert.equal(stored?.metadata.annotations?.[RESTARTED_AT_ANNOTATION], '2026-03-03T04:05:06Z', 'made from the restarted template');
      }
    });

    it('says the new pods are still Pending when none can start on a node', async () => {
      cordon(true);
      try {
        const res = await rolloutRestart(
          admin.api,
          { kind: 'Deployment', namespace: 'payments', name: 'api' },
          { now: () => new Date(Date.UTC(2026, 2, 3, 4, 5, 7)) },
        );
        assert.ok(res.ok, !res.ok ? res.error.message : '');
        let t = 0;
        const followed = await followRollout(admin.api, res.value, { pollIntervalMs: 1, timeoutMs: 5, nowMs: () => (t += 1) });
        assert.ok(followed.ok, !followed.ok ? followed.error.message : '');
        assert.equal(followed.value.allRunning, false);
        assert.equal(followed.value.stopped, 'timedOut');
        assert.ok(followed.value.pods.length > 0, 'the new ReplicaSet made a pod');
        assert.ok(followed.value.pods.every((p) => p.nodeName === undefined && p.owner?.kind === 'ReplicaSet'));
      } finally {
        cordon(false);
      }
    });
  });
});
