// A pod as evidence: its projected token sources (where each container sees them), the PVCs
// it mounts and whether they are Terminating, its owner and the workload a rollout restarts.
import type { AppsV1Api, V1PersistentVolumeClaim, V1Pod } from '@kubernetes/client-node';
import type { PodClaim, PodEvidence, PodTokenSource } from '../../diagnosis/evidence';

/** ReplicaSet name → its Deployment (or null when none), shared across one collection. */
export type WorkloadResolver = Map<string, { kind: 'Deployment'; name: string } | null>;

function timeOf(v: Date | string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const t = v instanceof Date ? v.getTime() : Date.parse(v);
  return Number.isNaN(t) ? undefined : t;
}

/** Every serviceAccountToken projection at the path the containers that mount it see. */
export function tokenSourcesOf(pod: V1Pod): PodTokenSource[] {
  const out: PodTokenSource[] = [];
  const containers = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])];
  for (const v of pod.spec?.volumes ?? []) {
    for (const source of v.projected?.sources ?? []) {
      const t = source.serviceAccountToken;
      if (!t) continue;
      for (const c of containers) {
        for (const m of c.volumeMounts ?? []) {
          if (m.name !== v.name) continue;
          const path = `${m.mountPath.replace(/\/$/, '')}/${t.path}`;
          const existing = out.find((s) => s.path === path);
          if (existing) {
            if (!existing.containers.includes(c.name)) existing.containers.push(c.name);
            continue;
          }
          const s: PodTokenSource = { volume: v.name, path, containers: [c.name], expirationSeconds: t.expirationSeconds ?? 3600 };
          if (t.audience) s.audience = t.audience;
          out.push(s);
        }
      }
    }
  }
  return out;
}

export function claimsOf(pod: V1Pod, pvcs: readonly V1PersistentVolumeClaim[]): PodClaim[] {
  const namespace = pod.metadata?.namespace;
  const out: PodClaim[] = [];
  for (const v of pod.spec?.volumes ?? []) {
    const claimName = v.persistentVolumeClaim?.claimName;
    if (!claimName) continue;
    const pvc = pvcs.find((c) => c.metadata?.namespace === namespace && c.metadata?.name === claimName);
    const deletion = timeOf(pvc?.metadata?.deletionTimestamp);
    const claim: PodClaim = { volume: v.name, claimName, terminating: deletion !== undefined, found: pvc !== undefined };
    if (deletion !== undefined) claim.deletionRequestedAt = deletion;
    out.push(claim);
  }
  return out;
}

async function deploymentOf(apps: AppsV1Api, namespace: string, replicaSet: string, cache: WorkloadResolver): Promise<{ kind: 'Deployment'; name: string } | undefined> {
  const key = `${namespace}/${replicaSet}`;
  if (cache.has(key)) return cache.get(key) ?? undefined;
  let found: { kind: 'Deployment'; name: string } | null = null;
  try {
    const rs = await apps.readNamespacedReplicaSet({ namespace, name: replicaSet });
    const owner = (rs.metadata?.ownerReferences ?? []).find((r) => r.controller === true && r.kind === 'Deployment');
    if (owner) found = { kind: 'Deployment', name: owner.name };
  } catch {
    // Without access to ReplicaSets the pod is still restartable on its own.
  }
  cache.set(key, found);
  return found ?? undefined;
}

export async function podEvidenceOf(pod: V1Pod, pvcs: readonly V1PersistentVolumeClaim[], apps: AppsV1Api, cache: WorkloadResolver): Promise<PodEvidence> {
  const namespace = pod.metadata?.namespace ?? '';
  const e: PodEvidence = {
    namespace,
    name: pod.metadata?.name ?? '',
    uid: pod.metadata?.uid ?? '',
    serviceAccount: pod.spec?.serviceAccountName ?? 'default',
    phase: pod.status?.phase ?? 'Unknown',
    containers: (pod.status?.containerStatuses ?? []).map((s) => ({ name: s.name, restartCount: s.restartCount, ready: s.ready })),
    tokenSources: tokenSourcesOf(pod),
    claims: claimsOf(pod, pvcs),
    mountedSecrets: (pod.spec?.volumes ?? []).flatMap((v) => (v.secret?.secretName ? [v.secret.secretName] : [])),
  };
  if (pod.spec?.nodeName) e.nodeName = pod.spec.nodeName;
  const started = timeOf(pod.status?.startTime);
  if (started !== undefined) e.startedAt = started;
  const deletion = timeOf(pod.metadata?.deletionTimestamp);
  if (deletion !== undefined) e.deletionRequestedAt = deletion;
  const owner = (pod.metadata?.ownerReferences ?? []).find((r) => r.controller === true);
  if (owner) {
    e.owner = { kind: owner.kind, name: owner.name };
    if (owner.kind === 'StatefulSet' || owner.kind === 'DaemonSet') e.workload = { kind: owner.kind, name: owner.name };
    else if (owner.kind === 'ReplicaSet') {
      const d = await deploymentOf(apps, namespace, owner.name, cache);
      if (d) e.workload = d;
    }
  }
  return e;
}
