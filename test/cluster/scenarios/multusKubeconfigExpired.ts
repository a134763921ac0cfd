// `multus-kubeconfig-expired`: kube-system/kube-multus-ds, the Multus thin plugin's DaemonSet.
// When its pod starts, the entrypoint copies the pod's service-account token into the node file
// /etc/cni/net.d/multus.d/multus.kubeconfig, which the multus binary reads each time the container
// runtime asks it to wire a pod. Nothing rewrites that file while the pod lives
// (k8snetworkplumbingwg/multus-cni#852, kubernetes-sigs/kubespray#12002, rancher/rke2#9313), so
// once the copied token expires (a year after start here, an hour where tokens are not extended),
// every pod sandbox on the node fails with "error getting pod: Unauthorized". The kubelet keeps
// the pod's own token file fresh: only the copy on the node is stale.
//
// On node-1 the DaemonSet's pod has run for 400 days. The scenario hands over node-1's
// multus.kubeconfig as a file (`node-1/multus.kubeconfig`). The container's log shows the
// plugin's errors: this DaemonSet's container also follows the plugin's log file on the host.

import { createHash } from 'node:crypto';
import { stringify } from 'yaml';
import { R } from '../resources';
import type { TestCluster } from '../server';
import type { Pod } from '../types';
import { create, ensureNode, NODE_1, serviceAccount } from './build';
import { createdAt, DAY_SECONDS, forgetEvents, podsOf, runningSince, TOKEN_PATH, uidOf } from './history';
import { registerScenario, type ScenarioFile } from './registry';
import { repeatLog } from './repeatingLog';

export const MULTUS_KUBECONFIG_EXPIRED = {
  namespace: 'kube-system',
  daemonSet: 'kube-multus-ds',
  container: 'kube-multus',
  serviceAccount: 'multus',
  image: 'ghcr.io/k8snetworkplumbingwg/multus-cni:v4.0.2',
  node: NODE_1.name,
  /** Where the scenario's file goes, relative to the demo folder. */
  kubeconfigFile: `${NODE_1.name}/multus.kubeconfig`,
  /** Where the file lives on the node. */
  hostPath: '/etc/cni/net.d/multus.d/multus.kubeconfig',
  startedDaysAgo: 400,
  /** A CronJob on the node starts a pod this often; each start fails and is retried. */
  jobEveryMinutes: 5,
  retrySeconds: 60,
} as const;

const LABELS = { app: 'multus', name: 'multus', tier: 'node' };
/** The characters Kubernetes uses in generated name suffixes. */
const NAME_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** The DaemonSet's pod on node-1. */
export function multusPod(cluster: TestCluster): Pod | undefined {
  return podsOf(cluster, MULTUS_KUBECONFIG_EXPIRED.namespace, LABELS).find((p) => p.spec.nodeName === MULTUS_KUBECONFIG_EXPIRED.node);
}

/** The kubeconfig the entrypoint wrote on the node, in the entrypoint's own layout. */
export function multusKubeconfigYaml(server: string, caPem: string, token: string): string {
  const body = stringify(
    {
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'local', cluster: { server, 'certificate-authority-data': Buffer.from(caPem).toString('base64') } }],
      users: [{ name: 'multus', user: { token } }],
      contexts: [{ name: 'multus-context', context: { cluster: 'local', user: 'multus' } }],
      'current-context': 'multus-context',
    },
    { indentSeq: false },
  );
  return `# Kubeconfig file for Multus CNI plugin.\n${body}`;
}

function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function fakeUid(seed: string): string {
  const h = createHash('sha256').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** One sandbox attempt for the CronJob pod of the moment, refused by the API server. */
function sandboxAttempt(atMs: number): string[] {
  const scheduled = Math.floor(atMs / 60000 / MULTUS_KUBECONFIG_EXPIRED.jobEveryMinutes) * MULTUS_KUBECONFIG_EXPIRED.jobEveryMinutes;
  const suffix = [...createHash('sha256').update(String(scheduled)).digest().subarray(0, 5)].map((b) => NAME_ALPHABET[b % NAME_ALPHABET.length]).join('');
  const pod = `nightly-export-${scheduled}-${suffix}`;
  const t = rfc3339(atMs);
  return [
    `${t} [verbose] Readiness Indicator file check`,
    `${t} [verbose] Readiness Indicator file check done!`,
    `${t} [error] Multus: [batch/${pod}/${fakeUid(pod)}]: error getting pod: Unauthorized`,
  ];
}

registerScenario('multus-kubeconfig-expired', (cluster) => {
  const { namespace: ns, daemonSet: name } = MULTUS_KUBECONFIG_EXPIRED;
  const startedAt = cluster.clock.nowSeconds() - MULTUS_KUBECONFIG_EXPIRED.startedDaysAgo * DAY_SECONDS;
  cluster.batch(() => {
    ensureNode(cluster, NODE_1.name, NODE_1.ip);
    serviceAccount(cluster, ns, MULTUS_KUBECONFIG_EXPIRED.serviceAccount);
    create(cluster, R.clusterRoles, undefined, {
      metadata: { name: 'multus' },
      rules: [
        { apiGroups: ['k8s.cni.cncf.io'], resources: ['*'], verbs: ['*'] },
        { apiGroups: [''], resources: ['pods', 'pods/status'], verbs: ['get', 'list', 'update', 'watch'] },
        { apiGroups: ['', 'events.k8s.io'], resources: ['events'], verbs: ['create', 'patch', 'update'] },
      ],
    });
    create(cluster, R.clusterRoleBindings, undefined, {
      metadata: { name: 'multus' },
      subjects: [{ kind: 'ServiceAccount', name: MULTUS_KUBECONFIG_EXPIRED.serviceAccount, namespace: ns }],
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'multus' },
    });
    create(cluster, R.daemonSets, ns, {
      metadata: { name, labels: LABELS },
      spec: {
        selector: { matchLabels: { name: 'multus' } },
        template: {
          metadata: { labels: LABELS },
          spec: {
            hostNetwork: true,
            serviceAccountName: MULTUS_KUBECONFIG_EXPIRED.serviceAccount,
            tolerations: [
              { operator: 'Exists', effect: 'NoSchedule' },
              { operator: 'Exists', effect: 'NoExecute' },
            ],
            containers: [
              {
                name: MULTUS_KUBECONFIG_EXPIRED.container,
                image: MULTUS_KUBECONFIG_EXPIRED.image,
                command: ['/thin_entrypoint'],
                args: ['--multus-conf-file=auto', '--multus-autoconfig-dir=/host/etc/cni/net.d', '--cni-conf-dir=/host/etc/cni/net.d'],
                volumeMounts: [
                  { name: 'cni', mountPath: '/host/etc/cni/net.d' },
                  { name: 'cnibin', mountPath: '/host/opt/cni/bin' },
                ],
              },
            ],
            volumes: [
              { name: 'cni', hostPath: { path: '/etc/cni/net.d' } },
              { name: 'cnibin', hostPath: { path: '/opt/cni/bin' } },
            ],
          },
        },
      },
    });
  });

  const pod = multusPod(cluster);
  if (pod === undefined) throw new Error(`no ${name} pod on ${NODE_1.name}`);
  createdAt(cluster, R.serviceAccounts, ns, MULTUS_KUBECONFIG_EXPIRED.serviceAccount, startedAt - 60);
  createdAt(cluster, R.daemonSets, ns, name, startedAt - 30);
  forgetEvents(cluster, ns, [uidOf(cluster, R.daemonSets, ns, name)]);
  runningSince(cluster, pod, startedAt);

  // The entrypoint's copy: the first token the kubelet wrote, issued when the pod started.
  const copied = cluster.kubelet.written(pod.metadata.uid, TOKEN_PATH)[0];
  if (copied === undefined) throw new Error(`the kubelet wrote no token for ${pod.metadata.name}`);
  repeatLog(cluster, {
    namespace: ns,
    pod: pod.metadata.name,
    container: MULTUS_KUBECONFIG_EXPIRED.container,
    fromMs: (copied.issued.exp + 61) * 1000 + 818,
    everySeconds: MULTUS_KUBECONFIG_EXPIRED.retrySeconds,
    cycle: sandboxAttempt,
    keepCycles: 180,
  });

  const file: ScenarioFile = {
    path: MULTUS_KUBECONFIG_EXPIRED.kubeconfigFile,
    text: multusKubeconfigYaml(cluster.url, cluster.pki.ca.certPem, copied.issued.token),
    description: `${NODE_1.name}'s ${MULTUS_KUBECONFIG_EXPIRED.hostPath}, whose token expired`,
  };
  return { files: [file] };
});
