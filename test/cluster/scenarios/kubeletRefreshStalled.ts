// `kubelet-refresh-stalled`: reports/report-renderer, a Deployment whose pod mounts the claim
// reports/report-archive. Someone deleted the claim two hours ago while the pod still used it, so
// it stays Terminating, held by the `kubernetes.io/pvc-protection` finalizer. Since then the
// kubelet has not refreshed the pod's projected token (kubernetes/kubernetes#130442: the volume
// manager skips pods whose claims are terminating), so the file's `exp` no longer moves while the
// clock runs past each refresh point. The token still authenticates (its exp is a year away) but
// it is past warnafter, and any shorter-lived token would already be dead.

import { R } from '../resources';
import type { TestCluster } from '../server';
import type { Pod } from '../types';
import { create, ensureNamespace, ensureNode, NODE_1, podTemplate, serviceAccount } from './build';
import { createdAt, deletedAt, forgetEvents, onlyPod, podsOf, runningSince, uidOf } from './history';
import { registerScenario } from './registry';

export const KUBELET_REFRESH_STALLED = {
  namespace: 'reports',
  deployment: 'report-renderer',
  container: 'renderer',
  serviceAccount: 'report-renderer',
  claim: 'report-archive',
  image: 'registry.example.com/reports/renderer:2.7.1',
  startedSecondsAgo: 3 * 60 * 60,
  claimDeletedSecondsAgo: 2 * 60 * 60,
} as const;

const LABELS = { app: KUBELET_REFRESH_STALLED.deployment };

/** The pod whose token stopped refreshing. */
export function stalledPod(cluster: TestCluster): Pod | undefined {
  return podsOf(cluster, KUBELET_REFRESH_STALLED.namespace, LABELS)[0];
}

registerScenario('kubelet-refresh-stalled', (cluster) => {
  const { namespace: ns, deployment: name, claim } = KUBELET_REFRESH_STALLED;
  const now = cluster.clock.nowSeconds();
  const startedAt = now - KUBELET_REFRESH_STALLED.startedSecondsAgo;
  const claimDeletedAt = now - KUBELET_REFRESH_STALLED.claimDeletedSecondsAgo;
  cluster.batch(() => {
    ensureNode(cluster, NODE_1.name, NODE_1.ip);
    ensureNamespace(cluster, ns);
    serviceAccount(cluster, ns, KUBELET_REFRESH_STALLED.serviceAccount);
    create(cluster, R.persistentVolumeClaims, ns, {
      metadata: { name: claim, labels: LABELS },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '50Gi' } } },
    });
    create(cluster, R.deployments, ns, {
      metadata: { name, labels: LABELS },
      spec: {
        replicas: 1,
        selector: { matchLabels: LABELS },
        template: podTemplate(
          LABELS,
          KUBELET_REFRESH_STALLED.serviceAccount,
          [
            {
              name: KUBELET_REFRESH_STALLED.container,
              image: KUBELET_REFRESH_STALLED.image,
              volumeMounts: [{ name: 'archive', mountPath: '/var/lib/reports' }],
            },
          ],
          [{ name: 'archive', persistentVolumeClaim: { claimName: claim } }],
        ),
      },
    });
  });

  const pod = onlyPod(cluster, ns, LABELS);
  const replicaSet = pod.metadata.ownerReferences?.[0]?.name ?? '';
  for (const [r, n] of [
    [R.serviceAccounts, KUBELET_REFRESH_STALLED.serviceAccount],
    [R.persistentVolumeClaims, claim],
    [R.deployments, name],
    [R.replicaSets, replicaSet],
  ] as const) {
    createdAt(cluster, r, ns, n, startedAt - 60);
  }
  forgetEvents(cluster, ns, [
    uidOf(cluster, R.deployments, ns, name),
    uidOf(cluster, R.replicaSets, ns, replicaSet),
    uidOf(cluster, R.persistentVolumeClaims, ns, claim),
  ]);
  // The kubelet refreshed normally until the claim began terminating, then never again.
  runningSince(cluster, pod, startedAt, { tokensRefreshedUntil: claimDeletedAt });
  cluster.kubelet.stall(pod.metadata.uid, true);

  const deleted = cluster.api.delete(R.persistentVolumeClaims, ns, claim);
  if (!deleted.ok) throw new Error(`cannot delete claim ${claim}: ${deleted.error.body.message ?? ''}`);
  deletedAt(cluster, R.persistentVolumeClaims, ns, claim, claimDeletedAt);
});
