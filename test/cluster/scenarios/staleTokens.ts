// `stale-tokens`: workloads whose clients read their service-account token once and keep sending
// it. The kubelet asks for 3607 s tokens, which the apiserver extends to a year with `warnafter`
// an hour after issue; past that hour every request with the token still works, but the apiserver
// counts it (serviceaccount_stale_tokens_total) and annotates its audit events
// (`authentication.k8s.io/stale-token`, user.extra naming the pod). These pods break when the year
// ends, months from now; the audit log names them today.
//
// - db/billing-db-0: Patroni (Spilo) before the fix for patroni/patroni#2286 (read once, at start),
//   its HA loop every 10 s; running for 200 days.
// - ingress-apisix/apisix-internal: APISIX's Kubernetes discovery, which read the token when its
//   worker started; lists Services every 30 s; running for 45 days.
// - payments/ledger-sync: a Java service on fabric8 kubernetes-client 5.4, which caches the token
//   of its first config; every 60 s; running for 9 days.
// - payments/statement-worker: client-go, which re-reads the file (at most a minute old): never
//   stale, the counter-example.
// - ci/release-bot: an old kubectl in a CI job with the legacy token of Secret release-bot-token
//   (never expires; the apiserver annotates `authentication.k8s.io/legacy-token` and counts it).
//
// The apiserver writes its audit log (audit.k8s.io/v1 JSON lines, every request at Metadata level)
// to the scenario's file `audit/audit.log`, rotating it at 64 KiB (`audit-<time>.log` beside it),
// so a run of a few minutes of cluster time shows rotations. Its static pod kube-apiserver-node-1
// carries its own log. Requests go over HTTPS as the cluster's clock moves.

import { controlPlaneOf } from '../controlPlane/signals';
import { ensureApiserverPod } from '../controlPlane/apiserverPod';
import type { AuditLog } from '../controlPlane/auditLog';
import { SERVICE_ACCOUNT_NAME_ANNOTATION } from '../controllers/legacyTokens';
import { R } from '../resources';
import type { TestCluster } from '../server';
import type { Pod, Secret } from '../types';
import { create, ensureNamespace, ensureNode, NODE_1, serviceAccount } from './build';
import { createdAt, DAY_SECONDS, forgetEvents, onlyPod, runningSince, TOKEN_PATH, uidOf } from './history';
import { registerScenario, type ScenarioFile } from './registry';
import { runWorkload, type RunningWorkload, type WorkloadCall } from './workloadRequests';

export const STALE_TOKENS = {
  /** The scenario's file: where the audit log lives while the cluster runs. */
  auditFile: 'audit/audit.log',
  /** Where the apiserver's manifest says it goes on the node. */
  auditHostPath: '/var/log/kubernetes/audit/audit.log',
  auditMaxSizeBytes: 64 * 1024,
  auditMaxBackups: 20,
  legacySecret: { namespace: 'ci', name: 'release-bot-token', serviceAccount: 'release-bot' },
} as const;

type Holds = 'first-token' | 'fresh-token' | 'legacy-token';

interface Workload {
  namespace: string;
  name: string;
  kind: 'StatefulSet' | 'Deployment';
  image: string;
  holds: Holds;
  startedDaysAgo: number;
  everySeconds: number;
  userAgent: string;
  calls: WorkloadCall[];
  rules: { apiGroups: string[]; resources: string[]; verbs: string[] }[];
  /** Whether its rules are cluster-wide (a ClusterRole). */
  clusterWide?: boolean;
  configMaps?: string[];
}

const WORKLOADS: Workload[] = [
  {
    namespace: 'db',
    name: 'billing-db',
    kind: 'StatefulSet',
    image: 'registry.opensource.zalan.do/acid/spilo-14:2.1-p6',
    holds: 'first-token',
    startedDaysAgo: 200,
    everySeconds: 10,
    userAgent: 'Patroni/2.1.4 Python/3.10.6 Linux',
    calls: [
      { method: 'GET', path: '/api/v1/namespaces/db/pods?labelSelector=application%3Dspilo%2Ccluster-name%3Dbilling-db' },
      { method: 'GET', path: '/api/v1/namespaces/db/configmaps/billing-db-leader' },
    ],
    rules: [
      { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'patch', 'update', 'watch'] },
      { apiGroups: [''], resources: ['configmaps'], verbs: ['create', 'get', 'list', 'patch', 'update', 'watch', 'delete'] },
    ],
    configMaps: ['billing-db-leader', 'billing-db-config'],
  },
  {
    namespace: 'ingress-apisix',
    name: 'apisix-internal',
    kind: 'Deployment',
    image: 'apache/apisix:3.8.0-debian',
    holds: 'first-token',
    startedDaysAgo: 45,
    everySeconds: 30,
    userAgent: 'lua-resty-http/0.17.1 (Lua) ngx_lua/10025',
    calls: [{ method: 'GET', path: '/api/v1/services?limit=500' }],
    rules: [{ apiGroups: [''], resources: ['services'], verbs: ['get', 'list', 'watch'] }],
    clusterWide: true,
  },
  {
    namespace: 'payments',
    name: 'ledger-sync',
    kind: 'Deployment',
    image: 'registry.example.com/payments/ledger-sync:2.7.3',
    holds: 'first-token',
    startedDaysAgo: 9,
    everySeconds: 60,
    userAgent: 'fabric8-kubernetes-client/5.4.1',
    calls: [{ method: 'GET', path: '/api/v1/namespaces/payments/configmaps/ledger-sync-state' }],
    rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'update'] }],
    configMaps: ['ledger-sync-state'],
  },
  {
    namespace: 'payments',
    name: 'statement-worker',
    kind: 'Deployment',
    image: 'registry.example.com/payments/statement-worker:1.12.0',
    holds: 'fresh-token',
    startedDaysAgo: 30,
    everySeconds: 30,
    userAgent: 'statement-worker/v0.0.0 (linux/amd64) kubernetes/$Format',
    calls: [{ method: 'GET', path: '/api/v1/namespaces/payments/configmaps/statement-worker-config' }],
    rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list', 'watch'] }],
    configMaps: ['statement-worker-config'],
  },
  {
    namespace: 'ci',
    name: 'release-bot',
    kind: 'Deployment',
    image: 'bitnami/kubectl:1.21.14',
    holds: 'legacy-token',
    startedDaysAgo: 2,
    everySeconds: 60,
    userAgent: 'kubectl/v1.21.14 (linux/amd64) kubernetes/0f77da5',
    calls: [{ method: 'GET', path: '/apis/apps/v1/namespaces/ci/deployments' }],
    rules: [{ apiGroups: ['apps'], resources: ['deployments'], verbs: ['get', 'list', 'patch'] }],
  },
];

export interface StaleTokenClient {
  namespace: string;
  pod: string;
  podUid: string;
  serviceAccount: string;
  holds: Holds;
  userAgent: string;
  running: RunningWorkload;
}

export interface StaleTokensIncident {
  audit: AuditLog;
  clients: StaleTokenClient[];
  /** Resolves when every request the clients have sent so far is answered (and audited). */
  settled(): Promise<void>;
}

const incidents = new WeakMap<TestCluster, StaleTokensIncident>();

/** What the scenario set up on this cluster, once it has run. */
export function staleTokensIncident(cluster: TestCluster): StaleTokensIncident | undefined {
  return incidents.get(cluster);
}

function labelsOf(w: Workload): Record<string, string> {
  return { app: w.name };
}

function build(cluster: TestCluster, w: Workload): void {
  ensureNamespace(cluster, w.namespace);
  serviceAccount(cluster, w.namespace, w.name);
  const roleKind = w.clusterWide === true ? 'ClusterRole' : 'Role';
  create(cluster, w.clusterWide === true ? R.clusterRoles : R.roles, w.clusterWide === true ? undefined : w.namespace, {
    metadata: { name: w.name },
    rules: w.rules,
  });
  create(cluster, w.clusterWide === true ? R.clusterRoleBindings : R.roleBindings, w.clusterWide === true ? undefined : w.namespace, {
    metadata: { name: w.name },
    subjects: [{ kind: 'ServiceAccount', name: w.name, namespace: w.namespace }],
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: roleKind, name: w.name },
  });
  for (const cm of w.configMaps ?? []) create(cluster, R.configMaps, w.namespace, { metadata: { name: cm, labels: labelsOf(w) }, data: {} });
  const legacy = w.holds === 'legacy-token';
  if (legacy) {
    create(cluster, R.secrets, w.namespace, {
      metadata: { name: STALE_TOKENS.legacySecret.name, annotations: { [SERVICE_ACCOUNT_NAME_ANNOTATION]: w.name } },
      type: 'kubernetes.io/service-account-token',
    });
  }
  const container: Record<string, unknown> = { name: w.name, image: w.image };
  // The CI job takes the Secret's token from its environment and mounts no projected token.
  if (legacy) container.env = [{ name: 'KUBE_TOKEN', valueFrom: { secretKeyRef: { name: STALE_TOKENS.legacySecret.name, key: 'token' } } }];
  const template = {
    metadata: { labels: labelsOf(w) },
    spec: { serviceAccountName: w.name, ...(legacy ? { automountServiceAccountToken: false } : {}), containers: [container] },
  };
  const selector = { matchLabels: labelsOf(w) };
  if (w.kind === 'StatefulSet') {
    create(cluster, R.statefulSets, w.namespace, {
      metadata: { name: w.name, labels: labelsOf(w) },
      spec: { replicas: 1, serviceName: w.name, selector, template },
    });
  } else {
    create(cluster, R.deployments, w.namespace, { metadata: { name: w.name, labels: labelsOf(w) }, spec: { replicas: 1, selector, template } });
  }
}

/** The token the workload's process sends with each call. */
function tokenSource(cluster: TestCluster, w: Workload, pod: Pod): () => string {
  if (w.holds === 'legacy-token') {
    const { namespace, name } = STALE_TOKENS.legacySecret;
    const secret: Secret | undefined = cluster.store.peek(R.secrets, namespace, name);
    const token = secret?.data?.token;
    if (token === undefined) throw new Error(`the token controller filled no token into ${namespace}/${name}`);
    const text = Buffer.from(token, 'base64').toString('utf8');
    return () => text;
  }
  if (w.holds === 'fresh-token') {
    // Re-read at every call, as client-go's file source does (at most a minute apart).
    return () => cluster.kubelet.readFile(pod.metadata.uid, TOKEN_PATH) ?? '';
  }
  const first = cluster.kubelet.written(pod.metadata.uid, TOKEN_PATH)[0];
  if (first === undefined) throw new Error(`the kubelet wrote no token for ${w.namespace}/${pod.metadata.name}`);
  return () => first.issued.token;
}

registerScenario('stale-tokens', async (cluster) => {
  const now = cluster.clock.nowSeconds();
  const audit = controlPlaneOf(cluster).enableAudit({ maxSizeBytes: STALE_TOKENS.auditMaxSizeBytes, maxBackups: STALE_TOKENS.auditMaxBackups });
  cluster.batch(() => {
    ensureNode(cluster, NODE_1.name, NODE_1.ip);
    for (const w of WORKLOADS) build(cluster, w);
  });
  ensureApiserverPod(cluster, { node: NODE_1.name, auditLogPath: STALE_TOKENS.auditHostPath });

  const { namespace: secretNs, name: secretName } = STALE_TOKENS.legacySecret;
  createdAt(cluster, R.secrets, secretNs, secretName, now - 700 * DAY_SECONDS);
  const clients: StaleTokenClient[] = [];
  for (const w of WORKLOADS) {
    const startedAt = now - w.startedDaysAgo * DAY_SECONDS;
    const pod = onlyPod(cluster, w.namespace, labelsOf(w));
    createdAt(cluster, R.serviceAccounts, w.namespace, w.name, startedAt - 600);
    createdAt(cluster, w.kind === 'StatefulSet' ? R.statefulSets : R.deployments, w.namespace, w.name, startedAt - 60);
    forgetEvents(cluster, w.namespace, [uidOf(cluster, w.kind === 'StatefulSet' ? R.statefulSets : R.deployments, w.namespace, w.name)]);
    for (const rs of cluster.store.list(R.replicaSets, w.namespace).filter((o) => o.metadata.labels?.app === w.name)) {
      createdAt(cluster, R.replicaSets, w.namespace, rs.metadata.name, startedAt - 30);
      forgetEvents(cluster, w.namespace, [rs.metadata.uid]);
    }
    const running = runningSince(cluster, pod, startedAt);
    const workload = runWorkload(cluster, {
      namespace: w.namespace,
      pod: running.metadata.name,
      container: w.name,
      userAgent: w.userAgent,
      token: tokenSource(cluster, w, running),
      calls: w.calls,
      everySeconds: w.everySeconds,
      keepRounds: 6,
    });
    clients.push({
      namespace: w.namespace,
      pod: running.metadata.name,
      podUid: running.metadata.uid,
      serviceAccount: w.name,
      holds: w.holds,
      userAgent: w.userAgent,
      running: workload,
    });
  }
  const incident: StaleTokensIncident = {
    audit,
    clients,
    settled: async () => {
      await Promise.all(clients.map((c) => c.running.settled()));
    },
  };
  incidents.set(cluster, incident);
  // The first round is in the log before the cluster is handed over.
  await incident.settled();

  const file: ScenarioFile = {
    path: STALE_TOKENS.auditFile,
    get text() {
      return audit.text();
    },
    description: `the apiserver's audit log (${STALE_TOKENS.auditHostPath} on ${NODE_1.name}), written while the cluster runs, rotated beside it`,
    live: (path) => audit.moveTo(path),
  };
  return { files: [file] };
});
