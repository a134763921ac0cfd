// 401s from the API server's audit log, by workload: a refused request's event has an empty `user` (the
// server never learned who called), so the caller is known only by its source IP and user agent. An IP
// that one pod holds (a listed pod that held it by the time of the requests, or one history saw with it
// then, deleted since) ties the 401s to that pod; the others are grouped by address, each with its user agents.
import * as l10n from '@vscode/l10n';
import type { UnauthorizedCaller } from '../../controlPlane/auditSummary';
import type { PodRef } from '../../shared/nodeRef';
import { describeRequests, holderName, holdersOfIP, requestCount, type AddressHolder } from '../auditSources';
import type { Evidence } from '../evidence';
import { findingId, podName, podRef, restartActions, tokenHealthAction, when, type DiagnoseOptions } from '../ruleKit';
import type { Finding, FindingAction, FindingEvidence } from '../types';
import { sentences } from '../wording';

/** Unknown addresses shown one by one, the busiest first; the rest are one finding. */
export const MAX_UNKNOWN_ADDRESSES = 20;

function total(callers: readonly UnauthorizedCaller[]): { requests: number; first: number; last: number } {
  return {
    requests: callers.reduce((n, c) => n + c.requests, 0),
    first: Math.min(...callers.map((c) => c.firstSeenMs)),
    last: Math.max(...callers.map((c) => c.lastSeenMs)),
  };
}

function callerLine(c: UnauthorizedCaller): FindingEvidence {
  const ua = c.userAgent !== '' ? l10n.t('user agent {0}', c.userAgent) : l10n.t('no user agent');
  const from = c.sourceIP !== '' ? c.sourceIP : l10n.t('an unknown address');
  const text =
    c.username !== undefined
      ? l10n.t('401: {0} from {1}, {2}, as {3}', describeRequests(c), from, ua, c.username)
      : l10n.t('401: {0} from {1}, {2}', describeRequests(c), from, ua);
  return { atMs: c.lastSeenMs, text };
}

function span(t: { requests: number; first: number; last: number }): string {
  const n = requestCount(t.requests);
  return t.first === t.last ? l10n.t('{0} at {1}', n, when(t.first)) : l10n.t('{0} between {1} and {2}', n, when(t.first), when(t.last));
}

/** The pod's ref: a deleted pod's too, for its Token Health panel (which says it is gone), when its service account is known. */
function holderRef(context: string, h: AddressHolder): PodRef | undefined {
  if (h.pod !== undefined) return podRef(context, h.pod);
  if (h.serviceAccount === undefined) return undefined;
  return { kind: 'pod', context, namespace: h.namespace, name: h.name, uid: h.uid, serviceAccount: h.serviceAccount };
}

function podFinding(evidence: Evidence, holder: AddressHolder, callers: UnauthorizedCaller[]): Finding {
  const t = total(callers);
  const ips = [...new Set(callers.map((c) => c.sourceIP))].join(', ');
  const agents = [...new Set(callers.map((c) => c.userAgent).filter((u) => u !== ''))];
  const ref = holderRef(evidence.context, holder);
  const deleted = holder.pod === undefined;
  const whose = deleted ? l10n.t('the IP pod {0} held before it was deleted', podName(holder)) : l10n.t('the IP of pod {0}', podName(holder));
  const actions: FindingAction[] = holder.pod !== undefined ? restartActions(evidence.context, holder.pod) : [];
  if (ref !== undefined) actions.push(tokenHealthAction(ref));
  const subject: Finding['subject'] = { context: evidence.context, namespace: holder.namespace, pod: holder.name, podUid: holder.uid };
  if (holder.serviceAccount !== undefined) subject.serviceAccount = holder.serviceAccount;
  const finding: Finding = {
    id: findingId('auditUnauthorized', holder.namespace, holder.name, holder.uid),
    rule: 'auditUnauthorized',
    // A deleted pod sends nothing more: what it was refused is history.
    severity: deleted ? 'warning' : 'error',
    title: deleted ? l10n.t('401s from {0} (deleted since)', podName(holder)) : l10n.t('401s from {0}', podName(holder)),
    explanation: sentences(
      agents.length > 0
        ? l10n.t(
            "The API server refused {0} from {1}, {2} (user agent {3}), with 401: the token it sent was expired, invalidated (its pod or Secret deleted) or not one of this cluster's.",
            span(t),
            ips,
            whose,
            agents.join(', '),
          )
        : l10n.t(
            "The API server refused {0} from {1}, {2}, with 401: the token it sent was expired, invalidated (its pod or Secret deleted) or not one of this cluster's.",
            span(t),
            ips,
            whose,
          ),
      l10n.t("A refused request names no user, so the audit log cannot say which token; Token Health shows the pod's tokens and its 401 lines."),
    ),
    subject,
    evidence: callers.map(callerLine).sort((a, b) => a.atMs - b.atMs),
    actions,
  };
  if (ref !== undefined) finding.target = ref;
  return finding;
}

function addressFinding(evidence: Evidence, ip: string, callers: UnauthorizedCaller[], sharedBy: AddressHolder[]): Finding {
  const t = total(callers);
  const where = ip !== '' ? ip : l10n.t('an address the audit log does not give');
  const who =
    sharedBy.length > 1
      ? sharedBy.every((h) => h.pod !== undefined)
        ? l10n.t('Pods {0} share that address (host network), so it names no one pod', sharedBy.map(holderName).join(', '))
        : l10n.t(
            'Pods {0} held that address over those requests (one after another, or on the host network), so it names no one pod',
            sharedBy.map(holderName).join(', '),
          )
      : l10n.t(
          'No listed pod holds that address, and history saw no deleted pod with it: it is a node, a client outside the cluster, or a pod deleted before it was seen',
        );
  return {
    id: findingId('auditUnauthorized', ip !== '' ? ip : 'unknown'),
    rule: 'auditUnauthorized',
    severity: 'warning',
    title: l10n.t('401s from {0}', where),
    explanation: l10n.t('The API server refused {0} from {1} with 401. {2}; the user agents below say which client sent them.', span(t), where, who),
    subject: { context: evidence.context },
    evidence: callers.map(callerLine).sort((a, b) => a.atMs - b.atMs),
    actions: [],
  };
}

export function auditUnauthorizedRule(evidence: Evidence, _nowMs: number, _options: DiagnoseOptions): Finding[] {
  const callers = evidence.audit?.unauthorized ?? [];
  const byPod = new Map<string, { holder: AddressHolder; callers: UnauthorizedCaller[] }>();
  const byAddress = new Map<string, { callers: UnauthorizedCaller[]; sharedBy: AddressHolder[] }>();
  for (const c of callers) {
    const pods = holdersOfIP(evidence, c.sourceIP, c.firstSeenMs, c.lastSeenMs);
    const holder = pods.length === 1 ? pods[0] : undefined;
    if (holder) {
      const group = byPod.get(holder.uid) ?? { holder, callers: [] };
      group.callers.push(c);
      byPod.set(holder.uid, group);
    } else {
      const group = byAddress.get(c.sourceIP) ?? { callers: [], sharedBy: pods };
      group.callers.push(c);
      byAddress.set(c.sourceIP, group);
    }
  }
  const findings = [...byPod.values()].map((g) => podFinding(evidence, g.holder, g.callers));
  const addresses = [...byAddress.entries()].sort((a, b) => total(b[1].callers).requests - total(a[1].callers).requests || a[0].localeCompare(b[0]));
  for (const [ip, g] of addresses.slice(0, MAX_UNKNOWN_ADDRESSES)) findings.push(addressFinding(evidence, ip, g.callers, g.sharedBy));
  const rest = addresses.slice(MAX_UNKNOWN_ADDRESSES);
  if (rest.length > 0) {
    const all = rest.flatMap(([, g]) => g.callers);
    const t = total(all);
    findings.push({
      id: findingId('auditUnauthorized', 'more'),
      rule: 'auditUnauthorized',
      severity: 'warning',
      title: l10n.t('401s from {0} more addresses', rest.length),
      explanation: l10n.t('The API server refused {0} from {1} more addresses no one pod holds, with 401.', span(t), rest.length),
      subject: { context: evidence.context },
      evidence: all
        .sort((a, b) => b.requests - a.requests)
        .slice(0, 10)
        .map(callerLine),
      actions: [],
    });
  }
  return findings;
}
