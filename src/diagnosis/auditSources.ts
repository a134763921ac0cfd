// What the audit rules share: the pod behind a source IP (an audit event names its caller only by
// address and user agent), and the wording of where requests came from. Pure.
import * as l10n from '@vscode/l10n';
import type { SeenRange, UnauthorizedCaller } from '../controlPlane/auditSummary';
import type { PodAddressEvidence, PodEvidence } from './evidence';
import { podName, when } from './ruleKit';
import { commaList } from './wording';

/**
 * The listed pods that hold `ip` and existed by `lastSeenMs` (an IP freed by a deleted pod goes to the
 * next one: a pod started after the requests did not send them). More than one for host-network pods.
 */
export function podsWithIP<P extends AddressPod>(evidence: { readonly pods: readonly P[] }, ip: string, lastSeenMs: number): P[] {
  if (ip === '') return [];
  return evidence.pods.filter((p) => p.podIPs?.includes(ip) === true && (p.startedAtMs === undefined || p.startedAtMs <= lastSeenMs));
}

/** What of a listed pod ties an address to it. */
export type AddressPod = Pick<PodEvidence, 'namespace' | 'name' | 'uid' | 'serviceAccount' | 'podIPs' | 'startedAtMs'>;

/** The pods an address may name: those listed now, and those history saw with an address. */
export interface AddressBook<P extends AddressPod = PodEvidence> {
  readonly pods: readonly P[];
  readonly podAddresses?: readonly PodAddressEvidence[] | undefined;
}

/** A pod that may have sent requests from an address: a listed one, or one history saw with it, deleted since. */
export interface AddressHolder<P extends AddressPod = PodEvidence> {
  namespace: string;
  name: string;
  uid: string;
  serviceAccount?: string;
  /** The listed pod; absent for a pod deleted since. */
  pod?: P;
}

/**
 * When a pod deleted since stopped holding its address: when the next pod (another uid) with that address started;
 * never, as far as is known, when none did.
 */
function heldUntil(former: PodAddressEvidence, evidence: AddressBook<AddressPod>): number {
  let end = Number.POSITIVE_INFINITY;
  for (const a of evidence.podAddresses ?? []) if (a.ip === former.ip && a.uid !== former.uid && a.sinceMs > former.sinceMs) end = Math.min(end, a.sinceMs);
  for (const p of evidence.pods) {
    if (p.uid !== former.uid && p.podIPs?.includes(former.ip) === true && p.startedAtMs !== undefined && p.startedAtMs > former.sinceMs) {
      end = Math.min(end, p.startedAtMs);
    }
  }
  return end;
}

/**
 * The pods that may have sent requests from `ip` between `firstSeenMs` and `lastSeenMs`: the listed pods of
 * podsWithIP, then the pods history saw with the address, deleted since, whose time with it overlaps the requests.
 * The requests are tied to a pod only when exactly one is returned.
 */
export function holdersOfIP<P extends AddressPod>(evidence: AddressBook<P>, ip: string, firstSeenMs: number, lastSeenMs: number): AddressHolder<P>[] {
  if (ip === '') return [];
  const holders: AddressHolder<P>[] = podsWithIP(evidence, ip, lastSeenMs).map((pod) => ({
    namespace: pod.namespace,
    name: pod.name,
    uid: pod.uid,
    serviceAccount: pod.serviceAccount,
    pod,
  }));
  const listed = new Set(evidence.pods.map((p) => p.uid));
  const former = new Set<string>();
  for (const a of evidence.podAddresses ?? []) {
    if (a.ip !== ip || listed.has(a.uid) || former.has(a.uid)) continue;
    if (a.sinceMs > lastSeenMs || heldUntil(a, evidence) <= firstSeenMs) continue;
    former.add(a.uid);
    const holder: AddressHolder<P> = { namespace: a.namespace, name: a.name, uid: a.uid };
    if (a.serviceAccount !== undefined) holder.serviceAccount = a.serviceAccount;
    holders.push(holder);
  }
  return holders;
}

/** `db/billing-db-0`, or `db/billing-db-0, deleted since` for a pod no longer listed. */
export function holderName(h: AddressHolder<AddressPod>): string {
  return h.pod !== undefined ? podName(h) : l10n.t('{0}, deleted since', podName(h));
}

/** A refused caller and the one pod its address ties it to, when exactly one does. */
export interface TiedCaller<P extends AddressPod = PodEvidence> {
  caller: UnauthorizedCaller;
  holder?: AddressHolder<P>;
}

/** Each caller with the pod its source IP ties it to (the rule of holdersOfIP: exactly one holder). */
export function tieCallers<P extends AddressPod>(evidence: AddressBook<P>, callers: readonly UnauthorizedCaller[]): TiedCaller<P>[] {
  return callers.map((caller) => {
    const holders = holdersOfIP(evidence, caller.sourceIP, caller.firstSeenMs, caller.lastSeenMs);
    const only = holders.length === 1 ? holders[0] : undefined;
    return only !== undefined ? { caller, holder: only } : { caller };
  });
}

/** `10.244.1.9 (pod db/billing-db-0)`, or the bare address when no single pod holds it. */
export function describeAddress(evidence: AddressBook<AddressPod>, ip: string, firstSeenMs: number, lastSeenMs: number): string {
  const holders = holdersOfIP(evidence, ip, firstSeenMs, lastSeenMs);
  const only = holders.length === 1 ? holders[0] : undefined;
  if (only) return l10n.t('{0} (pod {1})', ip, holderName(only));
  if (holders.length > 1) return l10n.t('{0} (shared by pods {1})', ip, holders.map(holderName).join(', '));
  return ip;
}

/** `from 10.244.1.9 (pod db/x), user agent Patroni/2.1.4` for the distinct values a range kept. */
export function describeSources(evidence: AddressBook<AddressPod>, range: SeenRange): string {
  const parts: string[] = [];
  if (range.sourceIPs.length > 0)
    parts.push(l10n.t('from {0}', range.sourceIPs.map((ip) => describeAddress(evidence, ip, range.firstSeenMs, range.lastSeenMs)).join(', ')));
  if (range.userAgents.length > 0) parts.push(l10n.t('user agent {0}', range.userAgents.join(', ')));
  return commaList(parts);
}

/** `3 requests from 2026-12-02 16:00:00 UTC to 2026-12-02 16:10:00 UTC`, or one moment for one request. */
export function describeRequests(range: SeenRange): string {
  const n = requestCount(range.requests);
  return range.firstSeenMs === range.lastSeenMs
    ? l10n.t('{0} at {1}', n, when(range.firstSeenMs))
    : l10n.t('{0} from {1} to {2}', n, when(range.firstSeenMs), when(range.lastSeenMs));
}

/** `1 request`, `1,204 requests`. */
export function requestCount(n: number): string {
  return n === 1 ? l10n.t('1 request') : l10n.t('{0} requests', n.toLocaleString('en-US'));
}
