// The Deployment controller, simplified: one ReplicaSet per pod template (named by its
// pod-template-hash), the current one scaled to spec.replicas and older ones to zero at once.

import { R } from '../resources';
import type { KubeObject, Workload } from '../types';
import {
  byController,
  CONTROLLER_MANAGER,
  controllerRef,
  sameJson,
  SettledOwners,
  templateHash,
  writeAs,
  type Controller,
  type ControllerContext,
} from './context';

const REVISION = 'deployment.kubernetes.io/revision';

function withoutHashLabel(template: Workload['spec']['template']): unknown {
  const labels = { ...(template.metadata?.labels ?? {}) };
  delete labels['pod-template-hash'];
  return { ...template, metadata: { ...template.metadata, labels } };
}

function revisionOf(o: KubeObject): number {
  return Number(o.metadata.annotations?.[REVISION] ?? '0');
}

function maxSurge(d: Workload, replicas: number): number {
  const surge = (d.spec.strategy as { rollingUpdate?: { maxSurge?: string | number } } | undefined)?.rollingUpdate?.maxSurge ?? '25%';
  return typeof surge === 'number' ? surge : Math.ceil((replicas * Number(String(surge).replace('%', ''))) / 100);
}

export const deploymentController: Controller = {
  name: 'deployment',
  reads: [R.deployments, R.replicaSets, R.namespaces],
  sync(ctx: ControllerContext) {
    const deployments = ctx.store.list(R.deployments);
    if (deployments.length === 0) return;
    const owned = byController(ctx.store.list(R.replicaSets));
    for (const obj of deployments) {
      const d = obj as Workload;
      if (d.metadata.deletionTimestamp !== undefined) continue;
      const replicaSets = (owned.get(d.metadata.uid) ?? []) as Workload[];
      if (settled.has(d, replicaSets)) continue;
      settled.record(d, replicaSets, syncDeployment(ctx, d, replicaSets));
    }
  },
};

const settled = new SettledOwners();

function revisionAnnotations(d: Workload, revision: number): Record<string, string> {
  const replicas = d.spec.replicas ?? 1;
  return {
    'deployment.kubernetes.io/desired-replicas': String(replicas),
    'deployment.kubernetes.io/max-replicas': String(replicas + maxSurge(d, replicas)),
    [REVISION]: String(revision),
  };
}

/** The ReplicaSet the controller asks the API to create for the Deployment's current template. */
export function replicaSetFor(d: Workload, revision: number): Record<string, unknown> {
  const ns = d.metadata.namespace;
  const hash = templateHash(d.spec.template);
  const labels = { ...(d.spec.template.metadata?.labels ?? {}), 'pod-template-hash': hash };
  return {
    metadata: { name: `${d.metadata.name}-${hash}`, namespace: ns, labels, annotations: revisionAnnotations(d, revision), ownerReferences: [controllerRef(d)] },
    spec: {
      replicas: d.spec.replicas ?? 1,
      selector: {
        matchLabels: { ...(d.spec.selector.matchLabels ?? {}), 'pod-template-hash': hash },
        ...(d.spec.selector.matchExpressions ? { matchExpressions: d.spec.selector.matchExpressions } : {}),
      },
      template: { ...d.spec.template, metadata: { ...d.spec.template.metadata, labels } },
    },
  };
}

/** True when the Deployment needed nothing: its ReplicaSets scaled and its status as they should be. */
function syncDeployment(ctx: ControllerContext, d: Workload, replicaSets: Workload[]): boolean {
  const ns = d.metadata.namespace;
  let acted = false;
  const replicas = d.spec.replicas ?? 1;
  let current = replicaSets.find((rs) => sameJson(withoutHashLabel(rs.spec.template), d.spec.template));
  const maxRevision = Math.max(0, ...replicaSets.map(revisionOf));

  if (current === undefined) {
    acted = true;
    const created = ctx.api.create(R.replicaSets, ns, replicaSetFor(d, maxRevision + 1), { manager: CONTROLLER_MANAGER });
    if (!created.ok) return false;
    current = created.object as Workload;
    ctx.events.record(d, 'Normal', 'ScalingReplicaSet', `Scaled up replica set ${current.metadata.name} to ${replicas}`, 'deployment-controller');
  } else if (current.spec.replicas !== replicas || revisionOf(current) < maxRevision) {
    acted = true;
    const next = ctx.store.get<Workload>(R.replicaSets, ns, current.metadata.name);
    if (next !== undefined) {
      const from = next.spec.replicas ?? 0;
      next.spec.replicas = replicas;
      next.metadata.annotations = {
        ...next.metadata.annotations,
        ...revisionAnnotations(d, revisionOf(current) < maxRevision ? maxRevision + 1 : revisionOf(current)),
      };
      const written = writeAs(ctx, R.replicaSets, next, CONTROLLER_MANAGER);
      if (written.ok) current = written.object;
      if (from !== replicas)
        ctx.events.record(
          d,
          'Normal',
          'ScalingReplicaSet',
          `Scaled ${replicas > from ? 'up' : 'down'} replica set ${next.metadata.name} to ${replicas} from ${from}`,
          'deployment-controller',
        );
    }
  }

  for (const rs of replicaSets) {
    if (rs.metadata.uid === current.metadata.uid || (rs.spec.replicas ?? 0) === 0) continue;
    acted = true;
    const old = ctx.store.get<Workload>(R.replicaSets, ns, rs.metadata.name);
    if (old === undefined) continue;
    const from = old.spec.replicas ?? 0;
    old.spec.replicas = 0;
    writeAs(ctx, R.replicaSets, old, CONTROLLER_MANAGER);
    ctx.events.record(d, 'Normal', 'ScalingReplicaSet', `Scaled down replica set ${old.metadata.name} to 0 from ${from}`, 'deployment-controller');
  }

  // Old ReplicaSets beyond revisionHistoryLimit are deleted, oldest first.
  const limit = Number(d.spec.revisionHistoryLimit ?? 10);
  const history = replicaSets
    .filter((rs) => rs.metadata.uid !== current?.metadata.uid && (rs.spec.replicas ?? 0) === 0)
    .sort((a, b) => revisionOf(a) - revisionOf(b));
  for (const rs of history.slice(0, Math.max(0, history.length - limit))) {
    acted = true;
    ctx.api.delete(R.replicaSets, ns, rs.metadata.name);
  }

  return !writeStatus(ctx, d, current, replicaSets) && !acted;
}

/**
 * The status the controller writes for a Deployment whose ReplicaSets are `replicaSets`, `current`
 * the one of its template; a condition that keeps its status keeps its times.
 */
export function deploymentStatus(d: Workload, current: Workload, replicaSets: Workload[], now: string): Record<string, unknown> {
  const all = [...replicaSets.filter((rs) => rs.metadata.uid !== current.metadata.uid), current];
  const sum = (field: string): number => all.reduce((n, rs) => n + Number((rs.status ?? {})[field] ?? 0), 0);
  const replicas = sum('replicas');
  const ready = sum('readyReplicas');
  const updated = Number((current.status ?? {}).replicas ?? 0);
  const desired = d.spec.replicas ?? 1;
  const available = sum('availableReplicas');
  const prev = (d.status ?? {}) as { conditions?: { type: string; status: string; lastTransitionTime?: string; lastUpdateTime?: string }[] };
  const condition = (type: string, status: string, reason: string, message: string): Record<string, string> => {
    const old = prev.conditions?.find((c) => c.type === type);
    const same = old !== undefined && old.status === status;
    return {
      type,
      status,
      lastUpdateTime: same && old.lastUpdateTime !== undefined ? old.lastUpdateTime : now,
      lastTransitionTime: same && old.lastTransitionTime !== undefined ? old.lastTransitionTime : now,
      reason,
      message,
    };
  };
  const isAvailable = available >= desired;
  const status: Record<string, unknown> = { observedGeneration: d.metadata.generation ?? 1, replicas, updatedReplicas: updated };
  if (ready > 0) status.readyReplicas = ready;
  if (available > 0) status.availableReplicas = available;
  if (replicas - available > 0) status.unavailableReplicas = replicas - available;
  status.conditions = [
    isAvailable
      ? condition('Available', 'True', 'MinimumReplicasAvailable', 'Deployment has minimum availability.')
      : condition('Available', 'False', 'MinimumReplicasUnavailable', 'Deployment does not have minimum availability.'),
    updated >= desired && isAvailable
      ? condition('Progressing', 'True', 'NewReplicaSetAvailable', `ReplicaSet "${current.metadata.name}" has successfully progressed.`)
      : condition('Progressing', 'True', 'ReplicaSetUpdated', `ReplicaSet "${current.metadata.name}" is progressing.`),
  ];
  return status;
}

/** Whether it had to write (or could not tell, the Deployment gone). */
function writeStatus(ctx: ControllerContext, d: Workload, current: Workload, replicaSets: Workload[]): boolean {
  const status = deploymentStatus(d, current, replicaSets, ctx.clock.nowRfc3339());
  const revision = current.metadata.annotations?.[REVISION];
  const stored = ctx.store.peek(R.deployments, d.metadata.namespace, d.metadata.name);
  if (stored === undefined) return true;
  const annotationsChanged = revision !== undefined && stored.metadata.annotations?.[REVISION] !== revision;
  // Compared before copying: a settled Deployment costs no copy (there may be tens of thousands).
  if (sameJson(stored.status, status) && !annotationsChanged) return false;
  const fresh = ctx.store.get<Workload>(R.deployments, d.metadata.namespace, d.metadata.name);
  if (fresh === undefined) return true;
  if (annotationsChanged) {
    fresh.metadata.annotations = { ...fresh.metadata.annotations, [REVISION]: revision };
    const written = writeAs(ctx, R.deployments, fresh, CONTROLLER_MANAGER);
    if (!written.ok) return true;
    fresh.metadata = written.object.metadata;
  }
  if (sameJson(fresh.status, status)) return true;
  fresh.status = status;
  writeAs(ctx, R.deployments, fresh, CONTROLLER_MANAGER, 'status');
  return true;
}
