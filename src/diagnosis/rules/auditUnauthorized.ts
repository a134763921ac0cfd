// 401s from the API server's audit log, by workload: a refused request's event has an empty `user` (the
// server never learned who called), so the caller is known only by its source IP and user agent. An IP
// that one listed pod holds (and held by the time of the requests) ties the 401s to that pod; the others
// are grouped by address, each with its user agents.
import type { UnauthorizedCaller } from '../../controlPlane/auditSummary';
import { describeRequests, podsWithIP } from '../auditSources';
import type { Evidence, PodEvidence } from '../evidence';
import { findingId, podName, podRef, restartActions, tokenHealthAction, when, type DiagnoseOptions } from '../ruleKit';
import type { Finding, FindingEvidence } from '../types';

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
  const ua = c.userAgent !== '' ? `user agent ${c.userAgent}` : 'no user agent';
  const user = c.username !== undefined ? `, as ${c.username}` : '';
  return { atMs: c.lastSeenMs, text: `401: ${describeRequests(c)} from ${c.sourceIP !== '' ? c.sourceIP : 'an unknown address'}, ${ua}${user}` };
}

function span(t: { requests: number; first: number; last: number }): string {
  const n = `${t.requests.toLocaleString('en-US')} request${t.requests === 1 ? '' : 's'}`;
  return t.first === t.last ? `${n} at ${when(t.first)}` : `${n} between ${when(t.first)} and ${when(t.last)}`;
}

function podFinding(evidence: Evidence, pod: PodEvidence, callers: UnauthorizedCaller[]): Finding {
  const t = total(callers);
  const ips = [...new Set(callers.map((c) => c.sourceIP))].join(', ');
  const agents = [...new Set(callers.map((c) => c.userAgent).filter((u) => u !== ''))];
  const ref = podRef(evidence.context, pod);
  return {
    id: findingId('auditUnauthorized', pod.namespace, pod.name, pod.uid),
    rule: 'auditUnauthorized',
    severity: 'error',
    title: `401s from ${podName(pod)}`,
    explanation:
      `The API server refused ${span(t)} from ${ips}, the IP of pod ${podName(pod)}${agents.length > 0 ? ` (user agent ${agents.join(', ')})` : ''}, with 401: ` +
      `the token it sends is expired, invalidated (its pod or Secret deleted) or not one of this cluster's. ` +
      `A refused request names no user, so the audit log cannot say which token; Token Health shows the pod's tokens and its 401 lines.`,
    subject: { context: evidence.context, namespace: pod.namespace, pod: pod.name, podUid: pod.uid, serviceAccount: pod.serviceAccount },
    target: ref,
    evidence: callers.map(callerLine).sort((a, b) => a.atMs - b.atMs),
    actions: [...restartActions(evidence.context, pod), tokenHealthAction(ref)],
  };
}

function addressFinding(evidence: Evidence, ip: string, callers: UnauthorizedCaller[], sharedBy: PodEvidence[]): Finding {
  const t = total(callers);
  const where = ip !== '' ? ip : 'an address the audit log does not give';
  const who =
    sharedBy.length > 1
      ? `Pods ${sharedBy.map(podName).join(', ')} share that address (host network), so it names no one pod`
      : 'No listed pod holds that address: it is a node, a client outside the cluster, or a pod deleted since';
  return {
    id: findingId('auditUnauthorized', ip !== '' ? ip : 'unknown'),
    rule: 'auditUnauthorized',
    severity: 'warning',
    title: `401s from ${where}`,
    explanation: `The API server refused ${span(t)} from ${where} with 401. ${who}; the user agents below say which client sent them.`,
    subject: { context: evidence.context },
    evidence: callers.map(callerLine).sort((a, b) => a.atMs - b.atMs),
    actions: [],
  };
}

export function auditUnauthorizedRule(evidence: Evidence, _nowMs: number, _options: DiagnoseOptions): Finding[] {
  const callers = evidence.audit?.unauthorized ?? [];
  const byPod = new Map<string, { pod: PodEvidence; callers: UnauthorizedCaller[] }>();
  const byAddress = new Map<string, { callers: UnauthorizedCaller[]; sharedBy: PodEvidence[] }>();
  for (const c of callers) {
    const pods = podsWithIP(evidence, c.sourceIP, c.lastSeenMs);
    const pod = pods.length === 1 ? pods[0] : undefined;
    if (pod) {
      const group = byPod.get(pod.uid) ?? { pod, callers: [] };
      group.callers.push(c);
      byPod.set(pod.uid, group);
    } else {
      const group = byAddress.get(c.sourceIP) ?? { callers: [], sharedBy: pods };
      group.callers.push(c);
      byAddress.set(c.sourceIP, group);
    }
  }
  const findings = [...byPod.values()].map((g) => podFinding(evidence, g.pod, g.callers));
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
      title: `401s from ${rest.length} more addresses`,
      explanation: `The API server refused ${span(t)} from ${rest.length} more addresses no listed pod holds, with 401.`,
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
