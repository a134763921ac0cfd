// What the rules share: the options, each pod's token files (where the five pod-token rules start),
// pod and observation lookups, action builders and the wording of times. Pure; every rule file imports from here.
import * as l10n from '@vscode/l10n';
import type { Subject, TokenObservation, UnauthorizedEvent } from '../history/types';
import { DEFAULT_EXPIRY_OPTIONS } from '../token/expiry';
import type { RefreshTimes } from '../token/kubeletRefresh';
import { describeDuration, formatInstant } from '../token/relativeTime';
import type { ExpiryOptions } from '../token/types';
import type { NodeRef, PodRef } from '../shared/nodeRef';
import type { Evidence, PodEvidence } from './evidence';
import { laneOf } from './timeline';
import type { Finding, FindingAction, FindingRule } from './types';
import { COMMAND } from '../shared/commandIds';
import { commaList, semicolonList } from './wording';

export interface DiagnoseOptions {
  expiry: ExpiryOptions;
  /** 401s and successes for one token this close together count as interleaved. */
  concurrencyWindowSeconds: number;
  /** A 401 this long after a rotation counts as "after" it (the app had time to re-read the file). */
  reloadGraceSeconds: number;
  /** The clean-up period of the legacy token cleaner (kube-controller-manager default: one year). */
  legacyCleanUpPeriodDays: number;
}

export const DEFAULT_DIAGNOSE_OPTIONS: Readonly<DiagnoseOptions> = Object.freeze({
  expiry: DEFAULT_EXPIRY_OPTIONS,
  concurrencyWindowSeconds: 10,
  reloadGraceSeconds: 60,
  legacyCleanUpPeriodDays: 365,
});

export function resolveOptions(options?: Partial<DiagnoseOptions>): DiagnoseOptions {
  return { ...DEFAULT_DIAGNOSE_OPTIONS, ...options, expiry: { ...DEFAULT_EXPIRY_OPTIONS, ...options?.expiry } };
}

/** A rule: evidence in, findings out. */
export type Rule = (evidence: Evidence, nowMs: number, options: DiagnoseOptions) => Finding[];

/** `2026-11-22 03:18:52 UTC`. */
export function when(ms: number): string {
  return formatInstant(Math.floor(ms / 1000)).utc.replace('T', ' ');
}

export function duration(ms: number): string {
  return describeDuration(Math.round(Math.abs(ms) / 1000), 'long');
}

export function podName(pod: { namespace: string; name: string }): string {
  return `${pod.namespace}/${pod.name}`;
}

export function podRef(context: string, pod: PodEvidence): PodRef {
  const ref: PodRef = { kind: 'pod', context, namespace: pod.namespace, name: pod.name, uid: pod.uid, serviceAccount: pod.serviceAccount };
  if (pod.owner) ref.owner = { kind: pod.owner.kind, name: pod.owner.name };
  return ref;
}

export function findPod(evidence: Evidence, subject: Subject): PodEvidence | undefined {
  if (subject.pod === undefined) return undefined;
  return evidence.pods.find(
    (p) => (subject.podUid !== undefined ? p.uid === subject.podUid : true) && p.namespace === subject.namespace && p.name === subject.pod,
  );
}

export function action(title: string, command: string, target?: NodeRef): FindingAction {
  return target ? { title, command, target } : { title, command };
}

/** Restart the pod now, and a rollout restart of its workload when it has one. */
export function restartActions(context: string, pod: PodEvidence, title = l10n.t('Restart pod')): FindingAction[] {
  const ref = podRef(context, pod);
  const out = [action(title, COMMAND.restartPod, ref)];
  if (pod.workload) out.push(action(l10n.t('Rollout restart {0} {1}', pod.workload.kind, pod.workload.name), COMMAND.rolloutRestart, ref));
  return out;
}

export function tokenHealthAction(target: NodeRef): FindingAction {
  return action(l10n.t('Show Token Health'), COMMAND.showTokenHealth, target);
}

/** The id a finding keeps across runs: rule and subject. */
export function findingId(rule: FindingRule, ...parts: (string | undefined)[]): string {
  return [rule, ...parts.filter((p): p is string => p !== undefined && p !== '')].join(':');
}

export function lastSeen(o: TokenObservation): number {
  return Math.max(o.at, o.lastAt ?? o.at);
}

/** The token file of a pod: every container mounting it sees the same token. */
function tokenFileKey(s: Subject): string {
  return `${s.namespace ?? ''}/${s.pod ?? ''}/${s.podUid ?? ''}/${s.path ?? ''}`;
}

/** Pod token observations grouped by token file, oldest first in each. */
function podTokenLanes(evidence: Evidence): Map<string, TokenObservation[]> {
  const lanes = new Map<string, TokenObservation[]>();
  for (const o of evidence.observations) {
    if (o.subject.pod === undefined || o.source === 'kubeconfig') continue;
    const lane = tokenFileKey(o.subject);
    const list = lanes.get(lane) ?? [];
    list.push(o);
    lanes.set(lane, list);
  }
  for (const list of lanes.values()) list.sort((a, b) => a.at - b.at || lastSeen(a) - lastSeen(b));
  return lanes;
}

/** The token a lane holds now: the one seen last. */
function currentToken(list: readonly TokenObservation[]): TokenObservation | undefined {
  let best: TokenObservation | undefined;
  for (const o of list) if (!best || lastSeen(o) >= lastSeen(best)) best = o;
  return best;
}

/** One token file of a pod the evidence holds, as the pod-token rules start from it. */
export interface PodTokenFile {
  /** Every observation of the file, oldest first. */
  observations: TokenObservation[];
  /** The token the file holds now: the one seen last. */
  current: TokenObservation;
  pod: PodEvidence;
  ref: PodRef;
}

/** Each pod token file with its pod; a file whose pod is not in the evidence is left out. */
export function podTokenFiles(evidence: Evidence): PodTokenFile[] {
  const files: PodTokenFile[] = [];
  for (const observations of podTokenLanes(evidence).values()) {
    const current = currentToken(observations);
    // Every observation of a file names the same pod (namespace, name and uid are in its key).
    const pod = current ? findPod(evidence, current.subject) : undefined;
    if (current && pod) files.push({ observations, current, pod, ref: podRef(evidence.context, pod) });
  }
  return files;
}

/** The kubelet refresh times of an observed pod token, when it carries iat and exp. */
export function refreshTimesOf(o: TokenObservation): RefreshTimes | undefined {
  if (o.iat === undefined || o.exp === undefined) return undefined;
  return { issuedAt: o.iat, expiresAt: o.exp, warnAfter: o.warnAfter };
}

/** One evidence line about a token: fingerprint, jti and claims times, never the token. */
export function describeObservation(o: TokenObservation): string {
  const parts = [l10n.t('token {0}', o.fingerprint)];
  if (o.jti !== undefined) parts.push(l10n.t('jti {0}', o.jti));
  if (o.iat !== undefined) parts.push(l10n.t('issued {0}', when(o.iat * 1000)));
  if (o.warnAfter !== undefined) parts.push(l10n.t('warnafter {0}', when(o.warnAfter * 1000)));
  if (o.exp !== undefined) parts.push(l10n.t('expires {0}', when(o.exp * 1000)));
  const seen = o.lastAt !== undefined && o.lastAt > o.at ? l10n.t('seen {0} to {1}', when(o.at), when(o.lastAt)) : l10n.t('seen {0}', when(o.at));
  return o.subject.path !== undefined ? l10n.t('{0} in {1}; {2}', commaList(parts), o.subject.path, seen) : semicolonList([commaList(parts), seen]);
}

export function describeUnauthorized(e: UnauthorizedEvent): string {
  const who =
    e.subject.pod !== undefined
      ? `${e.subject.namespace ?? ''}/${e.subject.pod}${e.subject.container !== undefined ? ` (${e.subject.container})` : ''}`
      : laneOf(e.subject);
  const times = e.count !== undefined && e.count > 1 ? ` ×${e.count}` : '';
  return `401 ${e.source} ${who}${times}: ${e.line}`;
}

/** 401 events of one pod (by uid when both sides know it, else by name). */
export function unauthorizedOfPod(evidence: Evidence, pod: PodEvidence): UnauthorizedEvent[] {
  return evidence.unauthorized.filter(
    (e) => e.subject.namespace === pod.namespace && e.subject.pod === pod.name && (e.subject.podUid === undefined || e.subject.podUid === pod.uid),
  );
}
