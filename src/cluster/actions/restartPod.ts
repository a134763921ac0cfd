// Restart a pod the way `kubectl delete pod` does, then follow until its controller has made the
// replacement and it runs on a node (only then does it have a token), within one time budget.
// A pod without a controller is deleted for good; the caller must have said so first.
import * as l10n from '@vscode/l10n';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ApiClients } from '../auth/apiClient';
import { type ActionResult, failed, requestJson, succeeded } from './result';
import { type PodSummary, type PodTarget, getPod, listPods, podPath } from './pods';

export type RestartStage = 'deleting' | 'waitingForReplacement' | 'waitingForStart';

export interface RestartOptions {
  signal?: AbortSignal;
  /** Time between two looks for the replacement. */
  pollIntervalMs?: number;
  /** Give up following after this long; the pod is deleted either way. */
  timeoutMs?: number;
  onStage?: (stage: RestartStage, pod: PodSummary) => void;
  /** Milliseconds; injectable for the timeout. */
  nowMs?: () => number;
}

export type RestartOutcome =
  /**
   * The controller made a new pod (a new uid; a StatefulSet keeps the name). `running`: it runs on a node, so
   * the kubelet has written its token; otherwise it was still Pending when the follow stopped (`stopped` says why).
   */
  | { kind: 'replaced'; old: PodSummary; replacement: PodSummary; running: boolean; stopped?: 'cancelled' | 'timedOut' | 'lost' }
  /** No controller: the pod is gone and nothing brings it back. */
  | { kind: 'deleted'; old: PodSummary }
  /** Cancelled; `deleted` says whether the delete had already been sent. */
  | { kind: 'cancelled'; old: PodSummary; deleted: boolean }
  /** Deleted, but no replacement appeared in time. */
  | { kind: 'timedOut'; old: PodSummary; waitedMs: number };

const DEFAULT_POLL_MS = 1000;
const DEFAULT_TIMEOUT_MS = 120_000;

export async function restartPod(api: ApiClients, target: PodTarget, opts: RestartOptions = {}): Promise<ActionResult<RestartOutcome>> {
  const signal = opts.signal;
  const now = opts.nowMs ?? Date.now;
  const got = await getPod(api, target, signal);
  if (!got.ok) return got;
  const old = got.value;
  if (signal?.aborted) return succeeded({ kind: 'cancelled', old, deleted: false });

  // The owner's pods before the delete; the replacement is the one that was not among them.
  const before = new Set<string>();
  if (old.owner) {
    const siblings = await listPods(api, old.namespace, signal);
    if (!siblings.ok) return siblings;
    for (const p of siblings.value) before.add(p.uid);
  }

  opts.onStage?.('deleting', old);
  const deleted = await requestJson(api, podPath(old.namespace, old.name), {
    method: 'DELETE',
    // The uid precondition keeps a pod that was replaced meanwhile (same name) from being deleted in its place.
    body: { kind: 'DeleteOptions', apiVersion: 'v1', preconditions: { uid: old.uid } },
    about: { verb: 'delete', resource: 'pods', namespace: old.namespace, name: old.name },
  });
  if (!deleted.ok) return deleted;
  if (!old.owner) return succeeded({ kind: 'deleted', old });

  opts.onStage?.('waitingForReplacement', old);
  const started = now();
  const interval = opts.pollIntervalMs ?? DEFAULT_POLL_MS;
  const timeout = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  for (;;) {
    if (signal?.aborted) return succeeded({ kind: 'cancelled', old, deleted: true });
    const pods = await listPods(api, old.namespace, signal);
    if (!pods.ok) {
      if (signal?.aborted) return succeeded({ kind: 'cancelled', old, deleted: true });
      return failed({
        ...pods.error,
        message: l10n.t('pod {0}/{1} was deleted, but following its replacement failed: {2}', old.namespace, old.name, pods.error.message),
      });
    }
    const replacement = pods.value.find((p) => p.owner?.uid === old.owner?.uid && !before.has(p.uid) && !p.terminating);
    if (replacement) return followStart(api, old, replacement, { ...opts, started, timeout, interval, now });
    const waited = now() - started;
    if (waited >= timeout) return succeeded({ kind: 'timedOut', old, waitedMs: waited });
    if (!(await pause(interval, signal))) return succeeded({ kind: 'cancelled', old, deleted: true });
  }
}

/** Waits `ms`; false when cancelled meanwhile. */
async function pause(ms: number, signal: AbortSignal | undefined): Promise<boolean> {
  try {
    await sleep(ms, undefined, signal ? { signal } : undefined);
    return true;
  } catch {
    return false;
  }
}

/** Runs on a node: the kubelet has mounted its projected token. */
export function isRunningOnNode(p: PodSummary): boolean {
  return p.nodeName !== undefined && p.phase === 'Running';
}

interface FollowBudget extends RestartOptions {
  started: number;
  timeout: number;
  interval: number;
  now: () => number;
}

/** Follows the replacement until it runs on a node, within what is left of the same budget; Pending is said, not hidden. */
async function followStart(api: ApiClients, old: PodSummary, first: PodSummary, b: FollowBudget): Promise<ActionResult<RestartOutcome>> {
  let replacement = first;
  const pending = (stopped: 'cancelled' | 'timedOut' | 'lost'): ActionResult<RestartOutcome> =>
    succeeded({ kind: 'replaced', old, replacement, running: false, stopped });
  if (isRunningOnNode(replacement)) return succeeded({ kind: 'replaced', old, replacement, running: true });
  b.onStage?.('waitingForStart', replacement);
  for (;;) {
    if (b.signal?.aborted) return pending('cancelled');
    if (b.now() - b.started >= b.timeout) return pending('timedOut');
    if (!(await pause(b.interval, b.signal))) return pending('cancelled');
    const got = await getPod(api, { namespace: replacement.namespace, name: replacement.name, uid: replacement.uid }, b.signal);
    // Gone or replaced again meanwhile: what was seen last is what can be said.
    if (!got.ok) return pending(b.signal?.aborted ? 'cancelled' : 'lost');
    replacement = got.value;
    if (isRunningOnNode(replacement)) return succeeded({ kind: 'replaced', old, replacement, running: true });
  }
}
