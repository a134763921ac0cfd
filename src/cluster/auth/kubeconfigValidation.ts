// What kubectl refuses before it sends anything: client-go's ConfirmUsable (validateAuthInfo and
// validateClusterInfo of the context in use), the TLS rule on insecure-skip-tls-verify, and the lookup of the
// auth-provider and exec plugin. The sentences are client-go's, so the user sees what kubectl would say.
import fs from 'node:fs';
import type { Cluster } from '@kubernetes/client-node';
import { errorCode } from './kubeconfigFiles';
import { isRecord } from '../../shared/values';

type Entry = Record<string, unknown>;

const EXEC_VERSIONS = new Set(['client.authentication.k8s.io/v1', 'client.authentication.k8s.io/v1beta1']);
const INTERACTIVE_MODES = new Set(['Never', 'IfAvailable', 'Always']);

const REMOVED_PROVIDERS: Record<string, string> = {
  gcp: 'The gcp auth plugin has been removed. Please use the "gke-gcloud-auth-plugin" kubectl/client-go credential plugin instead. See https://cloud.google.com/blog/products/containers-kubernetes/kubectl-auth-changes-in-gke for further details',
  azure:
    'The azure auth plugin has been removed. Please use the https://github.com/Azure/kubelogin kubectl/client-go credential plugin instead. See https://kubernetes.io/docs/reference/access-authn-authz/authentication/#client-go-credential-plugins for further details',
};

/**
 * kubectl's own sentence for why it would not use this context, or undefined when it would. `cluster` and `user`
 * are the merged kubeconfig entries (paths already absolute); an absent user is not an error (kubectl prompts).
 */
export function kubectlRefusal(clusterName: string, cluster: Entry | undefined, userName: string | undefined, user: Entry | undefined): string | undefined {
  const errors = [...(user && userName !== undefined ? authInfoErrors(userName, user) : []), ...(cluster ? clusterErrors(clusterName, cluster) : [])];
  if (errors.length === 0 && cluster) errors.push(...transportErrors(cluster, user));
  if (errors.length === 0) return undefined;
  return errors.length === 1 ? errors[0] : `invalid configuration: [${errors.join(', ')}]`;
}

/** client-go's validateAuthInfo. */
function authInfoErrors(name: string, user: Entry): string[] {
  const errors: string[] = [];
  const methods: string[] = [];
  if (text(user.token)) methods.push('token');
  if (text(user.username) || text(user.password)) methods.push('basicAuth');

  const cert = text(user['client-certificate']);
  const certData = text(user['client-certificate-data']);
  const key = text(user['client-key']);
  const keyData = text(user['client-key-data']);
  if (cert || certData) {
    if (cert && certData) errors.push(`client-cert-data and client-cert are both specified for ${name}. client-cert-data will override.`);
    if (key && keyData) errors.push(`client-key-data and client-key are both specified for ${name}; client-key-data will override`);
    if (!key && !keyData) errors.push(`client-key-data or client-key must be specified for ${name} to use the clientCert authentication method.`);
    if (cert) {
      const problem = unreadable(cert);
      if (problem) errors.push(`unable to read client-cert ${cert} for ${name} due to ${problem}`);
    }
    if (key) {
      const problem = unreadable(key);
      if (problem) errors.push(`unable to read client-key ${key} for ${name} due to ${problem}`);
    }
  }

  const exec = isRecord(user.exec) ? user.exec : undefined;
  if (exec) {
    if (user['auth-provider'] !== undefined && user['auth-provider'] !== null) {
      errors.push(`authProvider cannot be provided in combination with an exec plugin for ${name}`);
    }
    if (!text(exec.command)) errors.push(`command must be specified for ${name} to use exec authentication plugin`);
    const apiVersion = text(exec.apiVersion);
    if (!apiVersion) errors.push(`apiVersion must be specified for ${name} to use exec authentication plugin`);
    if (Array.isArray(exec.env) && exec.env.some((e) => !isRecord(e) || !text(e.name))) {
      errors.push(`env variable name must be specified for ${name} to use exec authentication plugin`);
    }
    const mode = interactiveModeOf(exec);
    if (!mode) errors.push(`interactiveMode must be specified for ${name} to use exec authentication plugin`);
    else if (!INTERACTIVE_MODES.has(mode)) errors.push(`invalid interactiveMode for ${name}: ${JSON.stringify(mode)}`);
  }

  if (methods.length > 1) errors.push(`more than one authentication method found for ${name}; found [${methods.join(' ')}], only one is allowed`);
  const asGroups = Array.isArray(user['as-groups']) && user['as-groups'].length > 0;
  const asExtra = isRecord(user['as-user-extra']) && Object.keys(user['as-user-extra']).length > 0;
  if ((text(user['as-uid']) || asGroups || asExtra) && !text(user.as)) {
    errors.push(`requesting uid, groups or user-extra for ${name} without impersonating a user`);
  }
  return errors;
}

/** client-go's validateClusterInfo (the server itself is checked where the context is summarised). */
function clusterErrors(name: string, cluster: Entry): string[] {
  const errors: string[] = [];
  const proxyUrl = text(cluster['proxy-url']);
  if (proxyUrl) {
    const problem = proxyUrlProblem(proxyUrl);
    if (problem) errors.push(`invalid 'proxy-url' ${JSON.stringify(proxyUrl)} for cluster ${JSON.stringify(name)}: ${problem}`);
  }
  const ca = text(cluster['certificate-authority']);
  if (ca && text(cluster['certificate-authority-data'])) {
    errors.push(`certificate-authority-data and certificate-authority are both specified for ${name}. certificate-authority-data will override.`);
  }
  if (ca) {
    const problem = unreadable(ca);
    if (problem) errors.push(`unable to read certificate-authority ${ca} for ${name} due to ${problem}`);
  }
  return errors;
}

/** What building kubectl's transport refuses: a CA with insecure-skip-tls-verify, an unknown plugin. */
function transportErrors(cluster: Entry, user: Entry | undefined): string[] {
  if (cluster['insecure-skip-tls-verify'] === true && (text(cluster['certificate-authority']) || text(cluster['certificate-authority-data']))) {
    return ['specifying a root certificates file with the insecure flag is not allowed'];
  }
  const provider = user && isRecord(user['auth-provider']) ? user['auth-provider'] : undefined;
  if (provider) {
    const problem = authProviderProblem(provider);
    if (problem) return [problem];
  }
  const exec = user && isRecord(user.exec) ? user.exec : undefined;
  const apiVersion = exec ? text(exec.apiVersion) : undefined;
  if (apiVersion && !EXEC_VERSIONS.has(apiVersion)) return [`exec plugin: invalid apiVersion ${JSON.stringify(apiVersion)}`];
  return [];
}

/** kubectl 1.32 builds only the oidc provider; gcp and azure were removed, anything else is unknown. */
function authProviderProblem(provider: Entry): string | undefined {
  const name = typeof provider.name === 'string' ? provider.name : '';
  const removed = REMOVED_PROVIDERS[name];
  if (removed) return removed;
  if (name !== 'oidc') return `no Auth Provider found for name ${JSON.stringify(name)}`;
  const config = isRecord(provider.config) ? provider.config : {};
  if (!text(config['idp-issuer-url'])) return 'Must provide idp-issuer-url';
  if (!text(config['client-id'])) return 'Must provide client-id';
  const caData = text(config['idp-certificate-authority-data']);
  if (caData && !/^[A-Za-z0-9+/]*={0,2}$/.test(caData.replace(/\s/g, ''))) return 'illegal base64 data in idp-certificate-authority-data';
  return undefined;
}

/** The interactive mode kubectl uses: v1beta1 defaults to IfAvailable, v1 must say it. */
function interactiveModeOf(exec: Entry): string | undefined {
  const mode = text(exec.interactiveMode);
  if (mode) return mode;
  return exec.apiVersion === 'client.authentication.k8s.io/v1beta1' || exec.apiVersion === 'client.authentication.k8s.io/v1alpha1' ? 'IfAvailable' : undefined;
}

/** client-go's parseProxyURL. */
function proxyUrlProblem(value: string): string | undefined {
  let scheme: string;
  try {
    scheme = new URL(value).protocol.replace(/:$/, '');
  } catch {
    // Go parses a bare host:port as an opaque URL with that host as its scheme.
    const m = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(value);
    if (!m) return `could not parse: ${value}`;
    scheme = m[1]?.toLowerCase() ?? '';
  }
  return ['http', 'https', 'socks5'].includes(scheme) ? undefined : `unsupported scheme ${JSON.stringify(scheme)}, must be http, https, or socks5`;
}

/** Go's os.Open error text for a file kubectl must read, or undefined when it can be opened. */
function unreadable(file: string): string | undefined {
  try {
    fs.closeSync(fs.openSync(file, 'r'));
    return undefined;
  } catch (err) {
    const code = errorCode(err);
    const why =
      code === 'ENOENT'
        ? 'no such file or directory'
        : code === 'EACCES'
          ? 'permission denied'
          : code === 'ENOTDIR'
            ? 'not a directory'
            : (code ?? 'unknown error');
    return `open ${file}: ${why}`;
  }
}

function text(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

// client-node keeps none of the fields a refusal is about: the sentence rides on its cluster object, where it is
// also part of what the session is keyed on.
const PROPERTY = 'kubectlRefusal';

export function attachKubectlRefusal(cluster: Cluster, message: string): void {
  Object.assign(cluster, { [PROPERTY]: message });
}

/** kubectl's sentence for why it would refuse the context that uses `cluster`, when it would. */
export function attachedKubectlRefusal(cluster: Cluster | undefined): string | undefined {
  const v: unknown = cluster ? (cluster as unknown as Record<string, unknown>)[PROPERTY] : undefined;
  return typeof v === 'string' ? v : undefined;
}
