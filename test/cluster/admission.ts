// Admission: the checks and mutations kube-apiserver's plugins make on create. Namespace
// lifecycle, and the ServiceAccount plugin that injects the kube-api-access projected volume.

import { randomSuffix, type Store } from './store';
import { R, type ResourceInfo } from './resources';
import { forbiddenBecause, notFound, failure, type ApiError } from './status';
import type { Container, KubeObject, Pod, ServiceAccount, Volume } from './types';

export const SERVICE_ACCOUNT_MOUNT_PATH = '/var/run/secrets/kubernetes.io/serviceaccount';
/** What the ServiceAccount admission plugin asks for: kubelet's 1 h plus 7 s to spot the extension. */
export const KUBE_API_ACCESS_EXPIRATION_SECONDS = 3607;

/** The projected volume every pod gets unless it opts out of automounting. */
export function kubeApiAccessVolume(name: string): Volume {
  return {
    name,
    projected: {
      sources: [
        { serviceAccountToken: { expirationSeconds: KUBE_API_ACCESS_EXPIRATION_SECONDS, path: 'token' } },
        { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
        { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
      ],
      defaultMode: 420,
    },
  };
}

function mountsServiceAccountPath(c: Container): boolean {
  return (c.volumeMounts ?? []).some((m) => m.mountPath === SERVICE_ACCOUNT_MOUNT_PATH);
}

function admitPod(store: Store, pod: Pod): ApiError | undefined {
  const ns = pod.metadata.namespace ?? '';
  const saName = pod.spec.serviceAccountName ?? 'default';
  const sa = store.peek(R.serviceAccounts, ns, saName) as ServiceAccount | undefined;
  if (sa === undefined) {
    const name = pod.metadata.name !== '' ? pod.metadata.name : (pod.metadata.generateName ?? '');
    return forbiddenBecause(R.pods, name, `error looking up service account ${ns}/${saName}: serviceaccount "${saName}" not found`);
  }
  const automount = pod.spec.automountServiceAccountToken ?? sa.automountServiceAccountToken ?? true;
  const containers = [...(pod.spec.initContainers ?? []), ...pod.spec.containers];
  if (!automount || containers.some(mountsServiceAccountPath)) return undefined;
  const volumeName = `kube-api-access-${randomSuffix()}`;
  pod.spec.volumes = [...(pod.spec.volumes ?? []), kubeApiAccessVolume(volumeName)];
  const mount = { name: volumeName, readOnly: true, mountPath: SERVICE_ACCOUNT_MOUNT_PATH };
  for (const c of containers) c.volumeMounts = [...(c.volumeMounts ?? []), { ...mount }];
  return undefined;
}

/** Runs after defaulting, before the object is stored. Mutates `obj`; an error refuses it. */
export function admitCreate(store: Store, r: ResourceInfo, obj: KubeObject): ApiError | undefined {
  if (r.namespaced) {
    const ns = store.peek(R.namespaces, undefined, obj.metadata.namespace ?? '');
    if (ns === undefined) return notFound(R.namespaces, obj.metadata.namespace ?? '');
    if (ns.metadata.deletionTimestamp !== undefined) {
      return failure(
        403,
        'Forbidden',
        `${r.plural} "${obj.metadata.name}" is forbidden: unable to create new content in namespace ${ns.metadata.name} because it is being terminated`,
        {
          name: obj.metadata.name,
          kind: r.plural,
          causes: [{ reason: 'NamespaceTerminating', message: `namespace ${ns.metadata.name} is being terminated`, field: 'metadata.namespace' }],
        },
      );
    }
  }
  if (r.kind === 'Pod') return admitPod(store, obj as Pod);
  return undefined;
}
