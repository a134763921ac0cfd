// Helpers scenarios share: create-or-fail writes through the API, and the usual shapes
// (a Node, a ServiceAccount, a Deployment) in a line each.

import type { ResourceInfo } from '../resources';
import { cloneJson } from '../json';
import { groupVersion, R } from '../resources';
import type { TestCluster } from '../server';
import type { KubeObject } from '../types';

export const SCENARIO_MANAGER = 'kubectl-client-side-apply';

/** Create through the API (defaulting, admission, controllers); a refusal is a broken scenario. */
export function create(cluster: TestCluster, r: ResourceInfo, namespace: string | undefined, body: Record<string, unknown>): KubeObject {
  const result = cluster.api.create(r, namespace, applied(r, namespace, body), { manager: SCENARIO_MANAGER });
  if (!result.ok)
    throw new Error(
      `scenario could not create ${r.plural} ${String((body.metadata as { name?: string } | undefined)?.name)}: ${result.error.body.message ?? ''}`,
    );
  return cloneJson(result.object);
}

/** The body as `kubectl apply` sends it: what it applied kept in an annotation, as the recorded objects carry it. */
export function applied(r: ResourceInfo, namespace: string | undefined, body: Record<string, unknown>): Record<string, unknown> {
  const configuration = {
    apiVersion: groupVersion(r),
    kind: r.kind,
    ...body,
    metadata: { annotations: {}, ...(body.metadata as object), ...(r.namespaced ? { namespace } : {}) },
  };
  const meta = (body.metadata ?? {}) as { annotations?: Record<string, string> };
  return {
    ...body,
    metadata: { ...meta, annotations: { ...meta.annotations, 'kubectl.kubernetes.io/last-applied-configuration': `${JSON.stringify(configuration)}\n` } },
  };
}

export function node(cluster: TestCluster, name: string, ip: string): KubeObject {
  return create(cluster, R.nodes, undefined, {
    metadata: { name, labels: { 'beta.kubernetes.io/os': 'linux', 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux' } },
    spec: {},
    status: {
      capacity: { cpu: '4', memory: '16Gi', pods: '110' },
      allocatable: { cpu: '4', memory: '16Gi', pods: '110' },
      conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' }],
      addresses: [
        { type: 'InternalIP', address: ip },
        { type: 'Hostname', address: name },
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      nodeInfo: {
        machineID: '',
        systemUUID: '',
        bootID: '',
        kernelVersion: '6.1.0',
        osImage: 'Debian GNU/Linux 12 (bookworm)',
        containerRuntimeVersion: 'containerd://1.7.22',
        kubeletVersion: 'v1.32.6',
        kubeProxyVersion: 'v1.32.6',
        operatingSystem: 'linux',
        architecture: 'amd64',
      },
    },
  });
}

export function namespace(cluster: TestCluster, name: string): KubeObject {
  return create(cluster, R.namespaces, undefined, { metadata: { name } });
}

/** The Node, made unless another scenario already made it (scenarios combine in any order). */
export function ensureNode(cluster: TestCluster, name: string, ip: string): KubeObject {
  return cluster.store.peek(R.nodes, undefined, name) ?? node(cluster, name, ip);
}

/** The namespace, made unless another scenario already made it. */
export function ensureNamespace(cluster: TestCluster, name: string): KubeObject {
  return cluster.store.peek(R.namespaces, undefined, name) ?? namespace(cluster, name);
}

/** The node every scenario's node-level story happens on (healthy runs everything there). */
export const NODE_1 = { name: 'node-1', ip: '127.0.0.1' } as const;

export function serviceAccount(cluster: TestCluster, ns: string, name: string): KubeObject {
  return create(cluster, R.serviceAccounts, ns, { metadata: { name } });
}

export interface ContainerSpec {
  name: string;
  image: string;
  ports?: { name: string; containerPort: number }[];
  volumeMounts?: { name: string; mountPath: string; readOnly?: boolean }[];
}

export function podTemplate(
  labels: Record<string, string>,
  serviceAccountName: string,
  containers: ContainerSpec[],
  volumes?: unknown[],
): Record<string, unknown> {
  return { metadata: { labels }, spec: { ...(volumes !== undefined ? { volumes } : {}), containers, serviceAccountName } };
}

export function deployment(cluster: TestCluster, ns: string, name: string, serviceAccountName: string, containers: ContainerSpec[], replicas = 1): KubeObject {
  const labels = { app: name };
  return create(cluster, R.deployments, ns, {
    metadata: { name, labels },
    spec: { replicas, selector: { matchLabels: labels }, template: podTemplate(labels, serviceAccountName, containers) },
  });
}
