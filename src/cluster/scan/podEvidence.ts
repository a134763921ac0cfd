// A pod of the inventory as evidence: its projected token sources (where each container sees them), the
// PVCs it mounts and whether they are Terminating, its owner and the workload a rollout restarts. What the
// inventory does not hold is read with a get, only for the pods that need it: the PVCs of a pod whose token
// refresh looks stalled (a Terminating PVC is the cause the diagnosis names), kept until the pod changes or
// for half an hour; a ReplicaSet's Deployment when its name does not tell (once per ReplicaSet, kept by the caller).
import { AppsV1Api, CoreV1Api, type V1ContainerStatus, type V1Pod } from '@kubernetes/client-node';
import type { PodClaim, PodEvidence, PodTokenSource } from '../../diagnosis/evidence';
import { timeOf } from '../../shared/values';
import type { ApiClients } from '../auth/apiClient';
import type { ContainerStatusItem, PodItem } from '../inventory/types';

/** `namespace/ReplicaSet` → its Deployment (or null when none or unreadable); callers keep it for a session. */
export type WorkloadResolver = Map<string, { kind: 'Deployment'; name: string } | null>;

/** What a get said of a PVC: whether it exists, and when its deletion was asked for. */
export interface ClaimState {
  found: boolean;
  deletionRequestedAtMs?: number;
}

/** PVCs by `namespace/name`. */
export type ClaimLookup = ReadonlyMap<string, ClaimState>;

/** PVC gets in flight at once: a cluster of StatefulSets is not hit with hundreds together. */
const CLAIM_READS_AT_ONCE = 4;
/** A PVC's deletion may come after the pod last changed: a stalled pod's PVCs are read again after this long. */
const CLAIM_TTL_MS = 30 * 60_000;

/**
 * The PVCs read for each pod, for the session. Keyed by the pod's projection, which the inventory replaces when
 * the pod changes: a changed pod is read again.
 */
export class ClaimCache {
  private readonly byPod = new WeakMap<PodItem, { atMs: number; lookup: ClaimLookup }>();

  constructor(private readonly ttlMs = CLAIM_TTL_MS) {}

  get(pod: PodItem, nowMs: number): ClaimLookup | undefined {
    const kept = this.byPod.get(pod);
    return kept !== undefined && nowMs - kept.atMs < this.ttlMs ? kept.lookup : undefined;
  }

  /** The PVCs of `pods` (those that need them), read with a get where the cache does not hold them. */
  async read(api: ApiClients, pods: readonly PodItem[], nowMs: number, onProblem: (sentence: string) => void): Promise<ClaimLookup> {
    const out = new Map<string, ClaimState>();
    const unread = pods.filter((p) => {
      const kept = this.get(p, nowMs);
      for (const [k, v] of kept ?? []) out.set(k, v);
      return kept === undefined && p.claims.length > 0;
    });
    const { lookup, transient } = await readClaims(api, unread, onProblem);
    for (const [k, v] of lookup) out.set(k, v);
    for (const pod of unread) {
      const keys = pod.claims.map((c) => `${pod.namespace}/${c.claimName}`);
      // A timeout or a dropped connection is asked again next time; an answer (found, gone, refused) is kept.
      if (keys.some((k) => transient.has(k))) continue;
      this.byPod.set(pod, { atMs: nowMs, lookup: new Map(keys.flatMap((k) => (lookup.has(k) ? [[k, lookup.get(k) as ClaimState]] : []))) });
    }
    return out;
  }
}

/** Every serviceAccountToken projection at the path the containers that mount it see. */
export function tokenSourcesOf(pod: PodItem): PodTokenSource[] {
  const out: PodTokenSource[] = [];
  for (const c of pod.containers) {
    for (const t of c.tokens) {
      const existing = out.find((s) => s.path === t.path);
      if (existing) {
        if (!existing.containers.includes(c.name)) existing.containers.push(c.name);
        continue;
      }
      const s: PodTokenSource = { volume: t.volume, path: t.path, containers: [c.name], expirationSeconds: t.expirationSeconds };
      if (t.audience) s.audience = t.audience;
      out.push(s);
    }
  }
  return out;
}

/** The pod's PVCs as evidence; one not in `claims` was not read (`found` left out). */
export function claimsOf(pod: PodItem, claims: ClaimLookup): PodClaim[] {
  return pod.claims.map(({ volume, claimName }) => {
    const state = claims.get(`${pod.namespace}/${claimName}`);
    const claim: PodClaim = { volume, claimName, terminating: state?.deletionRequestedAtMs !== undefined };
    if (state !== undefined) claim.found = state.found;
    if (state?.deletionRequestedAtMs !== undefined) claim.deletionRequestedAtMs = state.deletionRequestedAtMs;
    return claim;
  });
}

/**
 * Reads each PVC the pods mount, once. A PVC that is gone is `found: false`; other failures are also sentences, and
 * those that may pass (not an answer of the cluster's) are in `transient`.
 */
async function readClaims(
  api: ApiClients,
  pods: readonly PodItem[],
  onProblem: (sentence: string) => void,
): Promise<{ lookup: ClaimLookup; transient: ReadonlySet<string> }> {
  const core = api.makeApiClient(CoreV1Api);
  const keys = [...new Set(pods.flatMap((p) => p.claims.map((c) => `${p.namespace}/${c.claimName}`)))];
  const out = new Map<string, ClaimState>();
  const transient = new Set<string>();
  const said = new Set<string>();
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let key = keys[next++]; key !== undefined; key = keys[next++]) {
      const [namespace = '', name = ''] = key.split('/');
      try {
        const pvc = await core.readNamespacedPersistentVolumeClaim({ namespace, name });
        const deletion = timeOf(pvc.metadata?.deletionTimestamp);
        out.set(key, deletion !== undefined ? { found: true, deletionRequestedAtMs: deletion } : { found: true });
      } catch (err) {
        out.set(key, { found: false });
        const error = api.classify(err, { verb: 'get', resource: 'persistentvolumeclaims', namespace });
        if (error.kind !== 'notFound' && error.kind !== 'forbidden') transient.add(key);
        // One sentence per cause, not one per PVC of a namespace the user cannot read.
        if (error.kind !== 'notFound' && !said.has(error.message)) {
          said.add(error.message);
          onProblem(`reading PersistentVolumeClaim ${key}: ${error.message}`);
        }
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(CLAIM_READS_AT_ONCE, keys.length) }, worker));
  return { lookup: out, transient };
}

async function deploymentOf(
  api: ApiClients,
  apps: AppsV1Api,
  namespace: string,
  replicaSet: string,
  cache: WorkloadResolver,
): Promise<{ kind: 'Deployment'; name: string } | undefined> {
  const key = `${namespace}/${replicaSet}`;
  if (cache.has(key)) return cache.get(key) ?? undefined;
  let found: { kind: 'Deployment'; name: string } | null = null;
  try {
    const rs = await apps.readNamespacedReplicaSet({ namespace, name: replicaSet });
    const owner = (rs.metadata?.ownerReferences ?? []).find((r) => r.controller === true && r.kind === 'Deployment');
    if (owner) found = { kind: 'Deployment', name: owner.name };
  } catch (err) {
    // Without access to ReplicaSets (or with the ReplicaSet gone) the pod is still restartable on its own; a
    // timeout or a dropped connection is asked again next time rather than remembered for the session.
    const kind = api.classify(err).kind;
    if (kind !== 'forbidden' && kind !== 'notFound') return undefined;
  }
  cache.set(key, found);
  return found ?? undefined;
}

export async function podEvidenceOf(pod: PodItem, claims: ClaimLookup, api: ApiClients, cache: WorkloadResolver): Promise<PodEvidence> {
  const e: PodEvidence = {
    namespace: pod.namespace,
    name: pod.name,
    uid: pod.uid,
    serviceAccount: pod.serviceAccount,
    phase: pod.phase,
    containers: pod.statuses.filter((s) => s.kind === 'app').map((s) => ({ name: s.name, restartCount: s.restartCount, ready: s.ready })),
    tokenSources: tokenSourcesOf(pod),
    claims: claimsOf(pod, claims),
    mountedSecrets: [...pod.secretVolumes],
  };
  if (pod.nodeName) e.nodeName = pod.nodeName;
  if (pod.podIPs !== undefined) e.podIPs = [...pod.podIPs];
  if (pod.startedAtSec !== undefined) e.startedAtMs = pod.startedAtSec * 1000;
  if (pod.deletingSinceSec !== undefined) e.deletionRequestedAtMs = pod.deletingSinceSec * 1000;
  const owner = pod.owner;
  if (owner) {
    e.owner = { kind: owner.kind, name: owner.name };
    if (owner.kind === 'StatefulSet' || owner.kind === 'DaemonSet') e.workload = { kind: owner.kind, name: owner.name };
    // The ReplicaSet's name ends in the pod's pod-template-hash: a Deployment made it, and its name is the rest.
    else if (pod.workload?.kind === 'Deployment') e.workload = { kind: 'Deployment', name: pod.workload.name };
    else if (owner.kind === 'ReplicaSet') {
      const d = await deploymentOf(api, api.makeApiClient(AppsV1Api), pod.namespace, owner.name, cache);
      if (d) e.workload = d;
    }
  }
  return e;
}

function statusOf(s: ContainerStatusItem): V1ContainerStatus {
  // image and imageID are required by the type; the scanner reads neither.
  const status: V1ContainerStatus = { name: s.name, ready: s.ready, restartCount: s.restartCount, image: '', imageID: '' };
  if (s.lastExitCode !== undefined) status.lastState = { terminated: { exitCode: s.lastExitCode } };
  return status;
}

/** The pod as the 401 scanner reads it (names, service account, containers and their previous instances), from the projection. */
export function scanPodOf(pod: PodItem): V1Pod {
  const statuses = (kind: ContainerStatusItem['kind']): V1ContainerStatus[] => pod.statuses.filter((s) => s.kind === kind).map(statusOf);
  return {
    metadata: { namespace: pod.namespace, name: pod.name, uid: pod.uid },
    spec: {
      serviceAccountName: pod.serviceAccount,
      containers: pod.containers.map((c) => ({ name: c.name })),
      ephemeralContainers: pod.ephemeralContainers.map((name) => ({ name })),
      ...(pod.nodeName !== undefined ? { nodeName: pod.nodeName } : {}),
    },
    status: {
      phase: pod.phase,
      initContainerStatuses: statuses('init'),
      containerStatuses: statuses('app'),
      ephemeralContainerStatuses: statuses('ephemeral'),
    },
  };
}
