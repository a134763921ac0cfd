// `kubectl rollout restart`: the strategic-merge patch of the pod template's restartedAt annotation,
// on the Deployment (found through the pod's ReplicaSet), StatefulSet or DaemonSet that owns a pod;
// then the new pods (those carrying the new annotation) followed until they run on a node.
import * as l10n from '@vscode/l10n';
import { setTimeout as sleep } from 'node:timers/promises';
import { isRecord } from '../../shared/values';
import type { ApiClients } from '../auth/apiClient';
import { type ActionResult, enc, failed, field, refusal, requestJson, str, succeeded } from './result';
import { type PodSummary, type PodTarget, controllerOwnerOf, getPod, podPath, podSummaryOf } from './pods';
import { isRunningOnNode } from './restartPod';

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
    return failed(refusal('invalid', l10n.t('pod {0} has no controller, so there is nothing to roll out; use Restart Pod to delete it instead', where)));
  }
  if (isWorkloadKind(owner.kind)) return getWorkload(api, { kind: owner.kind, namespace: target.namespace, name: owner.name }, signal);
  if (owner.kind !== 'ReplicaSet') {
    return failed(
      refusal('invalid', l10n.t('pod {0} is owned by {1} {2}, which rollout restart cannot restart; use Restart Pod instead', where, owner.kind, owner.name)),
    );
  }
  const rs = await requestJson(api, `/apis/apps/v1/namespaces/${enc(target.namespace)}/replicasets/${enc(owner.name)}`, {
    ...(signal ? { signal } : {}),
    about: { verb: 'get', resource: 'replicasets.apps', namespace: target.namespace, name: owner.name },
  });
  if (!rs.ok) return rs;
  const deployment = controllerOwnerOf(rs.value.body.metadata);
  if (!deployment || deployment.kind !== 'Deployment') {
    return failed(refusal('invalid', l10n.t('pod {0} belongs to ReplicaSet {1}, which no Deployment owns; use Restart Pod instead', where, owner.name)));
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
        message: l10n.t(
          '{0} {1}/{2} changed on the cluster after you confirmed the restart (409 Conflict), so it was not restarted; look at it again and restart once more if you still want to',
          ref.kind,
          ref.namespace,
          ref.name,
        ),
      });
    }
    return res;
  }
  const generation = field(res.value.body, 'metadata', 'generation');
  const out: RolloutRestarted = { ...workloadOf(ref, res.value.body), restartedAt: stamp };
  if (typeof generation === 'number') out.generation = generation;
  return succeeded(out);
}

export interface RolloutFollowOptions {
  signal?: AbortSignal;
  /** Time between two looks at the new pods. */
  pollIntervalMs?: number;
  /** Stop following after this long; the restart goes on either way. */
  timeoutMs?: number;
  /** The new pods at each look, for progress. */
  onPods?: (pods: readonly PodSummary[]) => void;
  /** Milliseconds; injectable for the timeout. */
  nowMs?: () => number;
}

export interface RolloutFollowed {
  /** The pods made from the restarted template (they carry its restartedAt), at the last look. */
  pods: PodSummary[];
  /** Some new pod exists and every one runs on a node, so each has its token. */
  allRunning: boolean;
  /** Why the follow stopped before that, when it did. */
  stopped?: 'cancelled' | 'timedOut';
}

const FOLLOW_POLL_MS = 1000;
const FOLLOW_TIMEOUT_MS = 120_000;

/** True when `pod` was made by `w` (directly, or through one of a Deployment's ReplicaSets). */
function madeBy(pod: PodSummary, w: WorkloadRef): boolean {
  const owner = pod.owner;
  if (owner === undefined) return false;
  if (w.kind === 'Deployment') return owner.kind === 'ReplicaSet' && owner.name.startsWith(`${w.name}-`);
  return owner.kind === w.kind && owner.name === w.name;
}

/** The pods of the namespace made from the template stamped `restartedAt`. */
async function newPods(api: ApiClients, w: RolloutRestarted, signal?: AbortSignal): Promise<ActionResult<PodSummary[]>> {
  const res = await requestJson(api, podPath(w.namespace), {
    ...(signal ? { signal } : {}),
    about: { verb: 'list', resource: 'pods', namespace: w.namespace },
  });
  if (!res.ok) return res;
  const items = res.value.body.items;
  const out: PodSummary[] = [];
  for (const item of Array.isArray(items) ? items : []) {
    if (!isRecord(item) || str(field(item, 'metadata', 'annotations', RESTARTED_AT_ANNOTATION)) !== w.restartedAt) continue;
    const pod = podSummaryOf(item);
    if (pod && !pod.terminating && madeBy(pod, w)) out.push(pod);
  }
  return succeeded(out.sort((a, b) => a.name.localeCompare(b.name)));
}

/**
 * Follows the pods of a restarted workload until its new pods run on a node (only then do they have a token),
 * or says what they still are when the time is up or the user cancels. A failing list is an error value.
 */
export async function followRollout(api: ApiClients, w: RolloutRestarted, opts: RolloutFollowOptions = {}): Promise<ActionResult<RolloutFollowed>> {
  const now = opts.nowMs ?? Date.now;
  const started = now();
  const timeout = opts.timeoutMs ?? FOLLOW_TIMEOUT_MS;
  let pods: PodSummary[] = [];
  for (;;) {
    if (opts.signal?.aborted) return succeeded({ pods, allRunning: false, stopped: 'cancelled' });
    const seen = await newPods(api, w, opts.signal);
    if (!seen.ok) {
      if (opts.signal?.aborted) return succeeded({ pods, allRunning: false, stopped: 'cancelled' });
      return failed({
        ...seen.error,
        message: l10n.t('{0} {1}/{2} was restarted, but following its new pods failed: {3}', w.kind, w.namespace, w.name, seen.error.message),
      });
    }
    pods = seen.value;
    opts.onPods?.(pods);
    if (pods.length > 0 && pods.every(isRunningOnNode)) return succeeded({ pods, allRunning: true });
    if (now() - started >= timeout) return succeeded({ pods, allRunning: false, stopped: 'timedOut' });
    try {
      await sleep(opts.pollIntervalMs ?? FOLLOW_POLL_MS, undefined, opts.signal ? { signal: opts.signal } : undefined);
    } catch {
      return succeeded({ pods, allRunning: false, stopped: 'cancelled' });
    }
  }
}
