// One line of a kube-apiserver audit log (`--audit-log-format=json`, audit.k8s.io/v1) read into the
// few fields that tie stale, legacy and refused tokens to workloads. Most lines concern none of
// them, so a literal search skips those before JSON.parse and reading stays near grep speed. The
// exports of EKS, AKS and GKE are read too: auditEnvelope unwraps their records.

import { isRecord } from '../shared/values';
import { stringOf, unwrapAuditRecord, withoutTimePrefix } from './auditEnvelope';

export const STALE_TOKEN_ANNOTATION = 'authentication.k8s.io/stale-token';
export const LEGACY_TOKEN_ANNOTATION = 'authentication.k8s.io/legacy-token';
export const POD_NAME_EXTRA = 'authentication.kubernetes.io/pod-name';
export const POD_UID_EXTRA = 'authentication.kubernetes.io/pod-uid';

/**
 * What a line must hold for it to matter, exactly as the apiserver's compact JSON writes it: the
 * two annotation keys (quoted) and a 401 response code; then the same inside a JSON string (the
 * event as an AKS or CloudWatch record's text), and GKE's UNAUTHENTICATED (rpc code 16).
 */
export const INTERESTING_LITERALS: readonly string[] = [
  `"${STALE_TOKEN_ANNOTATION}"`,
  `"${LEGACY_TOKEN_ANNOTATION}"`,
  '"code":401',
  `"${STALE_TOKEN_ANNOTATION}\\"`,
  `"${LEGACY_TOKEN_ANNOTATION}\\"`,
  '\\"code\\":401',
  '"code":16',
];

/** The identity the server authenticated; absent from an event when it never learned who called (401). */
export interface AuditUser {
  username: string;
  uid?: string;
  groups: string[];
  /** From user.extra: set for pod-bound service-account tokens. */
  podName?: string;
  podUid?: string;
}

/** The `authentication.k8s.io/stale-token` annotation: a token used after its `warnafter`. */
export interface StaleTokenUse {
  subject: string;
  /** Undefined when the annotation's text is not in the apiserver's format. */
  secondsAfterWarning?: number;
}

export interface AuditEvent {
  auditID: string;
  /** RequestReceived, ResponseStarted, ResponseComplete or Panic. */
  stage: string;
  verb: string;
  requestURI: string;
  requestReceivedMs: number;
  stageMs: number;
  user?: AuditUser;
  sourceIPs: string[];
  userAgent?: string;
  /** responseStatus.code, on the stages that have a response. */
  code?: number;
  staleToken?: StaleTokenUse;
  /** The `authentication.k8s.io/legacy-token` annotation: the subject of a Secret-based token. */
  legacyTokenSubject?: string;
}

export type AuditLineResult = { kind: 'event'; event: AuditEvent } | { kind: 'skipped' } | { kind: 'malformed'; reason: string };

/** True when the line may be a stale-token, legacy-token or 401 event; false lines are never parsed. */
export function isInterestingLine(line: string): boolean {
  return INTERESTING_LITERALS.some((literal) => line.includes(literal));
}

/** A line of the log: skipped unless it may matter, then parsed; never throws. */
export function parseAuditLine(line: string): AuditLineResult {
  return isInterestingLine(line) ? parseAuditJson(line) : { kind: 'skipped' };
}

const STALE_TEXT = /^subject: (.*), seconds after warning threshold: (-?\d+)$/;

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : [];
}

/** The first value of a user.extra key (extra values are lists). */
function firstExtra(extra: unknown, key: string): string | undefined {
  if (!isRecord(extra)) return undefined;
  const values = extra[key];
  return Array.isArray(values) ? stringOf(values[0]) : undefined;
}

function userOf(v: unknown): AuditUser | undefined {
  // A 401 event carries `"user":{}`: the server never learned who it was.
  if (!isRecord(v)) return undefined;
  const username = stringOf(v.username);
  if (username === undefined || username === '') return undefined;
  const user: AuditUser = { username, groups: strings(v.groups) };
  const uid = stringOf(v.uid);
  if (uid !== undefined) user.uid = uid;
  const podName = firstExtra(v.extra, POD_NAME_EXTRA);
  if (podName !== undefined) user.podName = podName;
  const podUid = firstExtra(v.extra, POD_UID_EXTRA);
  if (podUid !== undefined) user.podUid = podUid;
  return user;
}

/** The stale-token annotation's text: `subject: S, seconds after warning threshold: N`. */
export function parseStaleTokenAnnotation(text: string): StaleTokenUse {
  const m = STALE_TEXT.exec(text);
  if (m === null) return { subject: '' };
  return { subject: m[1] ?? '', secondsAfterWarning: Number(m[2]) };
}

function timeOf(v: unknown): number | undefined {
  if (typeof v !== 'string') return undefined;
  const ms = Date.parse(v);
  return Number.isFinite(ms) ? ms : undefined;
}

/** A line parsed whatever it holds: an event of any kind, or why it is not one. */
export function parseAuditJson(line: string): AuditLineResult {
  let parsed: unknown;
  try {
    parsed = JSON.parse(withoutTimePrefix(line));
  } catch {
    return { kind: 'malformed', reason: 'not JSON' };
  }
  if (!isRecord(parsed)) return { kind: 'malformed', reason: 'not a JSON object' };
  const unwrapped = unwrapAuditRecord(parsed);
  if (unwrapped.kind === 'malformed') return unwrapped;
  const value = unwrapped.record;
  const auditID = stringOf(value.auditID);
  const stage = stringOf(value.stage);
  const received = timeOf(value.requestReceivedTimestamp);
  if (auditID === undefined || stage === undefined || received === undefined) {
    return { kind: 'malformed', reason: 'an Event without auditID, stage or requestReceivedTimestamp' };
  }
  const event: AuditEvent = {
    auditID,
    stage,
    verb: stringOf(value.verb) ?? '',
    requestURI: stringOf(value.requestURI) ?? '',
    requestReceivedMs: received,
    stageMs: timeOf(value.stageTimestamp) ?? received,
    sourceIPs: strings(value.sourceIPs),
  };
  const user = userOf(value.user);
  if (user !== undefined) event.user = user;
  const userAgent = stringOf(value.userAgent);
  if (userAgent !== undefined) event.userAgent = userAgent;
  const status = value.responseStatus;
  if (isRecord(status) && typeof status.code === 'number') event.code = status.code;
  const annotations = value.annotations;
  if (isRecord(annotations)) {
    const stale = stringOf(annotations[STALE_TOKEN_ANNOTATION]);
    if (stale !== undefined) {
      const use = parseStaleTokenAnnotation(stale);
      event.staleToken = use.subject === '' && user !== undefined ? { ...use, subject: user.username } : use;
    }
    const legacy = stringOf(annotations[LEGACY_TOKEN_ANNOTATION]);
    if (legacy !== undefined) event.legacyTokenSubject = legacy;
  }
  return { kind: 'event', event };
}
