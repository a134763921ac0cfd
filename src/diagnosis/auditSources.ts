// What the audit rules share: the pod behind a source IP (an audit event names its caller only by
// address and user agent), and the wording of where requests came from. Pure.
import type { SeenRange } from '../controlPlane/auditSummary';
import type { Evidence, PodEvidence } from './evidence';
import { podName, when } from './ruleKit';

/**
 * The listed pods that hold `ip` and existed by `lastSeenMs` (an IP freed by a deleted pod goes to the
 * next one: a pod started after the requests did not send them). More than one for host-network pods.
 */
export function podsWithIP(evidence: Evidence, ip: string, lastSeenMs: number): PodEvidence[] {
  if (ip === '') return [];
  return evidence.pods.filter((p) => p.podIPs?.includes(ip) === true && (p.startedAtMs === undefined || p.startedAtMs <= lastSeenMs));
}

/** `10.244.1.9 (pod db/billing-db-0)`, or the bare address when no single listed pod holds it. */
export function describeAddress(evidence: Evidence, ip: string, lastSeenMs: number): string {
  const pods = podsWithIP(evidence, ip, lastSeenMs);
  const only = pods.length === 1 ? pods[0] : undefined;
  if (only) return `${ip} (pod ${podName(only)})`;
  if (pods.length > 1) return `${ip} (shared by pods ${pods.map(podName).join(', ')})`;
  return ip;
}

/** `from 10.244.1.9 (pod db/x), user agent Patroni/2.1.4` for the distinct values a range kept. */
export function describeSources(evidence: Evidence, range: SeenRange): string {
  const parts: string[] = [];
  if (range.sourceIPs.length > 0) parts.push(`from ${range.sourceIPs.map((ip) => describeAddress(evidence, ip, range.lastSeenMs)).join(', ')}`);
  if (range.userAgents.length > 0) parts.push(`user agent ${range.userAgents.join(', ')}`);
  return parts.join(', ');
}

/** `3 requests from 2026-12-02 16:00:00 UTC to 2026-12-02 16:10:00 UTC`, or one moment for one request. */
export function describeRequests(range: SeenRange): string {
  const n = `${range.requests.toLocaleString('en-US')} request${range.requests === 1 ? '' : 's'}`;
  return range.firstSeenMs === range.lastSeenMs ? `${n} at ${when(range.firstSeenMs)}` : `${n} from ${when(range.firstSeenMs)} to ${when(range.lastSeenMs)}`;
}
