// The Token Health timeline as plain data: each token's window, the refreshes seen, the 401
// markers (the app's own log lines, and the API server's audit log by caller) and "now", on one time
// axis in milliseconds. Pure; the webview renders it.
import type { Subject, TokenObservation, UnauthorizedEvent } from '../history/types';
import { isRefreshOverdue, kubeletRefreshPoint, type RefreshTimes } from '../token/kubeletRefresh';

/** How the active cluster's API server would take a token: accepted, accepted but stale, refused, or not known. */
export type VerdictTone = 'accepted' | 'stale' | 'refused' | 'unknown';

/** A window's verdict (diagnosis/tokenVerdict.ts) as the views say it: plain text, escaped by whoever shows it. */
export interface WindowVerdict {
  tone: VerdictTone;
  text: string;
}

/** One token's lifetime as observed: issued → kubelet refresh point → warnafter → expiry. */
export interface TokenWindow {
  /** The token's fingerprint (never the token). */
  fingerprint: string;
  /** `subject` as one line: `namespace/pod (container) path`, for the lane label. */
  lane: string;
  /** The pod (or service account, or context) the lane belongs to: 401 markers share it. */
  group: string;
  subject: Subject;
  source: TokenObservation['source'];
  jti?: string;
  /** Milliseconds since the epoch; absent when the claim is absent. */
  issuedAtMs?: number;
  /** When the kubelet should have replaced it (token files the kubelet projects only; never a requested token). */
  refreshAtMs?: number;
  warnAfterMs?: number;
  expiresAtMs?: number;
  /** First and last time this token was seen. */
  firstSeenMs: number;
  lastSeenMs: number;
  /**
   * What the active context's API server would answer to it now; set by Token Health's host only for a token the
   * session holds or held (history keeps no token to judge), never by buildTimeline.
   */
  verdict?: WindowVerdict;
}

/** The moment a newer token replaced an older one for the same subject. */
export interface ObservedRefresh {
  /** When the newer token was first seen. */
  atMs: number;
  lane: string;
  fromFingerprint: string;
  toFingerprint: string;
  /** True when the newer token was first seen after the old one's refresh was overdue (the explorer's and refreshStalled's rule). */
  late: boolean;
}

export interface UnauthorizedMarker {
  atMs: number;
  /** A 401 names a pod, not a token file: its lane is the pod's group. */
  lane: string;
  subject: Subject;
  source: UnauthorizedEvent['source'];
  pattern: string;
  /** Masked line. */
  line: string;
  count: number;
}

/**
 * 401s the API server's audit log holds for a caller tied to a pod by its source IP (diagnosis/auditSources.ts):
 * a range from the first request refused to the last, drawn in the pod's 401 lane beside its own log lines.
 */
export interface AuditUnauthorizedSpan {
  /** The pod the caller's IP ties it to (context, namespace, pod, podUid, serviceAccount). */
  subject: Subject;
  firstSeenMs: number;
  lastSeenMs: number;
  requests: number;
  sourceIP: string;
  /** Empty when the request carried none. */
  userAgent: string;
  /** The pod was deleted since: it is named through the addresses history saw. */
  podDeleted?: boolean;
}

export interface AuditUnauthorizedRange extends AuditUnauthorizedSpan {
  /** The pod's group, as for 401 markers. */
  lane: string;
}

export interface Timeline {
  nowMs: number;
  /** The axis: from the earliest thing shown to the latest (at least up to now). */
  startMs: number;
  endMs: number;
  /** Lane labels in display order (a group's token lanes, then its own lane for 401s without a token lane). */
  lanes: string[];
  windows: TokenWindow[];
  refreshes: ObservedRefresh[];
  unauthorized: UnauthorizedMarker[];
  /** 401s from the API server's audit log, by caller tied to a pod; absent in a state saved by an older version. */
  auditUnauthorized?: AuditUnauthorizedRange[];
}

/** Whether the kubelet replaces a token of this source: only a projected token file read live is. */
export function refreshedByKubelet(source: TokenObservation['source']): boolean {
  return source === 'liveRead';
}

/** `payments/api-7f9c (api) /var/run/secrets/...`, or the context for kubeconfig credentials. */
export function laneOf(subject: Subject): string {
  const parts: string[] = [];
  if (subject.namespace !== undefined && subject.pod !== undefined) parts.push(`${subject.namespace}/${subject.pod}`);
  else if (subject.namespace !== undefined && subject.serviceAccount !== undefined) parts.push(`${subject.namespace}/sa:${subject.serviceAccount}`);
  else if (subject.namespace !== undefined) parts.push(subject.namespace);
  else parts.push(subject.context);
  if (subject.container !== undefined) parts.push(`(${subject.container})`);
  if (subject.path !== undefined) parts.push(subject.path);
  return parts.join(' ');
}

/** The group a lane belongs to: its pod (any container) when it names one. */
function groupOf(subject: Subject): string {
  if (subject.namespace !== undefined && subject.pod !== undefined) return `${subject.namespace}/${subject.pod}`;
  return laneOf({ context: subject.context, namespace: subject.namespace, serviceAccount: subject.serviceAccount });
}

function ms(seconds: number | undefined): number | undefined {
  return seconds === undefined ? undefined : seconds * 1000;
}

/**
 * The timeline of `observations`, `unauthorizedEvents` and `auditUnauthorized`: one window per (lane, fingerprint),
 * a refresh wherever a lane's token changes, a marker per 401 event and a range per audit 401 caller.
 */
export function buildTimeline(
  observations: readonly TokenObservation[],
  unauthorizedEvents: readonly UnauthorizedEvent[],
  nowMs: number,
  auditUnauthorized: readonly AuditUnauthorizedSpan[] = [],
): Timeline {
  const windows = new Map<string, TokenWindow>();
  const refreshTimes = new Map<TokenWindow, RefreshTimes>();
  for (const o of [...observations].sort((a, b) => a.at - b.at)) {
    const lane = laneOf(o.subject);
    const key = `${lane}\u0000${o.fingerprint}`;
    const last = o.lastAt ?? o.at;
    const existing = windows.get(key);
    if (existing) {
      existing.firstSeenMs = Math.min(existing.firstSeenMs, o.at);
      existing.lastSeenMs = Math.max(existing.lastSeenMs, last);
      continue;
    }
    const w: TokenWindow = {
      fingerprint: o.fingerprint,
      lane,
      group: groupOf(o.subject),
      subject: { ...o.subject },
      source: o.source,
      firstSeenMs: o.at,
      lastSeenMs: last,
    };
    if (o.jti !== undefined) w.jti = o.jti;
    if (o.iat !== undefined) w.issuedAtMs = ms(o.iat);
    if (o.warnAfter !== undefined) w.warnAfterMs = ms(o.warnAfter);
    if (o.exp !== undefined) w.expiresAtMs = ms(o.exp);
    // Only a token file the kubelet projects is refreshed: a requested token bound to the pod (TokenRequest) names the
    // pod too, but nothing replaces it, so it has no refresh point and is never overdue.
    if (o.iat !== undefined && o.exp !== undefined && o.subject.pod !== undefined && refreshedByKubelet(o.source)) {
      const times: RefreshTimes = { issuedAt: o.iat, expiresAt: o.exp, warnAfter: o.warnAfter };
      w.refreshAtMs = kubeletRefreshPoint(times) * 1000;
      refreshTimes.set(w, times);
    }
    windows.set(key, w);
  }

  const list = [...windows.values()].sort((a, b) => a.firstSeenMs - b.firstSeenMs || a.lane.localeCompare(b.lane));
  const refreshes: ObservedRefresh[] = [];
  const byLane = new Map<string, TokenWindow[]>();
  for (const w of list) {
    const lane = byLane.get(w.lane) ?? [];
    lane.push(w);
    byLane.set(w.lane, lane);
  }
  for (const [lane, ws] of byLane) {
    for (let i = 1; i < ws.length; i++) {
      const from = ws[i - 1];
      const to = ws[i];
      if (!from || !to) continue;
      const due = refreshTimes.get(from);
      refreshes.push({
        atMs: to.firstSeenMs,
        lane,
        fromFingerprint: from.fingerprint,
        toFingerprint: to.fingerprint,
        late: due !== undefined && isRefreshOverdue(due, Math.floor(to.firstSeenMs / 1000)),
      });
    }
  }
  refreshes.sort((a, b) => a.atMs - b.atMs);

  const unauthorized: UnauthorizedMarker[] = [...unauthorizedEvents]
    .sort((a, b) => a.at - b.at)
    .map((e) => ({ atMs: e.at, lane: groupOf(e.subject), subject: { ...e.subject }, source: e.source, pattern: e.pattern, line: e.line, count: e.count ?? 1 }));

  const audit: AuditUnauthorizedRange[] = [...auditUnauthorized]
    .sort((a, b) => a.firstSeenMs - b.firstSeenMs || a.sourceIP.localeCompare(b.sourceIP) || a.userAgent.localeCompare(b.userAgent))
    .map((a) => ({ ...a, subject: { ...a.subject }, lane: groupOf(a.subject) }));

  const lanes: string[] = [];
  for (const w of list) if (!lanes.includes(w.lane)) lanes.push(w.lane);
  for (const m of unauthorized) if (!lanes.includes(m.lane)) lanes.push(m.lane);
  for (const a of audit) if (!lanes.includes(a.lane)) lanes.push(a.lane);

  const times: number[] = [nowMs];
  for (const w of list) {
    times.push(w.firstSeenMs, w.lastSeenMs);
    for (const t of [w.issuedAtMs, w.refreshAtMs, w.warnAfterMs]) if (t !== undefined) times.push(t);
    // A one-year expiry would squash everything else: show it only when it is near.
    if (w.expiresAtMs !== undefined && w.expiresAtMs - nowMs < 7 * 24 * 3600 * 1000) times.push(w.expiresAtMs);
  }
  for (const m of unauthorized) times.push(m.atMs);
  for (const a of audit) times.push(a.firstSeenMs, a.lastSeenMs);
  return { nowMs, startMs: Math.min(...times), endMs: Math.max(...times), lanes, windows: list, refreshes, unauthorized, auditUnauthorized: audit };
}
