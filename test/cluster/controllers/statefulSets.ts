// The StatefulSet controller: pods `<name>-0..n-1` with stable names (a deleted pod comes back
// under the same name with a new uid), PVCs from volumeClaimTemplates, and rolling replacement
// of pods whose controller-revision-hash is out of date.

import { R } from '../resources';
import type { KubeObject, Pod, Volume, Workload } from '../types';
import { byController, CONTROLLER_MANAGER, controllerRef, sameJson, templateHash, writeAs, type Controller, type ControllerContext } from './context';
import { isReady } from './podStatus';
import { cloneJson } from '../json';

export const statefulSetController: Controller = {
  name: 'statefulset',
  reads: [R.statefulSets, R.pods, R.persistentVolumeClaims, R.namespaces, R.serviceAccounts],
  sync(ctx: ControllerContext) {
    const statefulSets = ctx.store.list(R.statefulSets);
    if (statefulSets.length === 0) return;
    const podsByOwner = byController(ctx.store.list(R.pods));
    for (const obj of statefulSets) {
      const sts = obj as Workload;
      if (sts.metadata.deletionTimestamp !== undefined) continue;
      syncStatefulSet(ctx, sts, (podsByOwner.get(sts.metadata.uid) ?? []) as Pod[]);
    }
  },
};

function ensureClaims(ctx: ControllerContext, sts: Workload, podName: string): Volume[] {
  const ns = sts.metadata.namespace;
  const volumes: Volume[] = [];
  for (const t of sts.spec.volumeClaimTemplates ?? []) {
    const claimName = `${t.metadata.name}-${podName}`;
    volumes.push({ name: t.metadata.name, persistentVolumeClaim: { claimName } });
    if (ctx.store.peek(R.persistentVolumeClaims, ns, claimName) !== undefined) continue;
    const created = ctx.api.create(
      R.persistentVolumeClaims,
      ns,
      {
        metadata: { name: claimName, namespace: ns, labels: { ...(sts.spec.selector.matchLabels ?? {}) } },
        spec: cloneJson(t.spec) as KubeObject['spec'],
      },
      { manager: CONTROLLER_MANAGER },
    );
    if (created.ok)
      ctx.events.record(
        sts,
        'Normal',
        'SuccessfulCreate',
        `create Claim ${claimName} Pod ${podName} in StatefulSet ${sts.metadata.name} success`,
        'statefulset-controller',
      );
  }
  return volumes;
}

function syncStatefulSet(ctx: ControllerContext, sts: Workload, pods: Pod[]): void {
  const ns = sts.metadata.namespace;
  const name = sts.metadata.name;
  const revision = `${name}-${templateHash(sts.spec.template)}`;
  const want = sts.spec.replicas ?? 1;
  const byName = new Map(pods.map((p) => [p.metadata.name, p]));

  for (let i = 0; i < want; i++) {
    const podName = `${name}-${i}`;
    const existing = byName.get(podName);
    if (existing !== undefined) {
      const outdated = existing.metadata.labels?.['controller-revision-hash'] !== revision;
      if (outdated && existing.metadata.deletionTimestamp === undefined) ctx.api.delete(R.pods, ns, podName);
      continue;
    }
    // A pod of the same name still terminating (not ours any more) blocks its successor.
    if (ctx.store.peek(R.pods, ns, podName) !== undefined) continue;
    const claimVolumes = ensureClaims(ctx, sts, podName);
    const spec = cloneJson(sts.spec.template.spec);
    spec.volumes = [...claimVolumes, ...(spec.volumes ?? []).filter((v) => !claimVolumes.some((c) => c.name === v.name))];
    spec.hostname = podName;
    if (sts.spec.serviceName !== undefined) spec.subdomain = sts.spec.serviceName;
    const created = ctx.api.create(
      R.pods,
      ns,
      {
        metadata: {
          name: podName,
          generateName: `${name}-`,
          namespace: ns,
          labels: {
            ...(sts.spec.template.metadata?.labels ?? {}),
            'apps.kubernetes.io/pod-index': String(i),
            'controller-revision-hash': revision,
            'statefulset.kubernetes.io/pod-name': podName,
          },
          ...(sts.spec.template.metadata?.annotations ? { annotations: { ...sts.spec.template.metadata.annotations } } : {}),
          ownerReferences: [controllerRef(sts)],
        },
        spec,
      },
      { manager: CONTROLLER_MANAGER },
    );
    if (created.ok) {
      ctx.events.record(sts, 'Normal', 'SuccessfulCreate', `create Pod ${podName} in StatefulSet ${name} successful`, 'statefulset-controller');
      byName.set(podName, created.object as Pod);
    } else {
      ctx.events.record(
        sts,
        'Warning',
        'FailedCreate',
        `create Pod ${podName} in StatefulSet ${name} failed error: ${created.error.body.message ?? ''}`,
        'statefulset-controller',
      );
    }
  }
  for (const p of pods) {
    const ordinal = Number(p.metadata.name.slice(name.length + 1));
    if (ordinal >= want && p.metadata.deletionTimestamp === undefined) ctx.api.delete(R.pods, ns, p.metadata.name);
  }

  const live = [...byName.values()].filter((p) => p.metadata.deletionTimestamp === undefined && Number(p.metadata.name.slice(name.length + 1)) < want);
  const current = live.filter((p) => p.metadata.labels?.['controller-revision-hash'] === revision).length;
  const ready = live.filter(isReady).length;
  const status: Record<string, unknown> = {
    observedGeneration: sts.metadata.generation ?? 1,
    replicas: live.length,
    ...(ready > 0 ? { readyReplicas: ready } : {}),
    currentReplicas: current,
    updatedReplicas: current,
    currentRevision: revision,
    updateRevision: revision,
    collisionCount: 0,
    availableReplicas: ready,
  };
  if (sameJson(sts.status, status)) return;
  const fresh = ctx.store.get<Workload>(R.statefulSets, ns, name);
  if (fresh === undefined) return;
  fresh.status = status;
  writeAs(ctx, R.statefulSets, fresh, CONTROLLER_MANAGER, 'status');
}
