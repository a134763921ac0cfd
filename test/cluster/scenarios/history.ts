// Incidents that began before the cluster started. A scenario builds its objects now, then moves
// their past back in time: timestamps, a pod's status, its token files and its log. Scenarios
// never move the clock, because the demo's clock must stay on the wall clock; the evidence is
// there at once on a frozen test clock and a real-time one alike.

import { rfc3339Seconds } from '../clock';
import { SERVICE_ACCOUNT_MOUNT_PATH } from '../admission';
import { R, type ResourceInfo } from '../resources';
import type { TestCluster } from '../server';
import type { KubeObject, Pod } from '../types';

export const DAY_SECONDS = 24 * 60 * 60;
/** Where every container finds the kube-api-access token. */
export const TOKEN_PATH = `${SERVICE_ACCOUNT_MOUNT_PATH}/token`;

/** Move an object's creationTimestamp back to `atSeconds`. */
export function createdAt(cluster: TestCluster, r: ResourceInfo, namespace: string | undefined, name: string, atSeconds: number): void {
  const result = cluster.store.backdate(r, namespace, name, { creationTimestamp: rfc3339Seconds(atSeconds) });
  if (!result.ok) throw new Error(`cannot backdate ${r.plural} ${name}: ${result.error.body.message ?? ''}`);
}

/** Move a Terminating object's deletionTimestamp back to `atSeconds`. */
export function deletedAt(cluster: TestCluster, r: ResourceInfo, namespace: string | undefined, name: string, atSeconds: number): void {
  const result = cluster.store.backdate(r, namespace, name, { deletionTimestamp: rfc3339Seconds(atSeconds) });
  if (!result.ok) throw new Error(`cannot backdate ${r.plural} ${name}: ${result.error.body.message ?? ''}`);
}

/** The running pods a workload (Deployment through its ReplicaSet, StatefulSet, DaemonSet) owns. */
export function podsOf(cluster: TestCluster, namespace: string, matchLabels: Record<string, string>): Pod[] {
  return (cluster.store.list(R.pods, namespace) as Pod[]).filter(
    (p) => p.metadata.deletionTimestamp === undefined && Object.entries(matchLabels).every(([k, v]) => p.metadata.labels?.[k] === v),
  );
}

export function onlyPod(cluster: TestCluster, namespace: string, matchLabels: Record<string, string>): Pod {
  const [pod, ...more] = podsOf(cluster, namespace, matchLabels);
  if (pod === undefined || more.length > 0)
    throw new Error(`expected one pod in ${namespace} with ${JSON.stringify(matchLabels)}, found ${more.length + (pod ? 1 : 0)}`);
  if (pod.status?.phase !== 'Running') throw new Error(`pod ${namespace}/${pod.metadata.name} is not running`);
  return pod;
}

/**
 * The pod has been running since `startedAtSeconds`: created a few seconds before, its status
 * and container start times then, its token files written by its kubelet since then (refreshing
 * until `tokensRefreshedUntil`, when given), its log empty, and none of today's start-up events
 * (the apiserver keeps events for an hour). Returns the pod as stored.
 */
export function runningSince(cluster: TestCluster, pod: Pod, startedAtSeconds: number, opts: { tokensRefreshedUntil?: number } = {}): Pod {
  const ns = pod.metadata.namespace ?? '';
  const name = pod.metadata.name;
  createdAt(cluster, R.pods, ns, name, startedAtSeconds - 4);
  const started = rfc3339Seconds(startedAtSeconds);
  const current = cluster.store.get<Pod>(R.pods, ns, name);
  if (current?.status === undefined) throw new Error(`pod ${ns}/${name} has no status`);
  const status = current.status;
  status.startTime = started;
  status.conditions = ((status.conditions ?? []) as Record<string, unknown>[]).map((c) => ({ ...c, lastTransitionTime: started }));
  status.containerStatuses = ((status.containerStatuses ?? []) as Record<string, unknown>[]).map((s) => ({ ...s, state: { running: { startedAt: started } } }));
  const written = cluster.store.update(R.pods, current);
  if (!written.ok) throw new Error(`cannot backdate pod ${ns}/${name}: ${written.error.body.message ?? ''}`);
  forgetEvents(cluster, ns, [pod.metadata.uid]);
  cluster.kubelet.backfill(pod.metadata.uid, startedAtSeconds, opts.tokensRefreshedUntil);
  for (const c of pod.spec.containers) cluster.logs.container(ns, name, c.name).clear();
  return written.object;
}

/** Drop the events about these objects: what happened to them is older than the event TTL. */
export function forgetEvents(cluster: TestCluster, namespace: string, uids: string[]): void {
  const wanted = new Set(uids);
  for (const e of cluster.store.list(R.events, namespace)) {
    const involved = (e as KubeObject & { involvedObject?: { uid?: string } }).involvedObject;
    if (involved?.uid !== undefined && wanted.has(involved.uid)) cluster.store.remove(R.events, namespace, e.metadata.name);
  }
}

/** The uid of an object that must exist. */
export function uidOf(cluster: TestCluster, r: ResourceInfo, namespace: string | undefined, name: string): string {
  const o = cluster.store.peek(r, namespace, name);
  if (o === undefined) throw new Error(`${r.plural} ${name} does not exist`);
  return o.metadata.uid;
}
