// Kubeconfig YAML for the test cluster: the CA inline (certificate-authority-data) and one
// user, by client certificate, bearer token or token file.

import { stringify } from 'yaml';

export type KubeconfigUser =
  | { kind: 'cert'; name: string; certPem: string; keyPem: string }
  | { kind: 'token'; name: string; token: string }
  // `tokenFile` is the key kubectl reads (client-node's `token-file` is ignored by kubectl).
  | { kind: 'tokenFile'; name: string; tokenFile: string };

function b64(pem: string): string {
  return Buffer.from(pem).toString('base64');
}

export function kubeconfigYaml(opts: { server: string; caPem: string; user: KubeconfigUser; namespace?: string; clusterName?: string }): string {
  const cluster = opts.clusterName ?? 'test-cluster';
  const user =
    opts.user.kind === 'cert'
      ? { 'client-certificate-data': b64(opts.user.certPem), 'client-key-data': b64(opts.user.keyPem) }
      : opts.user.kind === 'tokenFile'
        ? { tokenFile: opts.user.tokenFile }
        : { token: opts.user.token };
  const context: Record<string, string> = { cluster, user: opts.user.name };
  if (opts.namespace !== undefined) context.namespace = opts.namespace;
  const contextName = `${opts.user.name}@${cluster}`;
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: cluster, cluster: { server: opts.server, 'certificate-authority-data': b64(opts.caPem) } }],
    users: [{ name: opts.user.name, user }],
    contexts: [{ name: contextName, context }],
    'current-context': contextName,
    preferences: {},
  });
}
