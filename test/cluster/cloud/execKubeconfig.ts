// A kubeconfig of several contexts on the test cluster, each with its own cluster entry (named as the
// cloud's tooling names it) and user: an exec credential plugin or a client certificate, in the keys
// kubectl reads.

import { stringify } from 'yaml';

export interface ExecConfig {
  apiVersion: 'client.authentication.k8s.io/v1' | 'client.authentication.k8s.io/v1beta1';
  /** An absolute path. */
  command: string;
  args?: string[];
  env?: Record<string, string>;
  interactiveMode?: 'Never' | 'IfAvailable' | 'Always';
  provideClusterInfo?: boolean;
  installHint?: string;
}

export type ContextUser = { exec: ExecConfig } | { certPem: string; keyPem: string };

export interface ContextEntry {
  context: string;
  cluster: string;
  user: string;
  credentials: ContextUser;
  namespace?: string;
}

const b64 = (text: string): string => Buffer.from(text).toString('base64');

function userBody(credentials: ContextUser): Record<string, unknown> {
  if ('certPem' in credentials) return { 'client-certificate-data': b64(credentials.certPem), 'client-key-data': b64(credentials.keyPem) };
  const e = credentials.exec;
  const exec: Record<string, unknown> = { apiVersion: e.apiVersion, command: e.command };
  if (e.args !== undefined) exec.args = e.args;
  if (e.env !== undefined) exec.env = Object.entries(e.env).map(([name, value]) => ({ name, value }));
  if (e.installHint !== undefined) exec.installHint = e.installHint;
  exec.interactiveMode = e.interactiveMode ?? 'IfAvailable';
  exec.provideClusterInfo = e.provideClusterInfo ?? false;
  return { exec };
}

export function multiContextKubeconfig(opts: { server: string; caPem: string; entries: ContextEntry[]; currentContext: string }): string {
  const clusterNames = [...new Set(opts.entries.map((e) => e.cluster))];
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: clusterNames.map((name) => ({ name, cluster: { server: opts.server, 'certificate-authority-data': b64(opts.caPem) } })),
    contexts: opts.entries.map((e) => ({
      name: e.context,
      context: { cluster: e.cluster, user: e.user, ...(e.namespace !== undefined ? { namespace: e.namespace } : {}) },
    })),
    'current-context': opts.currentContext,
    preferences: {},
    users: opts.entries.map((e) => ({ name: e.user, user: userBody(e.credentials) })),
  });
}
