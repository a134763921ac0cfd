// Types that cross the history/ boundary. history/ is pure Node: no vscode, no network.

/** Whom an observation is about. Only `context` is always known. */
export interface Subject {
  context: string;
  namespace?: string;
  pod?: string;
  podUid?: string;
  serviceAccount?: string;
  container?: string;
  /** Token file path in the container, or the kubeconfig path. */
  path?: string;
}

/**
 * A token seen at some moment: its claims and fingerprint, never the token itself. Field names are the
 * history file's (stored as is), so they carry no unit suffix: `at`/`lastAt` are ms, `iat`/`exp`/`warnAfter` seconds.
 */
export interface TokenObservation {
  kind: 'token';
  /** Milliseconds since the epoch: when it was first seen (in a run of identical observations). */
  at: number;
  subject: Subject;
  source: 'liveRead' | 'tokenRequest' | 'kubeconfig' | 'secret';
  /** Hex sha256 prefix of the token. */
  fingerprint: string;
  /** JWT times, seconds since the epoch. */
  iat?: number;
  exp?: number;
  warnAfter?: number;
  jti?: string;
  /** Set by the store: when the same token was last seen for this subject, if after `at`. */
  lastAt?: number;
}

/** A 401 seen in a log line, an event or a probe. */
export interface UnauthorizedEvent {
  kind: 'unauthorized';
  /** Milliseconds since the epoch (a stored field name: no unit suffix). */
  at: number;
  subject: Subject;
  source: 'log' | 'event' | 'probe';
  /** Id of the log pattern (or probe) that saw it. */
  pattern: string;
  /** The evidence, already masked by the caller. */
  line: string;
  count?: number;
}

/** Which audit evidence a record keeps: a pod's stale token, a legacy token in use, or a caller refused with 401. */
export type AuditUseKind = 'stale' | 'legacy' | 'unauthorized';

/**
 * What the API server's audit log showed of one use (src/controlPlane/auditSummary.ts), kept so that its findings
 * and the timeline's audit 401s survive a reload: counts, times, addresses and user agents, never a token or an
 * audit line. One record per use: a later record of the same use (subject kept apart) replaces it.
 */
export interface AuditRecord {
  kind: 'audit';
  use: AuditUseKind;
  /** Milliseconds since the epoch: the first request seen (a stored field name: no unit suffix). */
  at: number;
  /** The last request seen, if after `at`. */
  lastAt?: number;
  /**
   * stale: the pod the annotation names (namespace, pod, podUid, serviceAccount); legacy: its service account;
   * unauthorized: the context, and the pod its source IP was tied to when one was.
   */
  subject: Subject;
  /** stale and legacy: the annotation's user, `system:serviceaccount:NS:NAME`; unauthorized: the user, when the server knew it. */
  user?: string;
  /** Requests, each counted once across its stages. */
  requests: number;
  /** A few distinct values, as the summary kept them. */
  userAgents: string[];
  sourceIPs: string[];
  /** stale: the most seconds past `warnafter` any of its requests was. */
  maxSecondsAfterWarning?: number;
  /** unauthorized: the caller, by address and user agent (the key of the use). */
  sourceIP?: string;
  userAgent?: string;
  /** unauthorized, tied to a pod: that pod was deleted when the record was written. */
  podDeleted?: boolean;
}

/**
 * A pod seen holding an IP: how a 401 in the audit log, which names its caller by address only, is tied to a
 * pod deleted since. One record per pod and address; a later one of the same widens its time range.
 */
export interface PodAddressRecord {
  kind: 'podAddress';
  /** Milliseconds since the epoch: since when it held the address (its start, when known). */
  at: number;
  /** When it was last seen holding it (found gone, or the address changed); absent while it was never seen to end. */
  lastAt?: number;
  /** context, namespace, pod, podUid and serviceAccount. */
  subject: Subject;
  ip: string;
}

export type HistoryRecord = TokenObservation | UnauthorizedEvent | AuditRecord | PodAddressRecord;

export interface HistoryFilter {
  context?: string;
  namespace?: string;
  pod?: string;
  podUid?: string;
  serviceAccount?: string;
  /** Records last seen at or after this moment (ms). */
  sinceMs?: number;
  kind?: HistoryRecord['kind'];
}

export interface HistoryOptions {
  /** Records last seen longer ago than this are dropped (default 30). */
  maxDays?: number;
  /** The file is compacted when it grows past this size (default 5 MiB); at most this much of it is read. */
  maxBytes?: number;
  nowMs?: () => number;
  /** Told, in a sentence, when the history file had to be set aside or some of its lines were skipped. */
  onNotice?: (message: string) => void;
  /** Where to keep the history for this session when the folder asked for cannot be used. */
  fallbackDir?: string;
}

/** Where the history ended up once it was open. */
export interface HistoryOpened {
  /** The folder asked for, or the fallback folder when that could not be used. */
  dir: string;
  /** Why the folder asked for could not be used, as a sentence; only when the fallback is in use. */
  problem?: string;
}
