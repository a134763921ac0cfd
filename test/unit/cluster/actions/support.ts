// Our provider and API clients over a test-cluster kubeconfig, as the extension builds them.
import { after, before } from 'node:test';
import { KubeConfig } from '@kubernetes/client-node';
import { type ApiClients, type UnauthorizedEvent, createApiClients } from '../../../../src/cluster/auth/apiClient';
import { CredentialProvider } from '../../../../src/cluster/auth/credentials';
import { R } from '../../../cluster/resources';
import { startTestCluster, type ClusterUser, type TestCluster } from '../../../cluster/server';
import type { KubeObject } from '../../../cluster/types';

export interface Clients {
  provider: CredentialProvider;
  api: ApiClients;
  unauthorized: UnauthorizedEvent[];
}

export function clientsFor(cluster: TestCluster, user: ClusterUser = 'admin'): Clients {
  return clientsForYaml(cluster.kubeconfigFor(user));
}

export function clientsForYaml(yaml: string): Clients {
  const kc = new KubeConfig();
  kc.loadFromString(yaml);
  const provider = new CredentialProvider(kc, kc.getCurrentContext(), { trustExecPlugins: false });
  const unauthorized: UnauthorizedEvent[] = [];
  const api = createApiClients(provider, { onUnauthorized: (e) => unauthorized.push(e) });
  return { provider, api, unauthorized };
}

/** The live (not terminating) pods of a namespace whose name starts with `prefix`. */
export function livePods(cluster: TestCluster, namespace: string, prefix: string): KubeObject[] {
  return cluster.store.list(R.pods, namespace).filter((p) => p.metadata.name.startsWith(prefix) && p.metadata.deletionTimestamp === undefined);
}

export function onePod(cluster: TestCluster, namespace: string, prefix: string): KubeObject {
  const [pod] = livePods(cluster, namespace, prefix);
  if (pod === undefined) throw new Error(`no live pod ${namespace}/${prefix}*`);
  return pod;
}

/** Starts a test cluster with `scenarios` before the enclosing describe's tests, with admin clients; stops both after. */
export function useClusterWithAdmin(scenarios: string[], ready: (cluster: TestCluster, admin: Clients) => void): void {
  let started: { cluster: TestCluster; admin: Clients } | undefined;
  before(async () => {
    const cluster = await startTestCluster({ scenarios });
    started = { cluster, admin: clientsFor(cluster) };
    ready(started.cluster, started.admin);
  });
  after(async () => {
    await started?.admin.api.dispose();
    await started?.cluster.stop();
  });
}
