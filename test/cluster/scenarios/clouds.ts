// `clouds`: the test cluster as five clusters a platform team reaches from one kubeconfig, each through
// its cloud's own credential plugin (the fakes in test/plugins, named by absolute path):
// - eks-prod-eu: `aws eks get-token --cluster-name prod-eu --region eu-west-1 --role-arn …`, a presigned STS
//   URL the cluster checks as aws-iam-authenticator does, mapped by aws-auth to `eks-admin` (system:masters);
// - gke-analytics: gke-gcloud-auth-plugin, a `ya29.` token for dana@analytics.example.com, cached beside
//   the kubeconfig in gke_gcloud_auth_plugin_cache;
// - aks-payments: kubelogin `--login azurecli`, an Entra ID token for alex@paymentsco.onmicrosoft.com;
// - oidc-platform: `kubectl oidc-login get-token`, an ID token for priya@platform.example.com;
// - kubeadm-admin (the current context): kubeadm's admin.conf, a client certificate (CN kubernetes-admin,
//   O system:masters) that expires in 20 days.
// Handed over into --dir under `clouds/`: the kubeconfig, the Entra and OIDC signing keys, the cluster's
// clock for the plugins. Each plugin appends a line to its own run log there each time it runs.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CertAndKey } from '../ca';
import { cloudAuthOf, type CloudAuth } from '../cloud/cloudAuth';
import { writeScenarioFiles } from '../cloud/handOver';
import { multiContextKubeconfig, type ContextEntry } from '../cloud/execKubeconfig';
import { AKS, CLOUD_USERNAMES, EKS, GKE, KUBEADM, kubeloginArgs, OIDC } from '../cloud/identities';
import { countRuns, FAKE_PLUGINS, PLUGIN_ENV } from '../cloud/plugins';
import type { TestCluster } from '../server';
import { registerScenario, type ScenarioFile } from './registry';

const DAY_MS = 86_400_000;

export const CLOUD_CONTEXTS = {
  eks: 'eks-prod-eu',
  gke: 'gke-analytics',
  aks: 'aks-payments',
  oidc: 'oidc-platform',
  kubeadm: 'kubeadm-admin',
} as const;

export type CloudContextName = (typeof CLOUD_CONTEXTS)[keyof typeof CLOUD_CONTEXTS];
/** The contexts whose user is an exec plugin. */
export type PluginContextName = Exclude<CloudContextName, 'kubeadm-admin'>;

export const CLOUDS = {
  folder: 'clouds',
  kubeconfigFile: 'clouds/clouds.kubeconfig',
  entraKeyFile: 'clouds/entra-signing-key.pem',
  oidcKeyFile: 'clouds/oidc-issuer-key.pem',
  clockFile: 'clouds/cluster-clock.json',
  /** Where gke-gcloud-auth-plugin keeps its token: beside the kubeconfig, as the real one does. */
  gkeCacheFile: 'clouds/gke_gcloud_auth_plugin_cache',
  runLogs: {
    'eks-prod-eu': 'clouds/eks-prod-eu.runs.log',
    'gke-analytics': 'clouds/gke-analytics.runs.log',
    'aks-payments': 'clouds/aks-payments.runs.log',
    'oidc-platform': 'clouds/oidc-platform.runs.log',
  } satisfies Record<PluginContextName, string>,
  currentContext: CLOUD_CONTEXTS.kubeadm,
  /** Who `kubectl auth whoami` says each context is. */
  usernames: {
    'eks-prod-eu': CLOUD_USERNAMES.eks,
    'gke-analytics': CLOUD_USERNAMES.gke,
    'aks-payments': CLOUD_USERNAMES.aks,
    'oidc-platform': CLOUD_USERNAMES.oidc,
    'kubeadm-admin': CLOUD_USERNAMES.kubeadm,
  } satisfies Record<CloudContextName, string>,
} as const;

/** The clouds kubeconfig and what goes with it, written into a folder. */
export interface CloudsKubeconfig {
  /** The kubeconfig's absolute path. */
  path: string;
  text: string;
  contexts: typeof CLOUD_CONTEXTS;
  usernames: Record<CloudContextName, string>;
  /** Each plugin context's run log (absolute): a line per run; missing until the plugin first runs. */
  runLogs: Record<PluginContextName, string>;
  /** How many times the context's plugin has run so far. */
  runs(context: PluginContextName): number;
  gkeCache: string;
  clockFile: string;
  /** When kubeadm-admin's client certificate expires (cluster time, ms). */
  kubeadmCertNotAfterMs: number;
}

const kubeadmCerts = new WeakMap<TestCluster, { cert: CertAndKey; notAfterMs: number }>();

/** kubeadm's admin.conf credentials for this cluster, issued once: they expire 20 days after the cluster's now. */
function kubeadmAdmin(cluster: TestCluster): { cert: CertAndKey; notAfterMs: number } {
  const existing = kubeadmCerts.get(cluster);
  if (existing !== undefined) return existing;
  // Whole seconds: an X.509 validity time has no fraction.
  const notAfterMs = Math.floor((cluster.clock.nowMs() + KUBEADM.expiresInDays * DAY_MS) / 1000) * 1000;
  // kubeadm signs admin.conf's certificate for one year: this one was issued 345 days ago.
  const notBefore = new Date(notAfterMs - 365 * DAY_MS);
  const cert = cluster.pki.issueClientCert({
    commonName: KUBEADM.commonName,
    organizations: [...KUBEADM.organizations],
    notBefore,
    notAfter: new Date(notAfterMs),
  });
  const made = { cert, notAfterMs };
  kubeadmCerts.set(cluster, made);
  return made;
}

/** A scenario path under `dir`; the bare relative path when the folder is not known yet. */
function locate(dir: string | undefined, relative: string): string {
  return dir === undefined ? relative : join(dir, ...relative.split('/'));
}

function cloudsYaml(cluster: TestCluster, auth: CloudAuth, dir: string | undefined): string {
  const at = (relative: string): string => locate(dir, relative);
  const common = (context: PluginContextName): Record<string, string> => ({
    [PLUGIN_ENV.runs]: at(CLOUDS.runLogs[context]),
    [PLUGIN_ENV.clock]: at(CLOUDS.clockFile),
  });
  const eksArn = `arn:aws:eks:${EKS.region}:${EKS.accountId}:cluster/${EKS.clusterName}`;
  const gkeName = `gke_${GKE.project}_${GKE.location}_${GKE.cluster}`;
  const aksUser = `clusterUser_${AKS.resourceGroup}_${AKS.cluster}`;
  const admin = kubeadmAdmin(cluster).cert;
  const entries: ContextEntry[] = [
    {
      context: CLOUD_CONTEXTS.eks,
      cluster: eksArn,
      user: eksArn,
      credentials: {
        exec: {
          apiVersion: 'client.authentication.k8s.io/v1beta1',
          command: FAKE_PLUGINS.aws,
          args: ['eks', 'get-token', '--cluster-name', EKS.clusterName, '--region', EKS.region, '--role-arn', EKS.roleArn, '--output', 'json'],
          env: { AWS_ACCESS_KEY_ID: auth.aws.accessKeyId, AWS_SECRET_ACCESS_KEY: auth.aws.secretAccessKey, ...common(CLOUD_CONTEXTS.eks) },
        },
      },
    },
    {
      context: CLOUD_CONTEXTS.gke,
      cluster: gkeName,
      user: gkeName,
      credentials: {
        exec: {
          apiVersion: 'client.authentication.k8s.io/v1beta1',
          command: FAKE_PLUGINS.gke,
          env: {
            CLOUDSDK_CORE_ACCOUNT: GKE.account,
            [PLUGIN_ENV.gkeSecret]: auth.gkeSecretHex,
            [PLUGIN_ENV.gkeCache]: at(CLOUDS.gkeCacheFile),
            [PLUGIN_ENV.gkeContext]: CLOUD_CONTEXTS.gke,
            ...common(CLOUD_CONTEXTS.gke),
          },
          installHint:
            'Install gke-gcloud-auth-plugin for use with kubectl by following https://cloud.google.com/kubernetes-engine/docs/how-to/cluster-access-for-kubectl#install_plugin',
          provideClusterInfo: true,
        },
      },
    },
    {
      context: CLOUD_CONTEXTS.aks,
      cluster: AKS.cluster,
      user: aksUser,
      credentials: {
        exec: {
          apiVersion: 'client.authentication.k8s.io/v1beta1',
          command: FAKE_PLUGINS.kubelogin,
          args: kubeloginArgs('azurecli'),
          env: entraEnv(at(CLOUDS.entraKeyFile), common(CLOUD_CONTEXTS.aks)),
        },
      },
    },
    {
      context: CLOUD_CONTEXTS.oidc,
      cluster: CLOUD_CONTEXTS.oidc,
      user: `oidc-${OIDC.email}`,
      credentials: {
        exec: {
          apiVersion: 'client.authentication.k8s.io/v1beta1',
          command: FAKE_PLUGINS.oidcLogin,
          args: ['get-token', `--oidc-issuer-url=${OIDC.issuer}`, `--oidc-client-id=${OIDC.clientId}`],
          env: {
            [PLUGIN_ENV.oidcKey]: at(CLOUDS.oidcKeyFile),
            [PLUGIN_ENV.oidcSub]: OIDC.sub,
            [PLUGIN_ENV.oidcEmail]: OIDC.email,
            [PLUGIN_ENV.oidcName]: OIDC.name,
            [PLUGIN_ENV.oidcGroups]: OIDC.groups.join(','),
            ...common(CLOUD_CONTEXTS.oidc),
          },
        },
      },
    },
    { context: CLOUD_CONTEXTS.kubeadm, cluster: 'kubernetes', user: KUBEADM.commonName, credentials: { certPem: admin.certPem, keyPem: admin.keyPem } },
  ];
  return multiContextKubeconfig({ server: cluster.url, caPem: cluster.pki.ca.certPem, entries, currentContext: CLOUDS.currentContext });
}

/** kubelogin's environment for the tenant's user (shared with the login-required scenario). */
export function entraEnv(keyPath: string, more: Record<string, string>): Record<string, string> {
  return {
    [PLUGIN_ENV.entraKey]: keyPath,
    [PLUGIN_ENV.entraUpn]: AKS.upn,
    [PLUGIN_ENV.entraOid]: AKS.oid,
    [PLUGIN_ENV.entraName]: AKS.name,
    [PLUGIN_ENV.entraGroups]: AKS.groups.join(','),
    ...more,
  };
}

/** The scenario's files, to be written into a folder (`writeFiles`, `--dir`). */
export function cloudsFiles(cluster: TestCluster): ScenarioFile[] {
  const auth = cloudAuthOf(cluster);
  return [
    {
      path: CLOUDS.kubeconfigFile,
      text: cloudsYaml(cluster, auth, undefined),
      textIn: (dir) => cloudsYaml(cluster, auth, dir),
      description: `a kubeconfig with one context per cloud (${Object.values(CLOUD_CONTEXTS).join(', ')}), each through its cloud's plugin`,
    },
    { path: CLOUDS.entraKeyFile, text: auth.entraKeyPem, description: "the Entra tenant's signing key the fake kubelogin signs with" },
    { path: CLOUDS.oidcKeyFile, text: auth.oidcKeyPem, description: "the OIDC issuer's signing key the fake oidc-login signs with" },
    {
      path: CLOUDS.clockFile,
      text: auth.clockText(),
      description: "the cluster's clock, which the fake plugins mint their tokens by",
      live: (path) => auth.followClock(path),
    },
  ];
}

/** Paths and counters of a folder the `clouds` files were written to (by writeFiles, --dir or cloudsKubeconfig). */
export function cloudsIn(dir: string): Omit<CloudsKubeconfig, 'text' | 'kubeadmCertNotAfterMs'> {
  const runLogs = Object.fromEntries(Object.entries(CLOUDS.runLogs).map(([context, relative]) => [context, locate(dir, relative)])) as Record<
    PluginContextName,
    string
  >;
  return {
    path: locate(dir, CLOUDS.kubeconfigFile),
    contexts: CLOUD_CONTEXTS,
    usernames: { ...CLOUDS.usernames },
    runLogs,
    runs: (context) => countRuns(runLogs[context]),
    gkeCache: locate(dir, CLOUDS.gkeCacheFile),
    clockFile: locate(dir, CLOUDS.clockFile),
  };
}

/** Write the `clouds` kubeconfig and its files under `dir/clouds/` (installing the clouds' authentication on the cluster). */
export function cloudsKubeconfig(cluster: TestCluster, dir: string): CloudsKubeconfig {
  writeScenarioFiles(cloudsFiles(cluster), dir);
  const paths = cloudsIn(dir);
  return { ...paths, text: readFileSync(paths.path, 'utf8'), kubeadmCertNotAfterMs: kubeadmAdmin(cluster).notAfterMs };
}

registerScenario('clouds', (cluster) => ({ files: cloudsFiles(cluster) }));
