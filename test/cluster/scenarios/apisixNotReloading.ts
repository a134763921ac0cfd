// `apisix-not-reloading`: ingress-apisix/apisix, an APISIX gateway whose Kubernetes service
// discovery read its token file once, when the worker started, and kept sending that token.
//
// The pod asks for a one-hour token itself (3600 s, which this apiserver does not extend), the
// token every pod gets where the apiserver runs with --service-account-extend-token-expiration=
// false. The kubelet rotated the file at 80 % of the hour, as it should; the first token expired
// at the hour, and from then on the informer's Endpoints list fails with 401 every few seconds.
// The pod has run for two hours when the cluster starts, so the rotation and the 401 lines are
// already there; restarting the pod (or its container) ends them, as it would for real.

import { R } from '../resources';
import type { TestCluster } from '../server';
import { unauthorized } from '../status';
import type { WrittenToken } from '../kubelet';
import { SERVICE_ACCOUNT_MOUNT_PATH } from '../admission';
import { create, ensureNamespace, ensureNode, NODE_1, serviceAccount } from './build';
import { createdAt, forgetEvents, onlyPod, podsOf, runningSince, TOKEN_PATH, uidOf } from './history';
import { registerScenario } from './registry';
import { repeatLog } from './repeatingLog';

export const APISIX_NOT_RELOADING = {
  namespace: 'ingress-apisix',
  deployment: 'apisix',
  container: 'apisix',
  serviceAccount: 'apisix',
  image: 'apache/apisix:3.8.0-debian',
  tokenSeconds: 3600,
  startedSecondsAgo: 2 * 60 * 60,
  /** How often the discovery informer lists again after a failure. */
  retrySeconds: 10,
} as const;

const LABELS = { 'app.kubernetes.io/name': 'apisix', 'app.kubernetes.io/instance': 'apisix' };
/** The worker process that runs the discovery timers. */
const WORKER_PID = 49;

/** nginx's error-log time: `2026/11/22 03:18:52`, UTC in the container. */
function nginxTime(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 10).replaceAll('-', '/')} ${iso.slice(11, 19)}`;
}

/** The line APISIX's informer logs when its list call is refused. */
export function listFailedLine(atMs: number, connection: number): string {
  const status = JSON.stringify(unauthorized().body);
  return `${nginxTime(atMs)} [error] ${WORKER_PID}#${WORKER_PID}: *${connection} [lua] informer_factory.lua:295: list failed, kind: Endpoints, reason: Unauthorized, message : ${status}, context: ngx.timer`;
}

function startupLines(atMs: number): string[] {
  const t = nginxTime(atMs);
  return [
    `${t} [notice] 1#1: using the "epoll" event method`,
    `${t} [notice] 1#1: openresty/1.21.4.2`,
    `${t} [notice] 1#1: built by gcc 10.2.1 20210110 (Debian 10.2.1-6)`,
    `${t} [notice] 1#1: OS: Linux 6.1.0`,
    `${t} [notice] 1#1: getrlimit(RLIMIT_NOFILE): 1048576:1048576`,
    `${t} [notice] 1#1: start worker processes`,
    `${t} [notice] 1#1: start worker process ${WORKER_PID}`,
    `${t} [notice] 1#1: start privileged agent process 50`,
  ];
}

function apisixPod(cluster: TestCluster): ReturnType<typeof podsOf>[number] | undefined {
  return podsOf(cluster, APISIX_NOT_RELOADING.namespace, LABELS)[0];
}

/** The token APISIX still sends: the first one its kubelet wrote, when the worker started. */
export function apisixProcessToken(cluster: TestCluster): WrittenToken | undefined {
  const pod = apisixPod(cluster);
  return pod === undefined ? undefined : cluster.kubelet.written(pod.metadata.uid, TOKEN_PATH)[0];
}

registerScenario('apisix-not-reloading', (cluster) => {
  const { namespace: ns, deployment: name } = APISIX_NOT_RELOADING;
  const startedAt = cluster.clock.nowSeconds() - APISIX_NOT_RELOADING.startedSecondsAgo;
  cluster.batch(() => {
    ensureNode(cluster, NODE_1.name, NODE_1.ip);
    ensureNamespace(cluster, ns);
    serviceAccount(cluster, ns, APISIX_NOT_RELOADING.serviceAccount);
    // The discovery module lists and watches Endpoints cluster-wide.
    create(cluster, R.clusterRoles, undefined, {
      metadata: { name: 'apisix-discovery' },
      rules: [{ apiGroups: [''], resources: ['endpoints'], verbs: ['get', 'list', 'watch'] }],
    });
    create(cluster, R.clusterRoleBindings, undefined, {
      metadata: { name: 'apisix-discovery' },
      subjects: [{ kind: 'ServiceAccount', name: APISIX_NOT_RELOADING.serviceAccount, namespace: ns }],
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'apisix-discovery' },
    });
    create(cluster, R.deployments, ns, {
      metadata: { name, labels: LABELS },
      spec: {
        replicas: 1,
        selector: { matchLabels: LABELS },
        template: {
          metadata: { labels: LABELS },
          spec: {
            serviceAccountName: APISIX_NOT_RELOADING.serviceAccount,
            // Its own token volume at the usual path, so admission injects none, with a one-hour token.
            automountServiceAccountToken: false,
            volumes: [
              {
                name: 'sa-token',
                projected: {
                  defaultMode: 420,
                  sources: [
                    { serviceAccountToken: { expirationSeconds: APISIX_NOT_RELOADING.tokenSeconds, path: 'token' } },
                    { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
                    { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
                  ],
                },
              },
            ],
            containers: [
              {
                name: APISIX_NOT_RELOADING.container,
                image: APISIX_NOT_RELOADING.image,
                ports: [
                  { name: 'http', containerPort: 9080 },
                  { name: 'admin', containerPort: 9180 },
                ],
                volumeMounts: [{ name: 'sa-token', mountPath: SERVICE_ACCOUNT_MOUNT_PATH, readOnly: true }],
              },
            ],
          },
        },
      },
    });
  });

  const pod = onlyPod(cluster, ns, LABELS);
  const replicaSet = pod.metadata.ownerReferences?.[0]?.name ?? '';
  createdAt(cluster, R.serviceAccounts, ns, APISIX_NOT_RELOADING.serviceAccount, startedAt - 60);
  createdAt(cluster, R.deployments, ns, name, startedAt - 30);
  createdAt(cluster, R.replicaSets, ns, replicaSet, startedAt - 30);
  forgetEvents(cluster, ns, [uidOf(cluster, R.deployments, ns, name), uidOf(cluster, R.replicaSets, ns, replicaSet)]);
  runningSince(cluster, pod, startedAt);

  const logs = cluster.logs.container(ns, pod.metadata.name, APISIX_NOT_RELOADING.container);
  for (const line of startupLines(startedAt * 1000 + 250)) logs.append(line, startedAt * 1000 + 260);
  const held = apisixProcessToken(cluster);
  if (held === undefined) throw new Error('the kubelet wrote no token for the apisix pod');
  repeatLog(cluster, {
    namespace: ns,
    pod: pod.metadata.name,
    container: APISIX_NOT_RELOADING.container,
    // The first list after exp plus the apiserver's 60 s leeway.
    fromMs: (held.issued.exp + 61) * 1000 + 372,
    everySeconds: APISIX_NOT_RELOADING.retrySeconds,
    cycle: (atMs, index) => [listFailedLine(atMs - 1, 1200 + index)],
    keepCycles: 720,
  });
});
