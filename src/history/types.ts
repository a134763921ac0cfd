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

export type HistoryRecord = TokenObservation | UnauthorizedEvent;

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
