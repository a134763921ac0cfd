// Audit events folded into what findings are made of: which pods send stale tokens (and how far
// past `warnafter`), which subjects still use legacy Secret tokens, and which callers get 401.
// A request is counted once, whatever stages of it the log holds.

import type { AuditEvent } from './auditEvent';

export interface SeenRange {
  firstSeenMs: number;
  lastSeenMs: number;
  /** Requests, each counted once across its stages. */
  requests: number;
  /** Distinct values, at most MAX_DISTINCT of them. */
  userAgents: string[];
  sourceIPs: string[];
}

/** A pod whose client sent its token after the token's `warnafter`. */
export interface StalePodUse extends SeenRange {
  namespace: string;
  /** Empty when the event did not name the pod (user.extra missing). */
  pod: string;
  podUid?: string;
  serviceAccount: string;
  /** The annotation's subject, `system:serviceaccount:NS:NAME`. */
  subject: string;
  /** The most seconds past `warnafter` any of its requests was; undefined when no annotation said. */
  maxSecondsAfterWarning?: number;
}

/** A service account whose legacy (Secret-based, never-expiring) token is in use. */
export interface LegacyTokenUse extends SeenRange {
  subject: string;
  namespace: string;
  serviceAccount: string;
}

/** A caller refused with 401: known only by where it called from and its user agent. */
export interface UnauthorizedCaller extends SeenRange {
  sourceIP: string;
  userAgent: string;
  /** Set when the server did know the user (a 401 after authentication, from a webhook or an aggregated API). */
  username?: string;
}

export interface AuditFindingsInput {
  stalePods: StalePodUse[];
  legacyTokens: LegacyTokenUse[];
  unauthorized: UnauthorizedCaller[];
}

export const MAX_DISTINCT = 5;
/** auditIDs remembered to count each request once; stages of one request are close together. */
const REMEMBERED_IDS = 65536;

/** `system:serviceaccount:NS:NAME` split, or undefined for any other user name. */
export function serviceAccountOf(subject: string): { namespace: string; name: string } | undefined {
  const parts = subject.split(':');
  if (parts.length !== 4 || parts[0] !== 'system' || parts[1] !== 'serviceaccount') return undefined;
  return { namespace: parts[2] ?? '', name: parts[3] ?? '' };
}

function addDistinct(list: string[], value: string | undefined): void {
  if (value === undefined || value === '' || list.length >= MAX_DISTINCT || list.includes(value)) return;
  list.push(value);
}

function newRange(e: AuditEvent): SeenRange {
  return { firstSeenMs: e.requestReceivedMs, lastSeenMs: e.requestReceivedMs, requests: 0, userAgents: [], sourceIPs: [] };
}

function touch(range: SeenRange, e: AuditEvent): void {
  range.requests++;
  if (e.requestReceivedMs < range.firstSeenMs) range.firstSeenMs = e.requestReceivedMs;
  if (e.requestReceivedMs > range.lastSeenMs) range.lastSeenMs = e.requestReceivedMs;
  addDistinct(range.userAgents, e.userAgent);
  addDistinct(range.sourceIPs, e.sourceIPs[0]);
}

export class AuditSummary {
  private readonly stale = new Map<string, StalePodUse>();
  private readonly legacy = new Map<string, LegacyTokenUse>();
  private readonly refused = new Map<string, UnauthorizedCaller>();
  /** Insertion-ordered, so the oldest falls out first. */
  private readonly counted = new Set<string>();

  /** Fold one event in; events that show no stale, legacy or refused token are ignored. */
  add(e: AuditEvent): void {
    const stale = e.staleToken;
    const legacy = e.legacyTokenSubject;
    const refused = e.code === 401;
    if (stale === undefined && legacy === undefined && !refused) return;
    if (!this.firstTime(e.auditID)) return;
    if (stale !== undefined) this.addStale(e, stale.subject, stale.secondsAfterWarning);
    if (legacy !== undefined) this.addLegacy(e, legacy);
    if (refused) this.addRefused(e);
  }

  result(): AuditFindingsInput {
    const byName =
      <T>(key: (v: T) => string) =>
      (a: T, b: T): number =>
        key(a).localeCompare(key(b));
    return {
      stalePods: [...this.stale.values()].sort(byName((v) => `${v.namespace}/${v.pod}/${v.subject}`)),
      legacyTokens: [...this.legacy.values()].sort(byName((v) => v.subject)),
      unauthorized: [...this.refused.values()].sort((a, b) => b.requests - a.requests || a.sourceIP.localeCompare(b.sourceIP)),
    };
  }

  private firstTime(auditID: string): boolean {
    if (this.counted.has(auditID)) return false;
    this.counted.add(auditID);
    if (this.counted.size > REMEMBERED_IDS) {
      const oldest = this.counted.values().next();
      if (oldest.done !== true) this.counted.delete(oldest.value);
    }
    return true;
  }

  private addStale(e: AuditEvent, annotatedSubject: string, seconds: number | undefined): void {
    const subject = annotatedSubject !== '' ? annotatedSubject : (e.user?.username ?? '');
    const sa = serviceAccountOf(subject);
    const pod = e.user?.podName ?? '';
    const podUid = e.user?.podUid;
    // Without the pod's name (GKE's entries carry no user.extra), each caller address is its own use,
    // so the rule can name the pod that holds it.
    const key = pod !== '' ? `${subject}\u0000${pod}\u0000${podUid ?? ''}` : `${subject}\u0000\u0000\u0000${e.sourceIPs[0] ?? ''}`;
    let use = this.stale.get(key);
    if (use === undefined) {
      use = { ...newRange(e), namespace: sa?.namespace ?? '', pod, serviceAccount: sa?.name ?? '', subject };
      if (podUid !== undefined) use.podUid = podUid;
      this.stale.set(key, use);
    }
    touch(use, e);
    if (seconds !== undefined && (use.maxSecondsAfterWarning === undefined || seconds > use.maxSecondsAfterWarning)) use.maxSecondsAfterWarning = seconds;
  }

  private addLegacy(e: AuditEvent, subject: string): void {
    let use = this.legacy.get(subject);
    if (use === undefined) {
      const sa = serviceAccountOf(subject);
      use = { ...newRange(e), subject, namespace: sa?.namespace ?? '', serviceAccount: sa?.name ?? '' };
      this.legacy.set(subject, use);
    }
    touch(use, e);
  }

  private addRefused(e: AuditEvent): void {
    const sourceIP = e.sourceIPs[0] ?? '';
    const userAgent = e.userAgent ?? '';
    const key = `${sourceIP}\u0000${userAgent}`;
    let caller = this.refused.get(key);
    if (caller === undefined) {
      caller = { ...newRange(e), sourceIP, userAgent };
      this.refused.set(key, caller);
    }
    touch(caller, e);
    if (e.user !== undefined) caller.username ??= e.user.username;
  }
}

function mergedRange<T extends SeenRange>(a: T, b: T): T {
  const out: T = {
    ...a,
    firstSeenMs: Math.min(a.firstSeenMs, b.firstSeenMs),
    lastSeenMs: Math.max(a.lastSeenMs, b.lastSeenMs),
    requests: a.requests + b.requests,
    userAgents: [...a.userAgents],
    sourceIPs: [...a.sourceIPs],
  };
  for (const ua of b.userAgents) addDistinct(out.userAgents, ua);
  for (const ip of b.sourceIPs) addDistinct(out.sourceIPs, ip);
  return out;
}

function mergeBy<T extends SeenRange>(lists: readonly (readonly T[])[], key: (v: T) => string, more?: (into: T, from: T) => void): T[] {
  const byKey = new Map<string, T>();
  for (const list of lists) {
    for (const v of list) {
      const k = key(v);
      const had = byKey.get(k);
      if (had === undefined) {
        byKey.set(k, { ...v, userAgents: [...v.userAgents], sourceIPs: [...v.sourceIPs] });
        continue;
      }
      const merged = mergedRange(had, v);
      more?.(merged, v);
      byKey.set(k, merged);
    }
  }
  return [...byKey.values()];
}

/**
 * What several audit sources showed, as one (the files of the setting and a node's log read on demand). Uses of the
 * same pod, subject or caller are one, their requests added up: the same request read from two sources counts twice.
 */
export function mergeAuditInputs(...inputs: readonly AuditFindingsInput[]): AuditFindingsInput {
  const byName =
    <T>(key: (v: T) => string) =>
    (a: T, b: T): number =>
      key(a).localeCompare(key(b));
  return {
    stalePods: mergeBy(
      inputs.map((i) => i.stalePods),
      (v) => `${v.subject}\u0000${v.pod}\u0000${v.podUid ?? ''}`,
      (into, from) => {
        if (
          from.maxSecondsAfterWarning !== undefined &&
          (into.maxSecondsAfterWarning === undefined || from.maxSecondsAfterWarning > into.maxSecondsAfterWarning)
        ) {
          into.maxSecondsAfterWarning = from.maxSecondsAfterWarning;
        }
      },
    ).sort(byName((v) => `${v.namespace}/${v.pod}/${v.subject}`)),
    legacyTokens: mergeBy(
      inputs.map((i) => i.legacyTokens),
      (v) => v.subject,
    ).sort(byName((v) => v.subject)),
    unauthorized: mergeBy(
      inputs.map((i) => i.unauthorized),
      (v) => `${v.sourceIP}\u0000${v.userAgent}`,
      (into, from) => {
        if (from.username !== undefined) into.username ??= from.username;
      },
    ).sort((a, b) => b.requests - a.requests || a.sourceIP.localeCompare(b.sourceIP)),
  };
}
