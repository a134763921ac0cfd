// `rancher-concurrent-401`: a Rancher API token used through the cluster's Authorized Cluster
// Endpoint (ACE), where the apiserver asks Rancher's kube-api-auth webhook about each token. Since
// Rancher 2.10 the webhook also writes the token's lastUsedAt into its ClusterAuthToken on every
// request, with optimistic concurrency; when requests with one token arrive together, all but the
// first writer hit a conflict and the webhook refuses them, so the apiserver answers 401 while the
// same request alone succeeds (rancher/rancher#48986, reported on 2.10.1).
//
// Modelled the same way: each review reads the token's version, spends `webhookLatencyMs` (the
// round trip to kube-api-auth, real time), then writes lastUsedAt if the version has not moved,
// and refuses the request if it has. Which requests fail follows from when they arrive, with no
// randomness. The token goes into `rancher/downstream-ace.kubeconfig`, a kubeconfig as Rancher
// writes it for the ACE context; `rancherIncident(cluster)` gives tests the token and counts.

import { randomBytes } from 'node:crypto';
import { stringify } from 'yaml';
import type { AuthnResult } from '../auth';
import { rfc3339Seconds } from '../clock';
import { R } from '../resources';
import type { TestCluster } from '../server';
import type { Pod } from '../types';
import { create, ensureNode, NODE_1, serviceAccount, namespace } from './build';
import { createdAt, DAY_SECONDS, forgetEvents, podsOf, runningSince, uidOf } from './history';
import { registerScenario, type ScenarioFile } from './registry';

export const RANCHER_CONCURRENT_401 = {
  namespace: 'cattle-system',
  daemonSet: 'kube-api-auth',
  container: 'kube-api-auth',
  serviceAccount: 'kube-api-auth',
  image: 'rancher/kube-api-auth:v0.2.4',
  /** Where the scenario's kubeconfig goes, relative to the demo folder. */
  kubeconfigFile: 'rancher/downstream-ace.kubeconfig',
  /** The ACE context's name, as Rancher names it: cluster, then control-plane node. */
  context: `downstream-${NODE_1.name}`,
  webhookLatencyMs: 200,
  /** kube-api-auth was restarted with the upgrade to 2.10.1. */
  startedDaysAgo: 3,
} as const;

export interface RancherIncident {
  /** The bearer token, `token-xxxxx:<key>`: a share of concurrent requests with it get 401. */
  token: string;
  /** The token's name (its part before the colon), as the ClusterAuthToken is named. */
  tokenName: string;
  /** The Rancher user the token belongs to, the username the apiserver sees. */
  userId: string;
  /** How long one review takes; a test may raise it to make overlaps certain. */
  webhookLatencyMs: number;
  /** Reviews that wrote lastUsedAt (and succeeded), and those that lost the write (401). */
  counts: { ok: number; conflicts: number };
  /** The ClusterAuthToken's lastUsedAt, RFC 3339. */
  lastUsedAt?: string;
}

const incidents = new WeakMap<TestCluster, RancherIncident>();

/** The scenario's token and what happened to it, once the scenario has run on this cluster. */
export function rancherIncident(cluster: TestCluster): RancherIncident | undefined {
  return incidents.get(cluster);
}

const RANCHER_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

function rancherRandom(length: number): string {
  return [...randomBytes(length)].map((b) => RANCHER_ALPHABET[b % RANCHER_ALPHABET.length]).join('');
}

/** logrus's text format, as kube-api-auth logs. */
function logrus(atMs: number, level: 'info' | 'error', msg: string): string {
  return `time="${rfc3339Seconds(Math.floor(atMs / 1000))}" level=${level} msg=${JSON.stringify(msg)}`;
}

function kubeApiAuthPod(cluster: TestCluster): Pod | undefined {
  const pods = podsOf(cluster, RANCHER_CONCURRENT_401.namespace, { app: RANCHER_CONCURRENT_401.daemonSet });
  return pods.find((p) => p.spec.nodeName === NODE_1.name) ?? pods[0];
}

function aceKubeconfig(server: string, caPem: string, token: string): string {
  const name = RANCHER_CONCURRENT_401.context;
  return stringify(
    {
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name, cluster: { server, 'certificate-authority-data': Buffer.from(caPem).toString('base64') } }],
      users: [{ name: 'downstream', user: { token } }],
      contexts: [{ name, context: { user: 'downstream', cluster: name } }],
      'current-context': name,
    },
    { indentSeq: false },
  );
}

registerScenario('rancher-concurrent-401', (cluster) => {
  const { namespace: ns, daemonSet: name } = RANCHER_CONCURRENT_401;
  const startedAt = cluster.clock.nowSeconds() - RANCHER_CONCURRENT_401.startedDaysAgo * DAY_SECONDS;
  const tokenName = `token-${rancherRandom(5)}`;
  const incident: RancherIncident = {
    token: `${tokenName}:${rancherRandom(54)}`,
    tokenName,
    userId: `u-${rancherRandom(10)}`,
    webhookLatencyMs: RANCHER_CONCURRENT_401.webhookLatencyMs,
    counts: { ok: 0, conflicts: 0 },
  };
  incidents.set(cluster, incident);

  cluster.batch(() => {
    ensureNode(cluster, NODE_1.name, NODE_1.ip);
    namespace(cluster, ns);
    serviceAccount(cluster, ns, RANCHER_CONCURRENT_401.serviceAccount);
    // Rancher makes the token's owner a cluster owner on the downstream cluster.
    create(cluster, R.clusterRoleBindings, undefined, {
      metadata: { name: `cluster-owner-${incident.userId}`, labels: { 'cattle.io/creator': 'norman' } },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: incident.userId }],
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
    });
    const labels = { app: name };
    create(cluster, R.daemonSets, ns, {
      metadata: { name, labels },
      spec: {
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            hostNetwork: true,
            serviceAccountName: RANCHER_CONCURRENT_401.serviceAccount,
            containers: [{ name: RANCHER_CONCURRENT_401.container, image: RANCHER_CONCURRENT_401.image, command: ['/usr/bin/kube-api-auth', 'serve'] }],
          },
        },
      },
    });
  });

  createdAt(cluster, R.serviceAccounts, ns, RANCHER_CONCURRENT_401.serviceAccount, startedAt - 30);
  createdAt(cluster, R.daemonSets, ns, name, startedAt - 30);
  forgetEvents(cluster, ns, [uidOf(cluster, R.daemonSets, ns, name)]);
  for (const pod of podsOf(cluster, ns, { app: name })) {
    runningSince(cluster, pod, startedAt);
    cluster.logs
      .container(ns, pod.metadata.name, RANCHER_CONCURRENT_401.container)
      .append(logrus(startedAt * 1000 + 420, 'info', 'Starting kube-api-auth service on 127.0.0.1:6440'), startedAt * 1000 + 421);
  }

  // The ClusterAuthToken's resourceVersion, as far as lastUsedAt writes are concerned.
  let version = 0;
  const conflict = (): AuthnResult => {
    incident.counts.conflicts++;
    const pod = kubeApiAuthPod(cluster);
    if (pod !== undefined) {
      const t = tokenName;
      cluster.logs
        .container(ns, pod.metadata.name, RANCHER_CONCURRENT_401.container)
        .append(
          logrus(
            cluster.clock.nowMs(),
            'error',
            `error updating clusterAuthToken ${t}: Operation cannot be fulfilled on clusterauthtokens.cluster.cattle.io "${t}": the object has been modified; please apply your changes to the latest version and try again`,
          ),
        );
    }
    return { ok: false };
  };
  cluster.addTokenWebhook({
    handles: (token) => token.startsWith(`${tokenName}:`),
    review: async (token) => {
      if (token !== incident.token) return { ok: false };
      const seen = version;
      await new Promise((resolve) => setTimeout(resolve, incident.webhookLatencyMs));
      if (version !== seen) return conflict();
      version++;
      incident.lastUsedAt = cluster.clock.nowRfc3339();
      incident.counts.ok++;
      return { ok: true, user: { username: incident.userId, groups: ['system:authenticated'] } };
    },
  });

  const file: ScenarioFile = {
    path: RANCHER_CONCURRENT_401.kubeconfigFile,
    text: aceKubeconfig(cluster.url, cluster.pki.ca.certPem, incident.token),
    description: `a Rancher API token through the ACE context ${RANCHER_CONCURRENT_401.context}; concurrent requests get some 401s`,
  };
  return { files: [file] };
});
