// The ReplicaSet controller: keep spec.replicas live pods from the template, named
// `<replicaset>-xxxxx`; a deleted pod is replaced by a new one with a new name and uid.

import { R } from '../resources';
import type { Pod, Workload } from '../types';
import { byController, CONTROLLER_MANAGER, controllerRef, sameJson, SettledOwners, writeAs, type Controller, type ControllerContext } from './context';
import { isReady } from './podStatus';
import { cloneJson } from '../json';

export const replicaSetController: Controller = {
  name: 'replicaset',
  reads: [R.replicaSets, R.pods, R.namespaces, R.serviceAccounts],
  sync(ctx: ControllerContext) {
    const replicaSets = ctx.store.list(R.replicaSets);
    if (replicaSets.length === 0) return;
    const podsByOwner = byController(ctx.store.list(R.pods));
    for (const obj of replicaSets) {
      const rs = obj as Workload;
      if (rs.metadata.deletionTimestamp !== undefined) continue;
      const pods = (podsByOwner.get(rs.metadata.uid) ?? []) as Pod[];
      if (settled.has(rs, pods)) continue;
      settled.record(rs, pods, syncReplicaSet(ctx, rs, pods));
    }
  },
};

const settled = new SettledOwners();

/** The pod the controller asks the API to create for a ReplicaSet, named by the apiserver. */
export function podFor(rs: Workload): Record<string, unknown> {
  return {
    metadata: {
      generateName: `${rs.metadata.name}-`,
      namespace: rs.metadata.namespace,
      labels: { ...(rs.spec.template.metadata?.labels ?? {}) },
      ...(rs.spec.template.metadata?.annotations ? { annotations: { ...rs.spec.template.metadata.annotations } } : {}),
      ownerReferences: [controllerRef(rs)],
    },
    spec: cloneJson(rs.spec.template.spec),
  };
}

/** The status the controller writes for a ReplicaSet with `replicas` pods, `ready` of them Ready. */
export function replicaSetStatus(rs: Workload, replicas: number, ready: number): Record<string, unknown> {
  const status: Record<string, unknown> = { replicas, fullyLabeledReplicas: replicas };
  if (ready > 0) {
    status.readyReplicas = ready;
    status.availableReplicas = ready;
  }
  status.observedGeneration = rs.metadata.generation ?? 1;
  return status;
}

/** True when the ReplicaSet needed nothing: its pods and status as they should be. */
function syncReplicaSet(ctx: ControllerContext, rs: Workload, pods: Pod[]): boolean {
  const ns = rs.metadata.namespace;
  const live = pods.filter((p) => p.metadata.deletionTimestamp === undefined);
  const want = rs.spec.replicas ?? 1;
  const scaled = live.length !== want;
  for (let i = live.length; i < want; i++) {
    const created = ctx.api.create(R.pods, ns, podFor(rs), { manager: CONTROLLER_MANAGER });
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
  const status = replicaSetStatus(rs, counted.length, counted.filter(isReady).length);
  if (sameJson(rs.status, status)) return !scaled;
  const fresh = ctx.store.get<Workload>(R.replicaSets, ns, rs.metadata.name);
  if (fresh === undefined) return false;
  fresh.status = status;
  writeAs(ctx, R.replicaSets, fresh, CONTROLLER_MANAGER, 'status');
  return false;
}
