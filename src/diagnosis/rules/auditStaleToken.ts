// A pod that uses a stale token, from the API server's own audit log: every request made with a pod
// token after its `warnafter` carries the `authentication.k8s.io/stale-token` annotation, with
// user.extra naming the pod. The token still works only because the API server extends the expiry of
// pod tokens (to a year upstream, 90 days on EKS); the app never re-reads its token file, and fails
// when that ends. A pod that re-reads its file never sends a token past its warnafter, so it never
// shows here.
import * as l10n from '@vscode/l10n';
import type { StalePodUse } from '../../controlPlane/auditSummary';
import type { PodRef, ServiceAccountRef } from '../../shared/nodeRef';
import { describeRequests, describeSources } from '../auditSources';
import type { Evidence, PodEvidence } from '../evidence';
import { duration, findingId, podRef, restartActions, tokenHealthAction, when, type DiagnoseOptions } from '../ruleKit';
import type { Finding, FindingAction, FindingEvidence } from '../types';
import { sentences } from '../wording';

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
    return l10n.t('upgrade Patroni to a release that re-reads its token file (the fix for patroni/patroni#2286, 2022)');
  return l10n.t('upgrade the client library (or the app) to one that re-reads its token file');
}

export function auditStaleTokenRule(evidence: Evidence, nowMs: number, _options: DiagnoseOptions): Finding[] {
  const stale = evidence.audit?.stalePods ?? [];
  return stale.map((use) => {
    const pod = podOf(evidence, use);
    const successor = pod ? undefined : successorOf(evidence, use);
    const podName = use.pod !== '' ? use.pod : pod?.name;
    const name = podName !== undefined ? `${use.namespace}/${podName}` : l10n.t('a pod of {0}', use.subject);
    const seconds = use.maxSecondsAfterWarning;
    // The annotation says how far past warnafter each request was: the warnafter itself follows.
    const warnAt = seconds !== undefined ? use.lastSeenMs - seconds * 1000 : undefined;
    const items: FindingEvidence[] = [];
    if (warnAt !== undefined) items.push({ atMs: warnAt, text: l10n.t("the token's warnafter passed about {0}", when(warnAt)) });
    items.push({ atMs: use.firstSeenMs, text: l10n.t('first request with the stale token in the audit log, as {0}', use.subject) });
    if (use.pod === '' && pod !== undefined)
      items.push({
        atMs: use.lastSeenMs,
        text: l10n.t('the audit log does not name the pod; it called from {0}, the address {1} holds', use.sourceIPs[0] ?? '', pod.name),
      });
    items.push({
      atMs: use.lastSeenMs,
      text:
        seconds !== undefined
          ? l10n.t('{0}, the last {1} past warnafter; {2}', describeRequests(use), duration(seconds * 1000), describeSources(evidence, use))
          : l10n.t('{0}; {1}', describeRequests(use), describeSources(evidence, use)),
    });
    if (pod?.startedAtMs !== undefined) items.push({ atMs: pod.startedAtMs, text: l10n.t('pod started: the app read its token file then') });
    if (successor)
      items.push({
        atMs: successor.startedAtMs ?? use.lastSeenMs,
        text: l10n.t('pod uid {0} was replaced by uid {1}, which reads a fresh token at its start', use.podUid ?? '', successor.uid),
      });
    items.sort((a, b) => a.atMs - b.atMs);

    const issuedAt = warnAt !== undefined ? warnAt - KUBELET_TOKEN_MS : undefined;
    const eksEnd = issuedAt !== undefined ? issuedAt + EKS_EXTENSION_MS : undefined;
    const ends =
      issuedAt !== undefined && eksEnd !== undefined
        ? eksEnd <= nowMs
          ? l10n.t(
              'to a year upstream, so it expires about {0}; to 90 days on EKS, where it would have expired about {1}',
              when(issuedAt + UPSTREAM_EXTENSION_MS),
              when(eksEnd),
            )
          : l10n.t('to a year upstream, so it expires about {0}; to 90 days on EKS, so about {1}', when(issuedAt + UPSTREAM_EXTENSION_MS), when(eksEnd))
        : l10n.t('to a year upstream, 90 days on EKS');
    const explanation = sentences(
      seconds !== undefined && warnAt !== undefined
        ? l10n.t('{0} has sent a token past its warnafter for {1} (since about {2}): {3}.', name, duration(seconds * 1000), when(warnAt), describeRequests(use))
        : l10n.t('{0} has sent a token past its warnafter: {1}.', name, describeRequests(use)),
      l10n.t(
        "The app never re-reads its token file: the API server accepts the token only while it extends the expiry of pod tokens ({0}), and where that extension is off (--service-account-extend-token-expiration=false, as RKE2's CIS profile sets) such an app fails an hour after it starts.",
        ends,
      ),
      l10n.t('Restarting the pod buys time, not a cure: {0}.', upgradeAdvice(use.userAgents)),
    );

    const saRef: ServiceAccountRef = { kind: 'serviceAccount', context: evidence.context, namespace: use.namespace, name: use.serviceAccount };
    const target: PodRef | ServiceAccountRef = pod ? podRef(evidence.context, pod) : saRef;
    const actions: FindingAction[] = pod ? restartActions(evidence.context, pod, l10n.t('Restart pod (buys time, not a cure)')) : [];
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
      title: successor ? l10n.t('{0} (an earlier pod of that name) used a stale token', name) : l10n.t('{0} uses a stale token', name),
      explanation,
      cause: 'appNotReloading',
      subject,
      target,
      evidence: items,
      actions,
    };
  });
}
