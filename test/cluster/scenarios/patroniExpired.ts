// `patroni-expired`: db/orders-db-0, a Patroni (Spilo) StatefulSet pod that has run for 400 days
// and gets 401 each time it updates its own pod's metadata.
//
// Why this way: Patroni releases before the fix for patroni/patroni#2286 (PR #2287, 2022) read
// the service-account token once, at start, and sent it for the life of the process. The pod's
// kube-api-access volume asks for 3607 s, which the apiserver extends to a one-year `exp`, so the
// token Patroni holds, the first one its kubelet wrote, expired a year after the pod started;
// from then on every touch_member PATCH of its pod and every watch gets 401 (patroni/patroni#3083:
// "after the deployment reaches 1 year"). The kubelet keeps rotating the file as it should. A
// gone kubelet would not fit: a node without one has its pods evicted within minutes, not a year,
// and nobody could read their logs.

import { createHash } from 'node:crypto';
import { R } from '../resources';
import type { TestCluster } from '../server';
import { unauthorized } from '../status';
import type { WrittenToken } from '../kubelet';
import { create, ensureNamespace, ensureNode, NODE_1, serviceAccount } from './build';
import { createdAt, DAY_SECONDS, forgetEvents, onlyPod, runningSince, TOKEN_PATH, uidOf } from './history';
import { registerScenario } from './registry';
import { repeatLog } from './repeatingLog';

export const PATRONI_EXPIRED = {
  namespace: 'db',
  statefulSet: 'orders-db',
  pod: 'orders-db-0',
  container: 'postgres',
  serviceAccount: 'orders-db',
  image: 'registry.opensource.zalan.do/acid/spilo-14:2.1-p3',
  startedDaysAgo: 400,
  /** Patroni's HA loop (loop_wait). */
  loopSeconds: 10,
} as const;

const LABELS = { application: 'spilo', 'cluster-name': PATRONI_EXPIRED.statefulSet };
const SITE = '/usr/local/lib/python3.10/dist-packages/patroni/dcs/kubernetes.py';

/** Python logging's asctime: `2026-11-22 03:18:52,104`. */
function asctime(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)},${iso.slice(20, 23)}`;
}

function auditId(index: number): string {
  const h = createHash('sha256').update(`orders-db-audit-${index}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** One HA loop of a leader whose every API call is refused: its watches, its pod PATCH, its lock. */
function failedLoop(atMs: number, index: number): string[] {
  const status = `${JSON.stringify(unauthorized().body)}\n`;
  // Python stamps a line before the kubelet does; the loop's lines come a few ms apart.
  const at = asctime(atMs - 12);
  const later = asctime(atMs - 7);
  return [
    `${at} ERROR: ObjectCache.run K8sClient.rest.ApiException(401, 'Unauthorized')`,
    `${later} ERROR: Unexpected error from Kubernetes API`,
    'Traceback (most recent call last):',
    `  File "${SITE}", line 486, in wrapper`,
    '    return func(*args, **kwargs)',
    `  File "${SITE}", line 1027, in touch_member`,
    '    ret = self._api.patch_namespaced_pod(self._name, self._namespace, body)',
    `  File "${SITE}", line 472, in wrapper`,
    '    return getattr(self._core_v1_api, func)(*args, **kwargs)',
    `  File "${SITE}", line 208, in _handle_server_response`,
    '    raise k8s_client.rest.ApiException(http_resp=response)',
    'patroni.dcs.kubernetes.K8sClient.rest.ApiException: (401)',
    'Reason: Unauthorized',
    `HTTP response headers: HTTPHeaderDict({'Audit-Id': '${auditId(index)}', 'Cache-Control': 'no-cache, private', 'Content-Type': 'application/json', 'Date': '${new Date(atMs).toUTCString()}', 'Content-Length': '${Buffer.byteLength(status)}'})`,
    `HTTP response body: b'${status.trimEnd()}\\n'`,
    `${asctime(atMs - 2)} ERROR: failed to update leader lock`,
    `${asctime(atMs)} INFO: not promoting because failed to update leader lock in DCS`,
  ];
}

/** The token the Patroni process still sends: the first one its kubelet wrote, at pod start. */
export function patroniProcessToken(cluster: TestCluster): WrittenToken | undefined {
  const pod = cluster.store.peek(R.pods, PATRONI_EXPIRED.namespace, PATRONI_EXPIRED.pod);
  return pod === undefined ? undefined : cluster.kubelet.written(pod.metadata.uid, TOKEN_PATH)[0];
}

registerScenario('patroni-expired', (cluster) => {
  const { namespace: ns, statefulSet: name } = PATRONI_EXPIRED;
  const startedAt = cluster.clock.nowSeconds() - PATRONI_EXPIRED.startedDaysAgo * DAY_SECONDS;
  cluster.batch(() => {
    ensureNode(cluster, NODE_1.name, NODE_1.ip);
    ensureNamespace(cluster, ns);
    serviceAccount(cluster, ns, PATRONI_EXPIRED.serviceAccount);
    // What Patroni's Kubernetes DCS needs: its pods' annotations, and endpoints for the leader lock.
    create(cluster, R.roles, ns, {
      metadata: { name },
      rules: [
        { apiGroups: [''], resources: ['configmaps'], verbs: ['create', 'get', 'list', 'patch', 'update', 'watch', 'delete'] },
        { apiGroups: [''], resources: ['endpoints'], verbs: ['get', 'patch', 'update', 'create', 'list', 'watch', 'delete'] },
        { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'patch', 'update', 'watch'] },
        { apiGroups: [''], resources: ['services'], verbs: ['create'] },
      ],
    });
    create(cluster, R.roleBindings, ns, {
      metadata: { name },
      subjects: [{ kind: 'ServiceAccount', name: PATRONI_EXPIRED.serviceAccount, namespace: ns }],
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
    });
    create(cluster, R.services, ns, {
      metadata: { name, labels: LABELS },
      spec: { clusterIP: 'None', selector: LABELS, ports: [{ name: 'postgresql', port: 5432, targetPort: 5432, protocol: 'TCP' }] },
    });
    create(cluster, R.statefulSets, ns, {
      metadata: { name, labels: LABELS },
      spec: {
        replicas: 1,
        serviceName: name,
        selector: { matchLabels: LABELS },
        template: {
          metadata: { labels: LABELS },
          spec: {
            serviceAccountName: PATRONI_EXPIRED.serviceAccount,
            containers: [
              {
                name: PATRONI_EXPIRED.container,
                image: PATRONI_EXPIRED.image,
                ports: [
                  { name: 'postgresql', containerPort: 5432 },
                  { name: 'patroni', containerPort: 8008 },
                ],
                env: [
                  { name: 'SCOPE', value: name },
                  { name: 'DCS_ENABLE_KUBERNETES_API', value: 'true' },
                  { name: 'KUBERNETES_LABELS', value: JSON.stringify(LABELS) },
                  { name: 'PGROOT', value: '/home/postgres/pgdata/pgroot' },
                ],
                volumeMounts: [{ name: 'pgdata', mountPath: '/home/postgres/pgdata' }],
              },
            ],
          },
        },
        volumeClaimTemplates: [{ metadata: { name: 'pgdata' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '20Gi' } } } }],
      },
    });
  });

  const pod = onlyPod(cluster, ns, LABELS);
  for (const r of [R.serviceAccounts, R.roles, R.roleBindings, R.services, R.statefulSets])
    createdAt(cluster, r, ns, r === R.serviceAccounts ? PATRONI_EXPIRED.serviceAccount : name, startedAt - 120);
  createdAt(cluster, R.persistentVolumeClaims, ns, `pgdata-${pod.metadata.name}`, startedAt - 60);
  forgetEvents(cluster, ns, [uidOf(cluster, R.statefulSets, ns, name), uidOf(cluster, R.persistentVolumeClaims, ns, `pgdata-${pod.metadata.name}`)]);
  runningSince(cluster, pod, startedAt);

  const held = patroniProcessToken(cluster);
  if (held === undefined) throw new Error('the kubelet wrote no token for orders-db-0');
  // Refused from the first loop after exp plus the apiserver's 60 s leeway.
  const refusedFromMs = (held.issued.exp + 61) * 1000 + 104;
  repeatLog(cluster, {
    namespace: ns,
    pod: pod.metadata.name,
    container: PATRONI_EXPIRED.container,
    fromMs: refusedFromMs,
    everySeconds: PATRONI_EXPIRED.loopSeconds,
    cycle: failedLoop,
    keepCycles: 90,
  });
});
