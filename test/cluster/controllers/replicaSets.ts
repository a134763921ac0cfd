// The ReplicaSet controller: keep spec.replicas live pods from the template, named
// `<replicaset>-xxxxx`; a deleted pod is replaced by a new one with a new name and uid.

import { R } from '../resources';
import type { Pod, Workload } from '../types';
import { byController, CONTROLLER_MANAGER, controllerRef, sameJson, writeAs, type Controller, type ControllerContext } from './context';
import { isReady } from './podStatus';
import { cloneJson } from '../json';

export const replicaSetController: Controller = {
  name: 'replicaset',
  sync(ctx: ControllerContext) {
    const podsByOwner = byController(ctx.store.list(R.pods));
    for (const obj of ctx.store.list(R.replicaSets)) {
      const rs = obj as Workload;
      if (rs.metadata.deletionTimestamp !== undefined) continue;
      syncReplicaSet(ctx, rs, (podsByOwner.get(rs.metadata.uid) ?? []) as Pod[]);
    }
  },
};

function syncReplicaSet(ctx: ControllerContext, rs: Workload, pods: Pod[]): void {
  const ns = rs.metadata.namespace;
  const live = pods.filter((p) => p.metadata.deletionTimestamp === undefined);
  const want = rs.spec.replicas ?? 1;
  for (let i = live.length; i < want; i++) {
    const created = ctx.api.create(
      R.pods,
      ns,
      {
        metadata: {
          generateName: `${rs.metadata.name}-`,
          namespace: ns,
          labels: { ...(rs.spec.template.metadata?.labels ?? {}) },
          ...(rs.spec.template.metadata?.annotations ? { annotations: { ...rs.spec.template.metadata.annotations } } : {}),
          ownerReferences: [controllerRef(rs)],
        },
        spec: cloneJson(rs.spec.template.spec),
      },
      { manager: CONTROLLER_MANAGER },
    );
    if (created.ok) {
      live.push(created.object as Pod);
      ctx.events.record(rs, 'Normal', 'SuccessfulCreate', `Created pod: ${created.object.metadata.name}`, 'replicaset-controller');
    } else {
      ctx.events.record(rs, 'Warning', 'FailedCreate', `Error creating: ${created.error.body.message ?? ''}`, 'replicaset-controller');
      break;
    }
  }
  // Scale down the newest pods first, as the real controller prefers not-yet-ready ones.
  for (const extra of live.slice(want).reverse()) {
    ctx.api.delete(R.pods, ns, extra.metadata.name);
    ctx.events.record(rs, 'Normal', 'SuccessfulDelete', `Deleted pod: ${extra.metadata.name}`, 'replicaset-controller');
  }
  const counted = live.slice(0, want);
  const ready = counted.filter(isReady).length;
  const status: Record<string, unknown> = { replicas: counted.length, fullyLabeledReplicas: counted.length };
  if (ready > 0) {
    status.readyReplicas = ready;
    status.availableReplicas = ready;
  }
  status.observedGeneration = rs.metadata.generation ?? 1;
  if (sameJson(rs.status, status)) return;
  const fresh = ctx.store.get<Workload>(R.replicaSets, ns, rs.metadata.name);
  if (fresh === undefined) return;
  fresh.status = status;
  writeAs(ctx, R.replicaSets, fresh, CONTROLLER_MANAGER, 'status');
}
