// `kubectl rollout restart`: the strategic-merge patch of the pod template's restartedAt annotation,
// on the Deployment (found through the pod's ReplicaSet), StatefulSet or DaemonSet that owns a pod.
import type { ApiClients } from '../auth/apiClient';
import { type ActionResult, enc, failed, field, refusal, requestJson, str, succeeded } from './result';
import { type PodTarget, controllerOwnerOf, getPod } from './pods';

export const RESTARTED_AT_ANNOTATION = 'kubectl.kubernetes.io/restartedAt';

export type WorkloadKind = 'Deployment' | 'StatefulSet' | 'DaemonSet';

export interface WorkloadRef {
  kind: WorkloadKind;
  namespace: string;
  name: string;
}

export interface Workload extends WorkloadRef {
  uid: string;
  resourceVersion: string;
  /** The template's current restartedAt, when it was restarted before. */
  restartedAt?: string;
}

export interface RolloutRestartOptions {
  /**
   * The resourceVersion the user confirmed; the patch then carries it, so a workload changed since
   * is answered with 409 Conflict instead of being restarted unseen.
   */
  resourceVersion?: string;
  /** When the restart is stamped; the current time by default. */
  now?: () => Date;
  signal?: AbortSignal;
}

export interface RolloutRestarted extends Workload {
  restartedAt: string;
  generation?: number;
}

const PLURAL: Record<WorkloadKind, string> = { Deployment: 'deployments', StatefulSet: 'statefulsets', DaemonSet: 'daemonsets' };

export function isWorkloadKind(kind: string): kind is WorkloadKind {
  return kind === 'Deployment' || kind === 'StatefulSet' || kind === 'DaemonSet';
}

export function workloadPath(ref: WorkloadRef): string {
  return `/apis/apps/v1/namespaces/${enc(ref.namespace)}/${PLURAL[ref.kind]}/${enc(ref.name)}`;
}

/** RFC 3339 to the second, as kubectl's time.Now().Format(time.RFC3339) writes it (in UTC). */
export function restartStamp(at: Date): string {
  return at.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function rolloutRestartPatch(stamp: string, resourceVersion?: string): Record<string, unknown> {
  const patch: Record<string, unknown> = { spec: { template: { metadata: { annotations: { [RESTARTED_AT_ANNOTATION]: stamp } } } } };
  if (resourceVersion !== undefined) patch.metadata = { resourceVersion };
  return patch;
}

export async function getWorkload(api: ApiClients, ref: WorkloadRef, signal?: AbortSignal): Promise<ActionResult<Workload>> {
  const res = await requestJson(api, workloadPath(ref), {
    ...(signal ? { signal } : {}),
    about: { verb: 'get', resource: `${PLURAL[ref.kind]}.apps`, namespace: ref.namespace, name: ref.name },
  });
  if (!res.ok) return res;
  return succeeded(workloadOf(ref, res.value.body));
}

function workloadOf(ref: WorkloadRef, body: Record<string, unknown>): Workload {
  const out: Workload = {
    ...ref,
    uid: str(field(body, 'metadata', 'uid')) ?? '',
    resourceVersion: str(field(body, 'metadata', 'resourceVersion')) ?? '',
  };
  const stamp = str(field(body, 'spec', 'template', 'metadata', 'annotations', RESTARTED_AT_ANNOTATION));
  if (stamp) out.restartedAt = stamp;
  return out;
}

/** The workload a rollout restart of this pod's owner would patch. */
export async function workloadOfPod(api: ApiClients, target: PodTarget, signal?: AbortSignal): Promise<ActionResult<Workload>> {
  const pod = await getPod(api, target, signal);
  if (!pod.ok) return pod;
  const owner = pod.value.owner;
  const where = `${target.namespace}/${target.name}`;
  if (!owner) {
    return failed(refusal('invalid', `pod ${where} has no controller, so there is nothing to roll out; use Restart Pod to delete it instead`));
  }
  if (isWorkloadKind(owner.kind)) return getWorkload(api, { kind: owner.kind, namespace: target.namespace, name: owner.name }, signal);
  if (owner.kind !== 'ReplicaSet') {
    return failed(refusal('invalid', `pod ${where} is owned by ${owner.kind} ${owner.name}, which rollout restart cannot restart; use Restart Pod instead`));
  }
  const rs = await requestJson(api, `/apis/apps/v1/namespaces/${enc(target.namespace)}/replicasets/${enc(owner.name)}`, {
    ...(signal ? { signal } : {}),
    about: { verb: 'get', resource: 'replicasets.apps', namespace: target.namespace, name: owner.name },
  });
  if (!rs.ok) return rs;
  const deployment = controllerOwnerOf(rs.value.body.metadata);
  if (!deployment || deployment.kind !== 'Deployment') {
    return failed(refusal('invalid', `pod ${where} belongs to ReplicaSet ${owner.name}, which no Deployment owns; use Restart Pod instead`));
  }
  return getWorkload(api, { kind: 'Deployment', namespace: target.namespace, name: deployment.name }, signal);
}

export async function rolloutRestart(api: ApiClients, ref: WorkloadRef, opts: RolloutRestartOptions = {}): Promise<ActionResult<RolloutRestarted>> {
  const stamp = restartStamp((opts.now ?? (() => new Date()))());
  const res = await requestJson(api, workloadPath(ref), {
    method: 'PATCH',
    contentType: 'application/strategic-merge-patch+json',
    body: rolloutRestartPatch(stamp, opts.resourceVersion),
    ...(opts.signal ? { signal: opts.signal } : {}),
    about: { verb: 'patch', resource: `${PLURAL[ref.kind]}.apps`, namespace: ref.namespace, name: ref.name },
  });
  if (!res.ok) {
    if (res.error.kind === 'conflict') {
      return failed({
        ...res.error,
        message: `${ref.kind} ${ref.namespace}/${ref.name} changed on the cluster after you confirmed the restart (409 Conflict), so it was not restarted; look at it again and restart once more if you still want to`,
      });
    }
    return res;
  }
  const generation = field(res.value.body, 'metadata', 'generation');
  const out: RolloutRestarted = { ...workloadOf(ref, res.value.body), restartedAt: stamp };
  if (typeof generation === 'number') out.generation = generation;
  return succeeded(out);
}
