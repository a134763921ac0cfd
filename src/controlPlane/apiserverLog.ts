// kube-apiserver's own log (the `kube-apiserver` pod in kube-system, klog format): every request
// whose credentials it refused is a line `"Unable to authenticate the request" err="[...]"`,
// counted here by why: the token expired, or it was invalidated (its pod or Secret is gone).

export type AuthFailureReason = 'expired' | 'invalidated' | 'other';

export interface ApiserverAuthFailure {
  /** Undefined when the line carries no time that could be read. */
  atMs?: number;
  reason: AuthFailureReason;
  /** The `err` value as the apiserver wrote it, e.g. `[invalid bearer token, service account token has expired]`. */
  error: string;
}

export interface AuthFailureCounts {
  expired: number;
  invalidated: number;
  other: number;
  total: number;
  firstMs?: number;
  lastMs?: number;
  /** The `err` texts counted as other, with how often each came (at most MAX_OTHER_ERRORS of them). */
  otherErrors: Record<string, number>;
}

export const MAX_OTHER_ERRORS = 20;

const MESSAGE = 'Unable to authenticate the request';
/** `E1202 16:22:58.176191    3407 authentication.go:73] ` */
const KLOG_HEADER = /^[IWEF](\d{2})(\d{2}) (\d{2}):(\d{2}):(\d{2})\.(\d{1,9})\s+\d+\s+[^\]\s]+\]\s?/;
/** `kubectl logs --timestamps` puts the kubelet's RFC 3339 time first. */
const KUBELET_TIME = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2}))\s/;
/** klog's structured `err="..."` value, a Go-quoted string. */
const ERR_VALUE = /\berr="((?:[^"\\]|\\.)*)"/;
/** Before structured logging (1.19 and older): `Unable to authenticate the request due to an error: [...]`. */
const OLD_FORMAT = /Unable to authenticate the request due to an error: (.*)$/;

const EXPIRED = /token has expired|token is expired|Token has expired/i;
const INVALIDATED = /has been invalidated/i;

export function classifyAuthError(error: string): AuthFailureReason {
  if (EXPIRED.test(error)) return 'expired';
  if (INVALIDATED.test(error)) return 'invalidated';
  return 'other';
}

/** Go's strconv.Quote escapes, undone. */
function unquote(text: string): string {
  return text.replace(/\\(["\\nt])/g, (_m, c: string) => (c === 'n' ? '\n' : c === 't' ? '\t' : c));
}

/**
 * klog has no year: the one of `referenceMs` (now), or the year before when that would put the
 * line in the future.
 */
function klogTime(m: RegExpExecArray, referenceMs: number): number | undefined {
  const reference = new Date(referenceMs);
  const [month, day, hh, mm, ss, fraction] = [m[1], m[2], m[3], m[4], m[5], m[6]].map((v) => v ?? '');
  const ms = Number(`0.${fraction}`) * 1000;
  const at = (year: number): number => Date.UTC(year, Number(month) - 1, Number(day), Number(hh), Number(mm), Number(ss)) + Math.floor(ms);
  const year = reference.getUTCFullYear();
  const t = at(year);
  if (!Number.isFinite(t)) return undefined;
  return t > referenceMs + 24 * 60 * 60 * 1000 ? at(year - 1) : t;
}

/** One line of the log: a refused request, or undefined for every other line. */
export function parseApiserverLogLine(line: string, referenceMs: number = Date.now()): ApiserverAuthFailure | undefined {
  if (!line.includes(MESSAGE)) return undefined;
  let rest = line;
  let atMs: number | undefined;
  const kubelet = KUBELET_TIME.exec(rest);
  if (kubelet !== null) {
    const t = Date.parse(kubelet[1] ?? '');
    if (Number.isFinite(t)) atMs = t;
    rest = rest.slice(kubelet[0].length);
  }
  const header = KLOG_HEADER.exec(rest);
  if (header !== null) atMs ??= klogTime(header, referenceMs);
  const structured = ERR_VALUE.exec(rest);
  const old = structured === null ? OLD_FORMAT.exec(rest) : null;
  const error = structured !== null ? unquote(structured[1] ?? '') : (old?.[1]?.trim() ?? '');
  const failure: ApiserverAuthFailure = { reason: classifyAuthError(error), error };
  if (atMs !== undefined) failure.atMs = atMs;
  return failure;
}

export function emptyAuthFailureCounts(): AuthFailureCounts {
  return { expired: 0, invalidated: 0, other: 0, total: 0, otherErrors: {} };
}

/** Fold one refused request into the counts. */
export function countAuthFailure(counts: AuthFailureCounts, f: ApiserverAuthFailure): void {
  counts[f.reason]++;
  counts.total++;
  // The key comes from the log: one that would reach the prototype is not kept.
  if (
    f.reason === 'other' &&
    f.error !== '__proto__' &&
    (Object.hasOwn(counts.otherErrors, f.error) || Object.keys(counts.otherErrors).length < MAX_OTHER_ERRORS)
  ) {
    counts.otherErrors[f.error] = (counts.otherErrors[f.error] ?? 0) + 1;
  }
  if (f.atMs !== undefined) {
    if (counts.firstMs === undefined || f.atMs < counts.firstMs) counts.firstMs = f.atMs;
    if (counts.lastMs === undefined || f.atMs > counts.lastMs) counts.lastMs = f.atMs;
  }
}

/** Every refused request in a log text (or its lines), counted by reason. */
export function countAuthFailures(text: string | Iterable<string>, referenceMs: number = Date.now()): AuthFailureCounts {
  const counts = emptyAuthFailureCounts();
  const lines = typeof text === 'string' ? text.split('\n') : text;
  for (const line of lines) {
    const f = parseApiserverLogLine(line, referenceMs);
    if (f !== undefined) countAuthFailure(counts, f);
  }
  return counts;
}
