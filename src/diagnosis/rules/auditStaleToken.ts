// A pod that uses a stale token, from the API server's own audit log: every request made with a pod
// token after its `warnafter` carries the `authentication.k8s.io/stale-token` annotation, with
// user.extra naming the pod. The token still works only because the API server extends the expiry of
// pod tokens (to a year upstream, 90 days on EKS); the app never re-reads its token file, and fails
// when that ends. A pod that re-reads its file never sends a token past its warnafter, so it never
// shows here.
import type { StalePodUse } from '../../controlPlane/auditSummary';
import type { PodRef, ServiceAccountRef } from '../../shared/nodeRef';
import { describeRequests, describeSources } from '../auditSources';
import type { Evidence, PodEvidence } from '../evidence';
import { duration, findingId, podRef, restartActions, tokenHealthAction, when, type DiagnoseOptions } from '../ruleKit';
import type { Finding, FindingAction, FindingEvidence } from '../types';

const DAY_MS = 24 * 3600 * 1000;
/** kube-apiserver's extension of a pod token's expiry (ExpirationExtensionSeconds): one year. */
const UPSTREAM_EXTENSION_MS = 365 * DAY_MS;
/** EKS extends pod tokens to 90 days. */
const EKS_EXTENSION_MS = 90 * DAY_MS;
/** The kubelet asks for 3607 s tokens: `warnafter` is an hour and seven seconds after issue. */
const KUBELET_TOKEN_MS = 3607 * 1000;

/**
 * The pod the annotation names: by uid when the event gave one, else by name. An event that names
 * no pod (GKE's) is tied to the one pod of that service account holding the caller's address.
 */
function podOf(evidence: Evidence, use: StalePodUse): PodEvidence | undefined {
  if (use.pod === '') {
    const ip = use.sourceIPs[0];
    if (ip === undefined) return undefined;
    const holders = evidence.pods.filter((p) => p.namespace === use.namespace && p.serviceAccount === use.serviceAccount && (p.podIPs ?? []).includes(ip));
    return holders.length === 1 ? holders[0] : undefined;
  }
  return evidence.pods.find((p) => p.namespace === use.namespace && p.name === use.pod && (use.podUid === undefined || p.uid === use.podUid));
}

/** A pod of the same name with another uid: the one that replaced the pod the events name. */
function successorOf(evidence: Evidence, use: StalePodUse): PodEvidence | undefined {
  if (use.podUid === undefined) return undefined;
  return evidence.pods.find((p) => p.namespace === use.namespace && p.name === use.pod && p.uid !== use.podUid);
}

/** Words for the client library, where we know its fix. */
function upgradeAdvice(userAgents: readonly string[]): string {
  if (userAgents.some((ua) => ua.startsWith('Patroni/')))
    return 'upgrade Patroni to a release that re-reads its token file (the fix for patroni/patroni#2286, 2022)';
  return 'upgrade the client library (or the app) to one that re-reads its token file';
}

export function auditStaleTokenRule(evidence: Evidence, nowMs: number, _options: DiagnoseOptions): Finding[] {
  const stale = evidence.audit?.stalePods ?? [];
  return stale.map((use) => {
    const pod = podOf(evidence, use);
    const successor = pod ? undefined : successorOf(evidence, use);
    const podName = use.pod !== '' ? use.pod : pod?.name;
    const name = podName !== undefined ? `${use.namespace}/${podName}` : `a pod of ${use.subject}`;
    const seconds = use.maxSecondsAfterWarning;
    // The annotation says how far past warnafter each request was: the warnafter itself follows.
    const warnAt = seconds !== undefined ? use.lastSeenMs - seconds * 1000 : undefined;
    const items: FindingEvidence[] = [];
    if (warnAt !== undefined) items.push({ atMs: warnAt, text: `the token's warnafter passed about ${when(warnAt)}` });
    items.push({ atMs: use.firstSeenMs, text: `first request with the stale token in the audit log, as ${use.subject}` });
    if (use.pod === '' && pod !== undefined)
      items.push({
        atMs: use.lastSeenMs,
        text: `the audit log does not name the pod; it called from ${use.sourceIPs[0] ?? ''}, the address ${pod.name} holds`,
      });
    items.push({
      atMs: use.lastSeenMs,
      text: `${describeRequests(use)}${seconds !== undefined ? `, the last ${duration(seconds * 1000)} past warnafter` : ''}; ${describeSources(evidence, use)}`,
    });
    if (pod?.startedAtMs !== undefined) items.push({ atMs: pod.startedAtMs, text: `pod started: the app read its token file then` });
    if (successor)
      items.push({
        atMs: successor.startedAtMs ?? use.lastSeenMs,
        text: `pod uid ${use.podUid ?? ''} was replaced by uid ${successor.uid}, which reads a fresh token at its start`,
      });
    items.sort((a, b) => a.atMs - b.atMs);

    const issuedAt = warnAt !== undefined ? warnAt - KUBELET_TOKEN_MS : undefined;
    const past = seconds !== undefined ? ` for ${duration(seconds * 1000)}` : '';
    const since = warnAt !== undefined ? ` (since about ${when(warnAt)})` : '';
    const eksEnd = issuedAt !== undefined ? issuedAt + EKS_EXTENSION_MS : undefined;
    const ends =
      issuedAt !== undefined && eksEnd !== undefined
        ? ` (to a year upstream, so it expires about ${when(issuedAt + UPSTREAM_EXTENSION_MS)}; to 90 days on EKS, ${eksEnd <= nowMs ? `where it would have expired about ${when(eksEnd)}` : `so about ${when(eksEnd)}`})`
        : ' (to a year upstream, 90 days on EKS)';
    const explanation =
      `${name} has sent a token past its warnafter${past}${since}: ${describeRequests(use)}. ` +
      `The app never re-reads its token file: the API server accepts the token only while it extends the expiry of pod tokens${ends}, ` +
      `and where that extension is off (--service-account-extend-token-expiration=false, as RKE2's CIS profile sets) such an app fails an hour after it starts. ` +
      `Restarting the pod buys time, not a cure: ${upgradeAdvice(use.userAgents)}.`;

    const saRef: ServiceAccountRef = { kind: 'serviceAccount', context: evidence.context, namespace: use.namespace, name: use.serviceAccount };
    const target: PodRef | ServiceAccountRef = pod ? podRef(evidence.context, pod) : saRef;
    const actions: FindingAction[] = pod ? restartActions(evidence.context, pod, 'Restart pod (buys time, not a cure)') : [];
    actions.push(tokenHealthAction(target));
    const subject: Finding['subject'] = { context: evidence.context, namespace: use.namespace, serviceAccount: use.serviceAccount };
    if (podName !== undefined) subject.pod = podName;
    const podUid = use.podUid ?? (use.pod === '' ? pod?.uid : undefined);
    if (podUid !== undefined) subject.podUid = podUid;
    return {
      id: findingId('auditStaleToken', use.namespace, use.pod, use.podUid, use.pod === '' ? `${use.subject} ${use.sourceIPs[0] ?? ''}` : undefined),
      rule: 'auditStaleToken',
      // Still accepted today; a pod already replaced no longer sends it.
      severity: successor ? 'info' : 'warning',
      title: successor ? `${name} (an earlier pod of that name) used a stale token` : `${name} uses a stale token`,
      explanation,
      cause: 'appNotReloading',
      subject,
      target,
      evidence: items,
      actions,
    };
  });
}
