// API defaulting: the fields kube-apiserver fills in on create, in the order it prints them,
// so stored objects look like the recorded ones (pod-get-api.json, deployment-get-api.json...).

import { reorder } from './canonical';
import type { Container, KubeObject, PodSpec, PodTemplate, Workload } from './types';

type Obj = Record<string, unknown>;

const CONTAINER_ORDER = [
  'name',
  'image',
  'command',
  'args',
  'workingDir',
  'ports',
  'envFrom',
  'env',
  'resources',
  'volumeMounts',
  'livenessProbe',
  'readinessProbe',
  'startupProbe',
  'lifecycle',
  'terminationMessagePath',
  'terminationMessagePolicy',
  'imagePullPolicy',
  'securityContext',
];

const POD_SPEC_ORDER = [
  'volumes',
  'initContainers',
  'containers',
  'restartPolicy',
  'terminationGracePeriodSeconds',
  'dnsPolicy',
  'nodeSelector',
  'serviceAccountName',
  'serviceAccount',
  'automountServiceAccountToken',
  'nodeName',
  'securityContext',
  'imagePullSecrets',
  'hostname',
  'subdomain',
  'affinity',
  'schedulerName',
  'tolerations',
  'priority',
  'enableServiceLinks',
  'preemptionPolicy',
];

function defaultContainer(c: Container): Container {
  const image = c.image ?? '';
  const lastSegment = image.split('/').pop() ?? '';
  const tag = lastSegment.includes('@') ? 'digest' : (lastSegment.split(':')[1] ?? 'latest');
  const out: Container = { ...c };
  if (Array.isArray(out.ports)) {
    out.ports = (out.ports as Obj[]).map((p) => reorder({ ...p, protocol: p.protocol ?? 'TCP' }, ['name', 'containerPort', 'protocol']));
  }
  out.resources ??= {};
  out.terminationMessagePath ??= '/dev/termination-log';
  out.terminationMessagePolicy ??= 'File';
  out.imagePullPolicy ??= tag === 'latest' ? 'Always' : 'IfNotPresent';
  return reorder(out, CONTAINER_ORDER);
}

/** Defaults shared by a Pod's spec and a workload's pod template. */
function defaultPodSpecCommon(spec: PodSpec): PodSpec {
  const out: PodSpec = { ...spec, containers: (spec.containers ?? []).map(defaultContainer) };
  if (spec.initContainers !== undefined) out.initContainers = spec.initContainers.map(defaultContainer);
  if (Array.isArray(out.volumes)) {
    out.volumes = out.volumes.map((v) =>
      v.projected !== undefined ? { ...v, projected: { ...v.projected, defaultMode: v.projected.defaultMode ?? 420 } } : v,
    );
  }
  out.restartPolicy ??= 'Always';
  out.terminationGracePeriodSeconds ??= 30;
  out.dnsPolicy ??= 'ClusterFirst';
  if (out.serviceAccountName !== undefined) out.serviceAccount = out.serviceAccountName;
  out.securityContext ??= {};
  out.schedulerName ??= 'default-scheduler';
  return out;
}

export function defaultPodSpec(spec: PodSpec): PodSpec {
  const out = defaultPodSpecCommon(spec);
  out.serviceAccountName = (out.serviceAccountName ?? '') === '' ? 'default' : out.serviceAccountName;
  out.serviceAccount = out.serviceAccountName;
  const tolerations = Array.isArray(out.tolerations) ? [...(out.tolerations as Obj[])] : [];
  for (const key of ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable']) {
    if (!tolerations.some((t) => t.key === key)) tolerations.push({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 });
  }
  out.tolerations = tolerations;
  out.priority ??= 0;
  out.enableServiceLinks ??= true;
  out.preemptionPolicy ??= 'PreemptLowerPriority';
  return reorder(out, POD_SPEC_ORDER);
}

function defaultTemplate(t: PodTemplate): PodTemplate {
  return {
    ...t,
    metadata: { creationTimestamp: null, ...(t.metadata ?? {}) },
    spec: reorder(defaultPodSpecCommon(t.spec), POD_SPEC_ORDER),
  };
}

function defaultWorkload(o: Workload): void {
  o.spec = { ...o.spec, template: defaultTemplate(o.spec.template) };
  const spec = o.spec as Obj;
  switch (o.kind) {
    case 'Deployment':
      spec.replicas ??= 1;
      spec.strategy ??= { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } };
      spec.revisionHistoryLimit ??= 10;
      spec.progressDeadlineSeconds ??= 600;
      o.spec = reorder(o.spec, ['replicas', 'selector', 'template', 'strategy', 'revisionHistoryLimit', 'progressDeadlineSeconds']);
      break;
    case 'ReplicaSet':
      spec.replicas ??= 1;
      o.spec = reorder(o.spec, ['replicas', 'selector', 'template']);
      break;
    case 'StatefulSet':
      spec.replicas ??= 1;
      spec.volumeClaimTemplates = (o.spec.volumeClaimTemplates ?? []).map((t) => {
        // Templates carry `creationTimestamp: null`, as the apiserver prints them.
        const metadata = { ...t.metadata, creationTimestamp: null as unknown as string };
        const pvc = reorder({ ...t, kind: 'PersistentVolumeClaim', apiVersion: 'v1', metadata }, ['kind', 'apiVersion', 'metadata']);
        defaultPersistentVolumeClaim(pvc);
        return pvc;
      });
      spec.podManagementPolicy ??= 'OrderedReady';
      spec.updateStrategy ??= { type: 'RollingUpdate', rollingUpdate: { partition: 0 } };
      spec.revisionHistoryLimit ??= 10;
      spec.persistentVolumeClaimRetentionPolicy ??= { whenDeleted: 'Retain', whenScaled: 'Retain' };
      o.spec = reorder(o.spec, [
        'replicas',
        'selector',
        'template',
        'volumeClaimTemplates',
        'serviceName',
        'podManagementPolicy',
        'updateStrategy',
        'revisionHistoryLimit',
        'persistentVolumeClaimRetentionPolicy',
      ]);
      break;
    case 'DaemonSet':
      spec.updateStrategy ??= { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } };
      spec.revisionHistoryLimit ??= 10;
      break;
  }
  o.status ??= {};
}

function defaultPersistentVolumeClaim(o: KubeObject): void {
  const spec = (o.spec ?? {}) as Obj;
  spec.volumeMode ??= 'Filesystem';
  o.spec = spec;
  o.status ??= { phase: 'Pending' };
}

/** Fill in what the apiserver would on create. Mutates `o`. */
export function applyDefaults(o: KubeObject): void {
  switch (o.kind) {
    case 'Pod': {
      o.spec = defaultPodSpec((o.spec ?? { containers: [] }) as PodSpec);
      o.status ??= { phase: 'Pending', qosClass: 'BestEffort' };
      break;
    }
    case 'Deployment':
    case 'ReplicaSet':
    case 'StatefulSet':
    case 'DaemonSet':
      defaultWorkload(o as Workload);
      break;
    case 'Namespace':
      o.metadata.labels = { ...o.metadata.labels, 'kubernetes.io/metadata.name': o.metadata.name };
      o.spec = { finalizers: ['kubernetes'], ...(o.spec ?? {}) };
      o.status ??= { phase: 'Active' };
      break;
    case 'PersistentVolumeClaim':
      defaultPersistentVolumeClaim(o);
      // The StorageObjectInUseProtection admission plugin adds this finalizer.
      if (!(o.metadata.finalizers ?? []).includes('kubernetes.io/pvc-protection')) {
        o.metadata.finalizers = [...(o.metadata.finalizers ?? []), 'kubernetes.io/pvc-protection'];
      }
      break;
    case 'Secret':
      o.type ??= 'Opaque';
      break;
    case 'Service': {
      const spec = (o.spec ?? {}) as Obj;
      spec.type ??= 'ClusterIP';
      spec.sessionAffinity ??= 'None';
      o.spec = spec;
      o.status ??= { loadBalancer: {} };
      break;
    }
    case 'Node':
      o.spec ??= {};
      break;
  }
}
