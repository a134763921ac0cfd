// The kubelet stopped refreshing a running pod's projected token: the file still holds a token whose
// refresh is overdue (isRefreshOverdue, the explorer's rule too), or `exp` stayed the same across observations spanning that point.
// Names the cause it can see: the pod is Terminating, or a PVC it mounts is Terminating.
import * as l10n from '@vscode/l10n';
import type { TokenObservation } from '../../history/types';
import { isRefreshOverdue, kubeletRefreshPoint } from '../../token/kubeletRefresh';
import type { Evidence, PodEvidence } from '../evidence';
import type { Finding, FindingEvidence } from '../types';
import {
  describeObservation,
  duration,
  findingId,
  lastSeen,
  podName,
  podTokenFiles,
  type PodTokenFile,
  refreshTimesOf,
  restartActions,
  tokenHealthAction,
  when,
  type DiagnoseOptions,
} from '../ruleKit';

const UPSTREAM_FIX = 'Kubernetes PR 130335';

interface StallCause {
  kind: 'podTerminating' | 'pvcTerminating' | 'unknown';
  text: string;
  since?: number;
}

/** The likely cause visible in the pod's own state. */
function stallCause(pod: PodEvidence): StallCause {
  const claim = pod.claims.find((c) => c.terminating);
  if (claim) {
    return {
      kind: 'pvcTerminating',
      since: claim.deletionRequestedAtMs,
      text:
        claim.deletionRequestedAtMs !== undefined
          ? l10n.t(
              'the PVC {0} it mounts is Terminating since {1}, and the kubelet stops remounting (so refreshing) the volumes of a pod with a Terminating PVC (fixed upstream in {2})',
              `${pod.namespace}/${claim.claimName}`,
              when(claim.deletionRequestedAtMs),
              UPSTREAM_FIX,
            )
          : l10n.t(
              'the PVC {0} it mounts is Terminating, and the kubelet stops remounting (so refreshing) the volumes of a pod with a Terminating PVC (fixed upstream in {1})',
              `${pod.namespace}/${claim.claimName}`,
              UPSTREAM_FIX,
            ),
    };
  }
  if (pod.deletionRequestedAtMs !== undefined) {
    return {
      kind: 'podTerminating',
      since: pod.deletionRequestedAtMs,
      text: l10n.t(
        'the pod is Terminating since {0}, and the kubelet stops refreshing the volumes of a terminating pod (fixed upstream in {1})',
        when(pod.deletionRequestedAtMs),
        UPSTREAM_FIX,
      ),
    };
  }
  return {
    kind: 'unknown',
    text: l10n.t('no cause is visible in the pod; check the kubelet log on {0} for TokenRequest errors', pod.nodeName ?? l10n.t('its node')),
  };
}

interface Stall {
  token: TokenObservation;
  refreshAt: number;
  /** The last time the stale token (or its unchanged exp) was seen. */
  seenAt: number;
  observations: TokenObservation[];
}

/** The lane's stall, if any: a token (or an unchanged exp) seen after its refresh was overdue. */
function findStall(list: readonly TokenObservation[]): Stall | undefined {
  const byExp = new Map<number, TokenObservation[]>();
  for (const o of list) {
    if (o.exp === undefined) continue;
    const group = byExp.get(o.exp) ?? [];
    group.push(o);
    byExp.set(o.exp, group);
  }
  let found: Stall | undefined;
  for (const group of byExp.values()) {
    const first = group.reduce((a, b) => (b.at < a.at ? b : a));
    const times = refreshTimesOf(first);
    if (!times) continue;
    const seenAt = Math.max(...group.map(lastSeen));
    // Whole seconds, as the explorer judges a live token: both say "overdue" from the same second.
    if (!isRefreshOverdue(times, Math.floor(seenAt / 1000))) continue;
    const refreshAt = kubeletRefreshPoint(times) * 1000;
    if (!found || seenAt > found.seenAt) found = { token: first, refreshAt, seenAt, observations: group };
  }
  // A stall that a newer token already ended is history, not a finding.
  if (!found) return undefined;
  const latest = Math.max(...list.map(lastSeen));
  return found.seenAt >= latest ? found : undefined;
}

/** Every token file whose refresh stalled, with its pod (running or starting). */
function stalls(evidence: Evidence): (PodTokenFile & { stall: Stall })[] {
  return podTokenFiles(evidence).flatMap((file) => {
    if (file.pod.phase !== 'Running' && file.pod.phase !== 'Pending') return [];
    const stall = findStall(file.observations);
    return stall ? [{ ...file, stall }] : [];
  });
}

/**
 * The uids of the pods this rule will speak of: the collector reads their PVCs (the cause it looks for), and only
 * theirs.
 */
export function stalledPodUids(evidence: Evidence): Set<string> {
  return new Set(stalls(evidence).map((s) => s.pod.uid));
}

export function refreshStalledRule(evidence: Evidence, nowMs: number, _options: DiagnoseOptions): Finding[] {
  const findings: Finding[] = [];
  for (const { stall, pod, ref } of stalls(evidence)) {
    const cause = stallCause(pod);
    const expired = stall.token.exp !== undefined && stall.token.exp * 1000 <= nowMs;
    const path = stall.token.subject.path ?? l10n.t('its token file');
    const items: FindingEvidence[] = stall.observations.map((o) => ({ atMs: o.at, text: describeObservation(o) }));
    items.push({ atMs: stall.refreshAt, text: l10n.t('kubelet refresh point {0}: the kubelet should have written a new token', when(stall.refreshAt)) });
    if (cause.since !== undefined)
      items.push({
        atMs: cause.since,
        text: cause.kind === 'pvcTerminating' ? l10n.t('PVC deletion requested (Terminating)') : l10n.t('pod deletion requested (Terminating)'),
      });
    items.sort((a, b) => a.atMs - b.atMs);
    const actions = [
      tokenHealthAction(ref),
      ...restartActions(
        evidence.context,
        pod,
        cause.kind === 'pvcTerminating' ? l10n.t('Restart pod (the Terminating PVC is then deleted)') : l10n.t('Restart pod'),
      ),
    ];
    findings.push({
      id: findingId('refreshStalled', pod.uid, stall.token.subject.path),
      rule: 'refreshStalled',
      severity: expired ? 'error' : 'warning',
      title: l10n.t('Kubelet stopped refreshing the token of {0}', podName(pod)),
      explanation: expired
        ? l10n.t(
            'The token in {0} should have been replaced at {1} but was still there {2} later and has expired: {3}.',
            path,
            when(stall.refreshAt),
            duration(stall.seenAt - stall.refreshAt),
            cause.text,
          )
        : l10n.t(
            'The token in {0} should have been replaced at {1} but was still there {2} later: {3}.',
            path,
            when(stall.refreshAt),
            duration(stall.seenAt - stall.refreshAt),
            cause.text,
          ),
      cause: cause.kind,
      subject: { ...stall.token.subject },
      target: ref,
      evidence: items,
      actions,
    });
  }
  return findings;
}
