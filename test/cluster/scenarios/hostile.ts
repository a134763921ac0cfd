// `hostile`: a cluster that tries, every way we know, to hang, flood or trick whoever reads it.
// - hostile/masking-line (container proxy): its log holds the line that makes a careless masking
//   regex backtrack (`401 Unauthorized authorization:`, 64 KiB of spaces, `,`), three 1 MiB lines
//   (one a 401 line with a password at its very end), and 401 lines carrying a secret in every format
//   the extension masks: a JWT in an Authorization header, a URL password, `password:`, a PEM private
//   key, an OpenShift `sha256~` token, an EKS `k8s-aws-v1.` token, cookies.
// - hostile/huge-log (container app): 200 MB of log, made line by line as it is read (never held),
//   with a 401 line carrying one of those secrets every 500 lines.
// - hostile-silent/never-answers (container agent): a read of its log is accepted and never answered.
//   Its namespace sorts after `hostile`, so a scan of every namespace reads the logs above first.
// - hostile/deep-claims-token: a legacy token Secret whose JWT (signed with the cluster's key) nests a
//   claim 5,000 levels deep.
// Handed over into --dir: `hostile/10000-contexts.kubeconfig` (current context: the admin here; one
// context whose server is a TCP listener that accepts and never answers, closed with the cluster; one
// whose user runs the plugin below; one whose user holds the deep JWT; 9,996 teams' contexts) and
// `hostile/exec-plugin-never-exits`, an exec plugin that never answers and never exits.

import { createPrivateKey, sign } from 'node:crypto';
import { join } from 'node:path';
import { SERVICE_ACCOUNT_NAME_ANNOTATION } from '../controllers/legacyTokens';
import type { HeldRequests } from '../heldRequests';
import type { GeneratedLog } from '../podLogs';
import { R } from '../resources';
import type { TestCluster } from '../server';
import { SilentEndpoint } from '../silentEndpoint';
import { create, ensureNamespace, ensureNode, NODE_1, serviceAccount } from './build';
import { hostileKubeconfigYaml, NEVER_EXITING_PLUGIN } from './hostileKubeconfig';
import { hugeLog, makeSecrets, maskingPodLog, type HostileSecrets } from './hostileLogs';
import { registerScenario, type ScenarioFile } from './registry';

export const HOSTILE = {
  namespace: 'hostile',
  /** Sorts after `hostile`: a scan of every namespace hangs here only after reading the logs above. */
  silentNamespace: 'hostile-silent',
  serviceAccount: 'hostile-app',
  maskingPod: { name: 'masking-line', container: 'proxy' },
  hugePod: { name: 'huge-log', container: 'app' },
  silentPod: { name: 'never-answers', container: 'agent', serviceAccount: 'agent' },
  deepSecret: { name: 'deep-claims-token', serviceAccount: 'deep-claims' },
  claimDepth: 5000,
  hugeLog: { bytes: 200_000_000, lineBytes: 200, everyMs: 100, unauthorizedEvery: 500 },
  kubeconfigFile: 'hostile/10000-contexts.kubeconfig',
  execPluginFile: 'hostile/exec-plugin-never-exits',
  contexts: 10_000,
  contextNames: { admin: 'hostile-admin', silent: 'hostile-silent-endpoint', exec: 'hostile-exec-never-exits', deep: 'hostile-deep-claims' },
} as const;

export interface HostileIncident {
  secrets: HostileSecrets;
  /** The 200 MB log of huge-log, as the cluster serves it. */
  hugeLog: GeneratedLog;
  /** Reads of never-answers' log, held. */
  held: HeldRequests;
  /** The listener the silent context points at. */
  silent: SilentEndpoint;
  /** The Secret's JWT, whose claims nest `claimDepth` levels. */
  deepToken: string;
  /** The service-account token the teams' contexts of the kubeconfig use. */
  appToken: string;
}

const incidents = new WeakMap<TestCluster, HostileIncident>();

/** What the scenario set up on this cluster, once it has run. */
export function hostileIncident(cluster: TestCluster): HostileIncident | undefined {
  return incidents.get(cluster);
}

/** A legacy service-account JWT whose claims also hold `{"a":{"a":…"bottom"…}}`, `depth` levels deep. */
function deepClaimsToken(cluster: TestCluster, namespace: string, serviceAccountName: string, uid: string, secretName: string, depth: number): string {
  const claims = JSON.stringify({
    iss: 'kubernetes/serviceaccount',
    'kubernetes.io/serviceaccount/namespace': namespace,
    'kubernetes.io/serviceaccount/secret.name': secretName,
    'kubernetes.io/serviceaccount/service-account.name': serviceAccountName,
    'kubernetes.io/serviceaccount/service-account.uid': uid,
    sub: `system:serviceaccount:${namespace}:${serviceAccountName}`,
  });
  // Written as text: JSON.stringify of the value itself would recurse 5,000 frames deep.
  const nested = `${'{"a":'.repeat(depth)}"bottom"${'}'.repeat(depth)}`;
  const payload = `${claims.slice(0, -1)},"nested":${nested}}`;
  const header = Buffer.from(JSON.stringify({ alg: 'RS256', kid: cluster.issuer.kid })).toString('base64url');
  const body = Buffer.from(payload).toString('base64url');
  const signature = sign('sha256', Buffer.from(`${header}.${body}`), createPrivateKey(cluster.issuer.privateKeyPem())).toString('base64url');
  return `${header}.${body}.${signature}`;
}

function serviceAccountToken(cluster: TestCluster, namespace: string, name: string, seconds: number): string {
  const sa = cluster.store.peek(R.serviceAccounts, namespace, name);
  if (sa === undefined) throw new Error(`service account ${namespace}/${name} does not exist`);
  const issued = cluster.issuer.issue({
    namespace,
    serviceAccount: { name, uid: sa.metadata.uid },
    expirationSeconds: seconds,
    nowSeconds: cluster.clock.nowSeconds(),
  });
  if (!issued.ok) throw new Error(`cannot issue a token for ${namespace}/${name}: ${issued.message}`);
  return issued.issued.token;
}

function pod(cluster: TestCluster, namespace: string, name: string, serviceAccountName: string, container: string, image: string): void {
  create(cluster, R.pods, namespace, {
    metadata: { name, labels: { app: name } },
    spec: { serviceAccountName, containers: [{ name: container, image }] },
  });
}

registerScenario('hostile', async (cluster) => {
  const { namespace: ns, silentNamespace, deepSecret } = HOSTILE;
  cluster.batch(() => {
    ensureNode(cluster, NODE_1.name, NODE_1.ip);
    ensureNamespace(cluster, ns);
    ensureNamespace(cluster, silentNamespace);
    serviceAccount(cluster, ns, HOSTILE.serviceAccount);
    serviceAccount(cluster, ns, deepSecret.serviceAccount);
    serviceAccount(cluster, silentNamespace, HOSTILE.silentPod.serviceAccount);
    pod(cluster, ns, HOSTILE.maskingPod.name, HOSTILE.serviceAccount, HOSTILE.maskingPod.container, 'registry.hostile.example/edge-proxy:0.9.1');
    pod(cluster, ns, HOSTILE.hugePod.name, HOSTILE.serviceAccount, HOSTILE.hugePod.container, 'registry.hostile.example/chatty-app:3.1.0');
    pod(
      cluster,
      silentNamespace,
      HOSTILE.silentPod.name,
      HOSTILE.silentPod.serviceAccount,
      HOSTILE.silentPod.container,
      'registry.hostile.example/agent:1.0.0',
    );
  });

  const deepSa = cluster.store.peek(R.serviceAccounts, ns, deepSecret.serviceAccount);
  if (deepSa === undefined) throw new Error(`service account ${ns}/${deepSecret.serviceAccount} does not exist`);
  const deepToken = deepClaimsToken(cluster, ns, deepSecret.serviceAccount, deepSa.metadata.uid, deepSecret.name, HOSTILE.claimDepth);
  // The token controller fills only a Secret without a token: this one keeps the one it was given.
  create(cluster, R.secrets, ns, {
    metadata: { name: deepSecret.name, annotations: { [SERVICE_ACCOUNT_NAME_ANNOTATION]: deepSecret.serviceAccount } },
    type: 'kubernetes.io/service-account-token',
    data: { token: Buffer.from(deepToken).toString('base64') },
  });

  const secrets = makeSecrets(serviceAccountToken(cluster, ns, HOSTILE.serviceAccount, 3600));
  const nowMs = cluster.clock.nowMs();
  const masking = maskingPodLog(secrets);
  const logs = cluster.logs.container(ns, HOSTILE.maskingPod.name, HOSTILE.maskingPod.container);
  logs.clear();
  // The last ten minutes, a line every few seconds, the newest now.
  masking.forEach((line, i) => logs.append(line, nowMs - (masking.length - 1 - i) * 5000));
  const huge = hugeLog(secrets, { ...HOSTILE.hugeLog, endMs: nowMs });
  cluster.logs.container(ns, HOSTILE.hugePod.name, HOSTILE.hugePod.container).generate(huge);
  const held = cluster.logs.container(silentNamespace, HOSTILE.silentPod.name, HOSTILE.silentPod.container).neverAnswer();

  const silent = await SilentEndpoint.open();
  cluster.onStop(() => silent.close());
  const appToken = serviceAccountToken(cluster, ns, HOSTILE.serviceAccount, 7 * 24 * 3600);
  incidents.set(cluster, { secrets, hugeLog: huge, held, silent, deepToken, appToken });

  const kubeconfig = (execCommand: string): string =>
    hostileKubeconfigYaml({
      contexts: HOSTILE.contexts,
      server: cluster.url,
      silentServer: silent.url,
      caPem: cluster.pki.ca.certPem,
      adminToken: cluster.adminToken,
      appToken,
      deepToken,
      execCommand,
      names: HOSTILE.contextNames,
    });
  const pluginName = HOSTILE.execPluginFile.split('/').pop() ?? '';
  const files: ScenarioFile[] = [
    {
      path: HOSTILE.kubeconfigFile,
      // kubectl resolves a relative exec command that has a slash against the kubeconfig's folder.
      text: kubeconfig(`./${pluginName}`),
      textIn: (dir) => kubeconfig(join(dir, ...HOSTILE.execPluginFile.split('/'))),
      description: `a kubeconfig with ${HOSTILE.contexts.toLocaleString('en')} contexts: the admin here, one that never answers (${silent.url}), one whose exec plugin never exits, one with a 5,000-deep JWT`,
    },
    {
      path: HOSTILE.execPluginFile,
      text: NEVER_EXITING_PLUGIN,
      mode: 0o700,
      description: 'an exec credential plugin that never answers and never exits',
    },
  ];
  return { files };
});
